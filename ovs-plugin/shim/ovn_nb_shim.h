/* ovn_nb_shim: ovs-erspan's small C API over an IDL for OVN's Northbound database (generated at
 * build time from ovn-nb.ovsschema by OVS's ovsdb-idlc). It writes port mirrors the way
 * `ovn-nbctl mirror-add` / `lsp-attach-mirror` do: Mirror rows plus
 * Logical_Switch_Port.mirror_rules. Plain structs only; no OVS header is visible from here. */
#ifndef OVSE_OVN_NB_SHIM_H
#define OVSE_OVN_NB_SHIM_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One NB Mirror row and the logical switch ports it is attached to. */
struct ovse_nb_mirror {
  const char *name;            /* Mirror.name (unique in the table) */
  const char *filter;          /* "from-lport" or "to-lport" */
  const char *sink;            /* collector IP */
  const char *type;            /* "erspan" or "gre" */
  int64_t index;               /* GRE key / ERSPAN session ID (and erspan_idx) */
  const char *const *ports;    /* Logical_Switch_Port names */
  size_t n_ports;
};

struct ovse_nb;

/* Connects to the NB database at `remote` (no retry). NULL with `err` on a bad remote. */
struct ovse_nb *ovse_nb_open(const char *remote, char *err, size_t err_len);
void ovse_nb_close(struct ovse_nb *nb);

/* Runs the IDL until the database contents arrived: 0, or -1 after `timeout_ms` (`err` says why). */
int ovse_nb_wait_contents(struct ovse_nb *nb, int timeout_ms, char *err, size_t err_len);

/* One transaction (retried while the database moves on): the Mirror rows carrying
 * external_ids:`owner_key` become exactly `mirrors` (created, rewritten, deleted), each tagged
 * with external_ids:`owner_key`=`owner_value` of the mirror, and every logical switch port's
 * mirror_rules hold exactly the owned mirrors that list it (other mirrors are left alone).
 * Ports that do not exist are skipped and named, comma-separated, in `missing`.
 * Returns 0, or -1 with the database's error in `err`. */
int ovse_nb_sync_mirrors(struct ovse_nb *nb, const char *owner_key,
                         const char *const *owner_values, const struct ovse_nb_mirror *mirrors,
                         size_t n, char *missing, size_t missing_len, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* OVSE_OVN_NB_SHIM_H */
