/* ovsdb_shim.h: the C API between libopenvswitch's OVSDB IDL and ovs-erspan's C++.
 *
 * libopenvswitch's lib/ headers do not compile as C++, so ovsdb_shim.c is the only file that
 * includes them. This header is plain C99 with no OVS types: C++ includes it directly.
 *
 * Threading: one ovse_db belongs to one thread (OVS poll loops are per thread). A snapshot's
 * strings point into the IDL's memory and stay valid until the next ovse_db_run() on the same
 * ovse_db; copy what you keep before running the loop again. */
#ifndef OVSE_OVSDB_SHIM_H
#define OVSE_OVSDB_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An OVSDB row UUID in its canonical text form. */
struct ovse_uuid {
  char str[37];
};

/* A string-to-string map column (external_ids, options, status). */
struct ovse_smap {
  size_t n;
  const char *const *keys;
  const char *const *values;
};

/* A string-to-integer map column (Mirror.statistics, Interface.statistics). */
struct ovse_imap {
  size_t n;
  const char *const *keys;
  const int64_t *values;
};

struct ovse_bridge {
  struct ovse_uuid uuid;
  const char *name;
  const char *datapath_type;
  size_t n_ports;
  const struct ovse_uuid *ports;
  size_t n_mirrors;
  const struct ovse_uuid *mirrors;
  struct ovse_smap external_ids;
};

struct ovse_port {
  struct ovse_uuid uuid;
  const char *name;
  size_t n_interfaces;
  const struct ovse_uuid *interfaces;
  int64_t tag; /* -1 when the port is not an access port */
  size_t n_trunks;
  const int64_t *trunks;
  const char *vlan_mode;  /* "" when unset */
  const char *bond_mode;  /* "" when unset */
  struct ovse_smap external_ids;
};

struct ovse_interface {
  struct ovse_uuid uuid;
  const char *name;
  const char *type;        /* "" is a system interface */
  int64_t ofport;          /* -1 when OVS has not assigned one (yet), or failed */
  const char *mac_in_use;  /* "" when unknown */
  const char *admin_state; /* "" when unknown */
  const char *link_state;  /* "" when unknown */
  const char *error;       /* "" when none */
  int64_t mtu;             /* -1 when unknown */
  struct ovse_smap external_ids;
  struct ovse_smap options;
  struct ovse_smap status; /* what ovs-vswitchd reports (tunnel_egress_iface, driver_name...) */
  struct ovse_imap statistics;
};

struct ovse_mirror {
  struct ovse_uuid uuid;
  const char *name;
  bool select_all;
  size_t n_select_src_port;
  const struct ovse_uuid *select_src_port;
  size_t n_select_dst_port;
  const struct ovse_uuid *select_dst_port;
  size_t n_select_vlan;
  const int64_t *select_vlan;
  bool has_output_port;
  struct ovse_uuid output_port;
  int64_t output_vlan; /* -1 when unset */
  int64_t snaplen;     /* 0 when unset */
  struct ovse_smap external_ids;
  struct ovse_imap statistics;
};

/* The whole vswitch database as last seen. */
struct ovse_snapshot {
  uint64_t seqno;
  int64_t cur_cfg; /* the configuration generation ovs-vswitchd has applied */
  size_t n_bridges;
  struct ovse_bridge *bridges;
  size_t n_ports;
  struct ovse_port *ports;
  size_t n_interfaces;
  struct ovse_interface *interfaces;
  size_t n_mirrors;
  struct ovse_mirror *mirrors;
};

struct ovse_db;

/* Sets how much libopenvswitch logs to stderr: 0 nothing, 1 warnings, 2 info, 3 debug. */
void ovse_set_log_level(int level);

/* libopenvswitch installs handlers for SIGTERM, SIGINT, SIGHUP and SIGALRM the first time its
 * poll loop runs (and then exits the process on them). Calling this installs them now, so a
 * program that wants those signals itself can replace them afterwards, for good. */
void ovse_claim_fatal_signals(void);

/* Configures SSL for "ssl:" remotes. NULL leaves a file unset. Call before ovse_db_open. */
void ovse_set_ssl(const char *private_key, const char *certificate, const char *ca_cert,
                  bool bootstrap_ca_cert);

/* Opens an IDL connection to the Open_vSwitch database at `remote` (unix:PATH, tcp:IP:PORT,
 * ssl:IP:PORT). With `retry` the connection is re-established forever with back-off; without it
 * the first failure is final. Returns NULL and fills `err` when `remote` is not a valid name. */
struct ovse_db *ovse_db_open(const char *remote, bool retry, char *err, size_t err_len);

void ovse_db_close(struct ovse_db *db);

/* Processes pending messages. Returns the change sequence number: it moves when the contents do. */
uint64_t ovse_db_run(struct ovse_db *db);

/* True once the database contents have been received at least once. */
bool ovse_db_has_ever_connected(const struct ovse_db *db);

/* True while the connection is up. */
bool ovse_db_is_connected(const struct ovse_db *db);

/* False once a connection opened without `retry` has failed for good. */
bool ovse_db_is_alive(const struct ovse_db *db);

/* The errno of the last connection failure, 0 when none. */
int ovse_db_last_error(const struct ovse_db *db);

/* Blocks until the IDL has work, `wake_fd` (if >= 0) is readable, or `timeout_ms` passes
 * (-1 = no timeout). */
void ovse_db_wait(struct ovse_db *db, int wake_fd, long long timeout_ms);

/* Copies the current contents into a snapshot; free it with ovse_snapshot_free. */
struct ovse_snapshot *ovse_db_snapshot(struct ovse_db *db);
void ovse_snapshot_free(struct ovse_snapshot *snapshot);

/* Sends `command` with `argc` arguments, like `ovs-appctl -t socket_path command args...`, and
 * waits at most `timeout_ms` for the reply. Returns 0 with the whole reply in *out, or -1 with
 * the error in *out (a timeout says so); free *out with free(). */
int ovse_unixctl_args(const char *socket_path, const char *command, int argc,
                      const char *const *argv, long long timeout_ms, char **out);

/* ---- transactions ---- */

/* What a Mirror row should hold; ports are named (existing, or added in the same transaction). */
struct ovse_mirror_spec {
  const char *bridge;
  const char *name;
  const char *const *src_ports;
  size_t n_src_ports;
  const char *const *dst_ports;
  size_t n_dst_ports;
  const int64_t *vlans;
  size_t n_vlans;
  bool select_all;
  const char *output_port; /* NULL: none */
  int64_t output_vlan;     /* -1: none */
  int64_t snaplen;         /* 0: none */
  struct ovse_smap external_ids;
};

/* A port with one interface of the same name. */
struct ovse_port_spec {
  const char *bridge;
  const char *name;
  const char *type;
  struct ovse_smap options;
  struct ovse_smap external_ids;
};

struct ovse_txn;

/* Starts a transaction. Every call below returns false and records why when it cannot be done
 * (unknown bridge, port or row); ovse_txn_commit then reports the first such error. */
struct ovse_txn *ovse_txn_begin(struct ovse_db *db);
bool ovse_txn_add_port(struct ovse_txn *txn, const struct ovse_port_spec *spec);
bool ovse_txn_update_interface(struct ovse_txn *txn, const char *iface_uuid,
                               const struct ovse_port_spec *spec);
bool ovse_txn_delete_port(struct ovse_txn *txn, const char *port_uuid);
/* Creates a mirror (mirror_uuid NULL) or rewrites an existing one. */
bool ovse_txn_set_mirror(struct ovse_txn *txn, const char *mirror_uuid,
                         const struct ovse_mirror_spec *spec);
bool ovse_txn_delete_mirror(struct ovse_txn *txn, const char *mirror_uuid);

enum ovse_commit_status { OVSE_COMMIT_OK, OVSE_COMMIT_TRY_AGAIN, OVSE_COMMIT_ERROR };

/* Commits (blocking) and destroys the transaction. On OK, *next_cfg (if not NULL) is the
 * configuration generation ovs-vswitchd reaches once it has applied the change. */
enum ovse_commit_status ovse_txn_commit(struct ovse_txn *txn, int64_t *next_cfg, char *err,
                                        size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* OVSE_OVSDB_SHIM_H */
