/* ovsdb_shim.c: libopenvswitch's OVSDB IDL behind the plain C API of ovsdb_shim.h. This is the
 * only file in ovs-erspan that includes OVS headers. */
#include <config.h>

#include "ovsdb_shim.h"
#include "ovsdb_shim_private.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal-signal.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "stream-ssl.h"
#include "stream.h"
#include "util.h"
#include "vswitch-idl.h"

struct ovse_db {
  struct ovsdb_idl *idl;
};

/* A snapshot and every array allocated for it, freed together. */
struct snapshot_impl {
  struct ovse_snapshot pub;
  void **allocs;
  size_t n_allocs;
  size_t cap_allocs;
};

void ovse_set_log_level(int level) {
  enum vlog_level console = level <= 0   ? VLL_OFF
                            : level == 1 ? VLL_WARN
                            : level == 2 ? VLL_INFO
                                         : VLL_DBG;
  vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
  vlog_set_levels(NULL, VLF_CONSOLE, console);
}

void ovse_claim_fatal_signals(void) { fatal_signal_init(); }

void ovse_set_ssl(const char *private_key, const char *certificate, const char *ca_cert,
                  bool bootstrap_ca_cert) {
  if (private_key) {
    stream_ssl_set_private_key_file(private_key);
  }
  if (certificate) {
    stream_ssl_set_certificate_file(certificate);
  }
  if (ca_cert) {
    stream_ssl_set_ca_cert_file(ca_cert, bootstrap_ca_cert);
  }
}

struct ovse_db *ovse_db_open(const char *remote, bool retry, char *err, size_t err_len) {
  /* Checked here because the IDL would accept any name and then fail forever. */
  if (stream_verify_name(remote)) {
    snprintf(err, err_len, "unsupported OVSDB remote '%s' (use unix:PATH, tcp:IP:PORT or ssl:IP:PORT)",
             remote);
    return NULL;
  }
  struct ovse_db *db = xzalloc(sizeof *db);
  db->idl = ovsdb_idl_create(remote, &ovsrec_idl_class, true, retry);
  return db;
}

struct ovsdb_idl *ovse_db_idl(struct ovse_db *db) { return db->idl; }

void ovse_db_close(struct ovse_db *db) {
  if (db) {
    ovsdb_idl_destroy(db->idl);
    free(db);
  }
}

uint64_t ovse_db_run(struct ovse_db *db) {
  ovsdb_idl_run(db->idl);
  return ovsdb_idl_get_seqno(db->idl);
}

bool ovse_db_has_ever_connected(const struct ovse_db *db) {
  return ovsdb_idl_has_ever_connected(db->idl);
}

bool ovse_db_is_connected(const struct ovse_db *db) { return ovsdb_idl_is_connected(db->idl); }

bool ovse_db_is_alive(const struct ovse_db *db) { return ovsdb_idl_is_alive(db->idl); }

int ovse_db_last_error(const struct ovse_db *db) { return ovsdb_idl_get_last_error(db->idl); }

void ovse_db_wait(struct ovse_db *db, int wake_fd, long long timeout_ms) {
  ovsdb_idl_wait(db->idl);
  if (wake_fd >= 0) {
    poll_fd_wait(wake_fd, POLLIN);
  }
  if (timeout_ms >= 0) {
    poll_timer_wait(timeout_ms);
  }
  poll_block();
}

/* ---- snapshot building ---- */

static void *snap_alloc(struct snapshot_impl *s, size_t n, size_t size) {
  if (n == 0) {
    return NULL;
  }
  void *p = xcalloc(n, size);
  if (s->n_allocs == s->cap_allocs) {
    s->allocs = x2nrealloc(s->allocs, &s->cap_allocs, sizeof *s->allocs);
  }
  s->allocs[s->n_allocs++] = p;
  return p;
}

static void copy_uuid(struct ovse_uuid *out, const struct ovsdb_idl_row *row) {
  snprintf(out->str, sizeof out->str, UUID_FMT, UUID_ARGS(&row->uuid));
}

static struct ovse_smap copy_smap(struct snapshot_impl *s, const struct smap *map) {
  struct ovse_smap out = {0};
  out.n = smap_count(map);
  const char **keys = snap_alloc(s, out.n, sizeof *keys);
  const char **values = snap_alloc(s, out.n, sizeof *values);
  const struct smap_node *node;
  size_t i = 0;
  SMAP_FOR_EACH (node, map) {
    keys[i] = node->key;
    values[i] = node->value;
    i++;
  }
  out.keys = keys;
  out.values = values;
  return out;
}

static struct ovse_imap make_imap(char **keys, int64_t *values, size_t n) {
  struct ovse_imap out = {n, (const char *const *)keys, values};
  return out;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* Collects the UUIDs of an array of referenced rows of any table. */
#define COPY_REFS(S, ROWS, N) copy_refs(S, (const void *const *)(ROWS), N)
static const struct ovse_uuid *copy_refs(struct snapshot_impl *s, const void *const *rows,
                                         size_t n) {
  struct ovse_uuid *out = snap_alloc(s, n, sizeof *out);
  for (size_t i = 0; i < n; i++) {
    /* Every IDL row struct begins with its struct ovsdb_idl_row header_. */
    copy_uuid(&out[i], (const struct ovsdb_idl_row *)rows[i]);
  }
  return out;
}

static void snapshot_bridges(struct snapshot_impl *s, struct ovsdb_idl *idl) {
  const struct ovsrec_bridge *row;
  size_t n = 0;
  OVSREC_BRIDGE_FOR_EACH (row, idl) {
    n++;
  }
  struct ovse_bridge *out = snap_alloc(s, n, sizeof *out);
  size_t i = 0;
  OVSREC_BRIDGE_FOR_EACH (row, idl) {
    struct ovse_bridge *b = &out[i++];
    copy_uuid(&b->uuid, &row->header_);
    b->name = row->name;
    b->datapath_type = row->datapath_type;
    b->n_ports = row->n_ports;
    b->ports = COPY_REFS(s, row->ports, row->n_ports);
    b->n_mirrors = row->n_mirrors;
    b->mirrors = COPY_REFS(s, row->mirrors, row->n_mirrors);
    b->external_ids = copy_smap(s, &row->external_ids);
  }
  s->pub.n_bridges = n;
  s->pub.bridges = out;
}

static void snapshot_ports(struct snapshot_impl *s, struct ovsdb_idl *idl) {
  const struct ovsrec_port *row;
  size_t n = 0;
  OVSREC_PORT_FOR_EACH (row, idl) {
    n++;
  }
  struct ovse_port *out = snap_alloc(s, n, sizeof *out);
  size_t i = 0;
  OVSREC_PORT_FOR_EACH (row, idl) {
    struct ovse_port *p = &out[i++];
    copy_uuid(&p->uuid, &row->header_);
    p->name = row->name;
    p->n_interfaces = row->n_interfaces;
    p->interfaces = COPY_REFS(s, row->interfaces, row->n_interfaces);
    p->tag = row->n_tag ? row->tag[0] : -1;
    p->n_trunks = row->n_trunks;
    p->trunks = row->trunks;
    p->vlan_mode = or_empty(row->vlan_mode);
    p->bond_mode = or_empty(row->bond_mode);
    p->external_ids = copy_smap(s, &row->external_ids);
  }
  s->pub.n_ports = n;
  s->pub.ports = out;
}

static void snapshot_interfaces(struct snapshot_impl *s, struct ovsdb_idl *idl) {
  const struct ovsrec_interface *row;
  size_t n = 0;
  OVSREC_INTERFACE_FOR_EACH (row, idl) {
    n++;
  }
  struct ovse_interface *out = snap_alloc(s, n, sizeof *out);
  size_t i = 0;
  OVSREC_INTERFACE_FOR_EACH (row, idl) {
    struct ovse_interface *f = &out[i++];
    copy_uuid(&f->uuid, &row->header_);
    f->name = row->name;
    f->type = or_empty(row->type);
    f->ofport = row->n_ofport ? row->ofport[0] : -1;
    f->mac_in_use = or_empty(row->mac_in_use);
    f->admin_state = or_empty(row->admin_state);
    f->link_state = or_empty(row->link_state);
    f->error = or_empty(row->error);
    f->mtu = row->n_mtu ? row->mtu[0] : -1;
    f->external_ids = copy_smap(s, &row->external_ids);
    f->options = copy_smap(s, &row->options);
    f->status = copy_smap(s, &row->status);
    f->statistics = make_imap(row->key_statistics, row->value_statistics, row->n_statistics);
  }
  s->pub.n_interfaces = n;
  s->pub.interfaces = out;
}

static void snapshot_mirrors(struct snapshot_impl *s, struct ovsdb_idl *idl) {
  const struct ovsrec_mirror *row;
  size_t n = 0;
  OVSREC_MIRROR_FOR_EACH (row, idl) {
    n++;
  }
  struct ovse_mirror *out = snap_alloc(s, n, sizeof *out);
  size_t i = 0;
  OVSREC_MIRROR_FOR_EACH (row, idl) {
    struct ovse_mirror *m = &out[i++];
    copy_uuid(&m->uuid, &row->header_);
    m->name = row->name;
    m->select_all = row->select_all;
    m->n_select_src_port = row->n_select_src_port;
    m->select_src_port = COPY_REFS(s, row->select_src_port, row->n_select_src_port);
    m->n_select_dst_port = row->n_select_dst_port;
    m->select_dst_port = COPY_REFS(s, row->select_dst_port, row->n_select_dst_port);
    m->n_select_vlan = row->n_select_vlan;
    m->select_vlan = row->select_vlan;
    m->has_output_port = row->output_port != NULL;
    if (row->output_port) {
      copy_uuid(&m->output_port, &row->output_port->header_);
    }
    m->output_vlan = row->n_output_vlan ? row->output_vlan[0] : -1;
    m->snaplen = row->n_snaplen ? row->snaplen[0] : 0;
    m->external_ids = copy_smap(s, &row->external_ids);
    m->statistics = make_imap(row->key_statistics, row->value_statistics, row->n_statistics);
  }
  s->pub.n_mirrors = n;
  s->pub.mirrors = out;
}

struct ovse_snapshot *ovse_db_snapshot(struct ovse_db *db) {
  struct snapshot_impl *s = xzalloc(sizeof *s);
  s->pub.seqno = ovsdb_idl_get_seqno(db->idl);
  const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(db->idl);
  s->pub.cur_cfg = ovs ? ovs->cur_cfg : 0;
  snapshot_bridges(s, db->idl);
  snapshot_ports(s, db->idl);
  snapshot_interfaces(s, db->idl);
  snapshot_mirrors(s, db->idl);
  return &s->pub;
}

void ovse_snapshot_free(struct ovse_snapshot *snapshot) {
  if (!snapshot) {
    return;
  }
  struct snapshot_impl *s = CONTAINER_OF(snapshot, struct snapshot_impl, pub);
  for (size_t i = 0; i < s->n_allocs; i++) {
    free(s->allocs[i]);
  }
  free(s->allocs);
  free(s);
}
