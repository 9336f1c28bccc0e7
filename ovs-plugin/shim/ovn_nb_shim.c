/* ovn_nb_shim: port mirrors in OVN's Northbound database through a libopenvswitch IDL generated
 * from ovn-nb.ovsschema. Like ovsdb_shim.c, one of the few files that include OVS headers. */
#include <config.h>
#include "ovn_nb_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/poll-loop.h"
#include "ovn-nb-idl.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"

struct ovse_nb {
  struct ovsdb_idl *idl;
};

struct ovse_nb *ovse_nb_open(const char *remote, char *err, size_t err_len) {
  if (stream_verify_name(remote) != 0 && pstream_verify_name(remote) != 0) {
    snprintf(err, err_len, "%s: not an OVSDB remote (unix:, tcp: or ssl:)", remote);
    return NULL;
  }
  struct ovse_nb *nb = xzalloc(sizeof *nb);
  nb->idl = ovsdb_idl_create(remote, &nbrec_idl_class, true, false);
  return nb;
}

void ovse_nb_close(struct ovse_nb *nb) {
  if (nb == NULL) return;
  ovsdb_idl_destroy(nb->idl);
  free(nb);
}

int ovse_nb_wait_contents(struct ovse_nb *nb, int timeout_ms, char *err, size_t err_len) {
  long long deadline = time_msec() + timeout_ms;
  for (;;) {
    ovsdb_idl_run(nb->idl);
    if (ovsdb_idl_has_ever_connected(nb->idl)) return 0;
    if (!ovsdb_idl_is_alive(nb->idl) || time_msec() >= deadline) {
      int e = ovsdb_idl_get_last_error(nb->idl);
      snprintf(err, err_len, "no contents from the OVN NB database%s%s",
               e ? ": " : " (timed out)", e ? ovs_retval_to_string(e) : "");
      return -1;
    }
    ovsdb_idl_wait(nb->idl);
    poll_timer_wait_until(deadline);
    poll_block();
  }
}

/* The wanted mirror named `name`, or -1. */
static int find_wanted(const struct ovse_nb_mirror *mirrors, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(mirrors[i].name, name)) return (int) i;
  }
  return -1;
}

static void write_mirror(const struct nbrec_mirror *row, const struct ovse_nb_mirror *m,
                         const char *owner_key, const char *owner_value) {
  nbrec_mirror_set_name(row, m->name);
  nbrec_mirror_set_filter(row, m->filter);
  nbrec_mirror_set_sink(row, m->sink);
  nbrec_mirror_set_type(row, m->type);
  nbrec_mirror_set_index(row, m->index);
  struct smap ids = SMAP_INITIALIZER(&ids);
  smap_add(&ids, owner_key, owner_value);
  nbrec_mirror_set_external_ids(row, &ids);
  smap_destroy(&ids);
}

/* True when wanted mirror `m` lists logical switch port `port`. */
static bool lists_port(const struct ovse_nb_mirror *m, const char *port) {
  for (size_t i = 0; i < m->n_ports; i++) {
    if (!strcmp(m->ports[i], port)) return true;
  }
  return false;
}

/* Sets every port's owned mirror_rules; `rows[i]` is the row of wanted mirror i. */
static void attach(const struct ovsdb_idl *idl, const char *owner_key,
                   const struct ovse_nb_mirror *mirrors, size_t n,
                   const struct nbrec_mirror **rows) {
  const struct nbrec_logical_switch_port *lsp;
  NBREC_LOGICAL_SWITCH_PORT_FOR_EACH (lsp, idl) {
    for (size_t i = 0; i < lsp->n_mirror_rules; i++) {
      const struct nbrec_mirror *r = lsp->mirror_rules[i];
      int w = find_wanted(mirrors, n, r->name);
      if (smap_get(&r->external_ids, owner_key) && (w < 0 || !lists_port(&mirrors[w], lsp->name))) {
        nbrec_logical_switch_port_update_mirror_rules_delvalue(lsp, r);
      }
    }
    for (size_t i = 0; i < n; i++) {
      if (lists_port(&mirrors[i], lsp->name)) {
        nbrec_logical_switch_port_update_mirror_rules_addvalue(lsp, rows[i]);
      }
    }
  }
}

/* Names the wanted ports no Logical_Switch_Port row has. */
static void note_missing(const struct ovsdb_idl *idl, const struct ovse_nb_mirror *mirrors,
                         size_t n, char *missing, size_t missing_len) {
  if (missing_len) missing[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    for (size_t p = 0; p < mirrors[i].n_ports; p++) {
      const struct nbrec_logical_switch_port *lsp;
      bool found = false;
      NBREC_LOGICAL_SWITCH_PORT_FOR_EACH (lsp, idl) {
        found = found || !strcmp(lsp->name, mirrors[i].ports[p]);
      }
      if (found || strstr(missing, mirrors[i].ports[p])) continue;
      size_t used = strlen(missing);
      snprintf(missing + used, missing_len - used, "%s%s", used ? "," : "", mirrors[i].ports[p]);
    }
  }
}

/* Builds the transaction's writes; returns the wanted rows (caller frees). */
static const struct nbrec_mirror **build(struct ovsdb_idl_txn *txn, const struct ovsdb_idl *idl,
                                         const char *owner_key, const char *const *owner_values,
                                         const struct ovse_nb_mirror *mirrors, size_t n) {
  const struct nbrec_mirror **rows = xcalloc(n ? n : 1, sizeof *rows);
  const struct nbrec_mirror *row;
  NBREC_MIRROR_FOR_EACH_SAFE (row, idl) {
    int w = find_wanted(mirrors, n, row->name);
    if (w >= 0 && rows[w] == NULL) {
      /* Takes over a row of the same name (the name is the table's index). */
      rows[w] = row;
      write_mirror(row, &mirrors[w], owner_key, owner_values[w]);
    } else if (smap_get(&row->external_ids, owner_key)) {
      nbrec_mirror_delete(row);
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (rows[i] != NULL) continue;
    rows[i] = nbrec_mirror_insert(txn);
    write_mirror(rows[i], &mirrors[i], owner_key, owner_values[i]);
  }
  return rows;
}

int ovse_nb_sync_mirrors(struct ovse_nb *nb, const char *owner_key,
                         const char *const *owner_values, const struct ovse_nb_mirror *mirrors,
                         size_t n, char *missing, size_t missing_len, char *err, size_t err_len) {
  enum { ATTEMPTS = 5 };
  for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
    ovsdb_idl_run(nb->idl);
    if (!ovsdb_idl_is_connected(nb->idl)) {
      snprintf(err, err_len, "not connected to the OVN NB database");
      return -1;
    }
    struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(nb->idl);
    ovsdb_idl_txn_add_comment(txn, "ovs-erspan: sync mirrors");
    const struct nbrec_mirror **rows = build(txn, nb->idl, owner_key, owner_values, mirrors, n);
    attach(nb->idl, owner_key, mirrors, n, rows);
    note_missing(nb->idl, mirrors, n, missing, missing_len);
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit_block(txn);
    if (status == TXN_SUCCESS || status == TXN_UNCHANGED) {
      ovsdb_idl_txn_destroy(txn);
      free(rows);
      return 0;
    }
    if (status != TXN_TRY_AGAIN) {
      snprintf(err, err_len, "%s (%s)", ovsdb_idl_txn_get_error(txn),
               ovsdb_idl_txn_status_to_string(status));
      ovsdb_idl_txn_destroy(txn);
      free(rows);
      return -1;
    }
    ovsdb_idl_txn_destroy(txn);
    free(rows);
  }
  snprintf(err, err_len, "the OVN NB database kept changing under the transaction");
  return -1;
}
