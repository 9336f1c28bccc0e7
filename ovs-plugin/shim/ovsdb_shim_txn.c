/* ovsdb_shim_txn.c: building and committing OVSDB transactions for ovsdb_shim.h. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb_shim.h"
#include "ovsdb_shim_private.h"
#include "openvswitch/shash.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "util.h"
#include "uuid.h"
#include "vswitch-idl.h"

struct ovse_txn {
  struct ovsdb_idl *idl;
  struct ovsdb_idl_txn *txn;
  struct shash new_ports; /* name -> struct ovsrec_port *, rows inserted by this transaction */
  char *error;            /* the first failure, NULL when none */
};

static bool fail(struct ovse_txn *t, char *message) {
  if (!t->error) {
    t->error = message;
  } else {
    free(message);
  }
  return false;
}

static void to_smap(const struct ovse_smap *in, struct smap *out) {
  smap_init(out);
  for (size_t i = 0; i < in->n; i++) {
    smap_replace(out, in->keys[i], in->values[i]);
  }
}

static const struct ovsrec_bridge *find_bridge(struct ovse_txn *t, const char *name) {
  const struct ovsrec_bridge *b;
  OVSREC_BRIDGE_FOR_EACH (b, t->idl) {
    if (!strcmp(b->name, name)) {
      return b;
    }
  }
  return NULL;
}

static struct ovsrec_port *find_port(struct ovse_txn *t, const char *name) {
  struct ovsrec_port *fresh = shash_find_data(&t->new_ports, name);
  if (fresh) {
    return fresh;
  }
  const struct ovsrec_port *p;
  OVSREC_PORT_FOR_EACH (p, t->idl) {
    if (!strcmp(p->name, name)) {
      return CONST_CAST(struct ovsrec_port *, p);
    }
  }
  return NULL;
}

static bool parse_uuid(struct ovse_txn *t, const char *text, struct uuid *out) {
  if (!uuid_from_string(out, text)) {
    return fail(t, xasprintf("'%s' is not a UUID", text));
  }
  return true;
}

struct ovse_txn *ovse_txn_begin(struct ovse_db *db) {
  struct ovse_txn *t = xzalloc(sizeof *t);
  t->idl = ovse_db_idl(db);
  t->txn = ovsdb_idl_txn_create(t->idl);
  ovsdb_idl_txn_add_comment(t->txn, "ovs-erspan: reconcile mirror sessions");
  shash_init(&t->new_ports);
  return t;
}

static void apply_interface(const struct ovsrec_interface *iface,
                            const struct ovse_port_spec *spec) {
  struct smap options, external_ids;
  to_smap(&spec->options, &options);
  to_smap(&spec->external_ids, &external_ids);
  ovsrec_interface_set_type(iface, spec->type);
  ovsrec_interface_set_options(iface, &options);
  ovsrec_interface_set_external_ids(iface, &external_ids);
  smap_destroy(&options);
  smap_destroy(&external_ids);
}

bool ovse_txn_add_port(struct ovse_txn *t, const struct ovse_port_spec *spec) {
  const struct ovsrec_bridge *bridge = find_bridge(t, spec->bridge);
  if (!bridge) {
    return fail(t, xasprintf("no bridge named %s", spec->bridge));
  }
  ovsrec_bridge_verify_ports(bridge); /* as for mirrors: concurrent inserts retry, not duplicate */
  struct ovsrec_interface *iface = ovsrec_interface_insert(t->txn);
  ovsrec_interface_set_name(iface, spec->name);
  apply_interface(iface, spec);

  struct ovsrec_port *port = ovsrec_port_insert(t->txn);
  ovsrec_port_set_name(port, spec->name);
  ovsrec_port_set_interfaces(port, &iface, 1);
  struct smap external_ids;
  to_smap(&spec->external_ids, &external_ids);
  ovsrec_port_set_external_ids(port, &external_ids);
  smap_destroy(&external_ids);
  ovsrec_bridge_update_ports_addvalue(bridge, port);
  shash_replace(&t->new_ports, spec->name, port);
  return true;
}

bool ovse_txn_update_interface(struct ovse_txn *t, const char *iface_uuid,
                               const struct ovse_port_spec *spec) {
  struct uuid uuid;
  if (!parse_uuid(t, iface_uuid, &uuid)) {
    return false;
  }
  const struct ovsrec_interface *iface = ovsrec_interface_get_for_uuid(t->idl, &uuid);
  if (!iface) {
    return fail(t, xasprintf("interface %s vanished", spec->name));
  }
  apply_interface(iface, spec);
  return true;
}

bool ovse_txn_delete_port(struct ovse_txn *t, const char *port_uuid) {
  struct uuid uuid;
  if (!parse_uuid(t, port_uuid, &uuid)) {
    return false;
  }
  const struct ovsrec_port *port = ovsrec_port_get_for_uuid(t->idl, &uuid);
  if (!port) {
    return true; /* already gone: what we wanted */
  }
  const struct ovsrec_bridge *b;
  OVSREC_BRIDGE_FOR_EACH (b, t->idl) {
    ovsrec_bridge_update_ports_delvalue(b, port);
  }
  ovsrec_port_delete(port);
  return true;
}

/* Resolves port names into an array of rows; false (with the error recorded) if one is missing. */
static bool resolve_ports(struct ovse_txn *t, const char *const *names, size_t n,
                          struct ovsrec_port ***out) {
  *out = xcalloc(n ? n : 1, sizeof **out);
  for (size_t i = 0; i < n; i++) {
    (*out)[i] = find_port(t, names[i]);
    if (!(*out)[i]) {
      return fail(t, xasprintf("no port named %s", names[i]));
    }
  }
  return true;
}

static bool fill_mirror(struct ovse_txn *t, const struct ovsrec_mirror *m,
                        const struct ovse_mirror_spec *spec) {
  struct ovsrec_port **src = NULL, **dst = NULL;
  bool ok = resolve_ports(t, spec->src_ports, spec->n_src_ports, &src) &&
            resolve_ports(t, spec->dst_ports, spec->n_dst_ports, &dst);
  struct ovsrec_port *output = NULL;
  if (ok && spec->output_port) {
    output = find_port(t, spec->output_port);
    ok = output || fail(t, xasprintf("no port named %s", spec->output_port));
  }
  if (ok) {
    ovsrec_mirror_set_name(m, spec->name);
    ovsrec_mirror_set_select_src_port(m, src, spec->n_src_ports);
    ovsrec_mirror_set_select_dst_port(m, dst, spec->n_dst_ports);
    ovsrec_mirror_set_select_vlan(m, spec->vlans, spec->n_vlans);
    ovsrec_mirror_set_select_all(m, spec->select_all);
    ovsrec_mirror_set_output_port(m, output);
    ovsrec_mirror_set_output_vlan(m, &spec->output_vlan, spec->output_vlan >= 0);
    ovsrec_mirror_set_snaplen(m, &spec->snaplen, spec->snaplen > 0);
    struct smap external_ids;
    to_smap(&spec->external_ids, &external_ids);
    ovsrec_mirror_set_external_ids(m, &external_ids);
    smap_destroy(&external_ids);
  }
  free(src);
  free(dst);
  return ok;
}

bool ovse_txn_set_mirror(struct ovse_txn *t, const char *mirror_uuid,
                         const struct ovse_mirror_spec *spec) {
  const struct ovsrec_bridge *bridge = find_bridge(t, spec->bridge);
  if (!bridge) {
    return fail(t, xasprintf("no bridge named %s", spec->bridge));
  }
  if (!mirror_uuid) {
    /* Another writer adding a mirror at the same time makes this commit TRY_AGAIN instead of
     * both inserting one: the caller re-plans against the database's new contents. */
    ovsrec_bridge_verify_mirrors(bridge);
    struct ovsrec_mirror *m = ovsrec_mirror_insert(t->txn);
    ovsrec_bridge_update_mirrors_addvalue(bridge, m);
    return fill_mirror(t, m, spec);
  }
  struct uuid uuid;
  if (!parse_uuid(t, mirror_uuid, &uuid)) {
    return false;
  }
  const struct ovsrec_mirror *m = ovsrec_mirror_get_for_uuid(t->idl, &uuid);
  if (!m) {
    return fail(t, xasprintf("mirror %s vanished", spec->name));
  }
  return fill_mirror(t, m, spec);
}

bool ovse_txn_delete_mirror(struct ovse_txn *t, const char *mirror_uuid) {
  struct uuid uuid;
  if (!parse_uuid(t, mirror_uuid, &uuid)) {
    return false;
  }
  const struct ovsrec_mirror *m = ovsrec_mirror_get_for_uuid(t->idl, &uuid);
  if (!m) {
    return true;
  }
  const struct ovsrec_bridge *b;
  OVSREC_BRIDGE_FOR_EACH (b, t->idl) {
    ovsrec_bridge_update_mirrors_delvalue(b, m);
  }
  ovsrec_mirror_delete(m);
  return true;
}

enum ovse_commit_status ovse_txn_commit(struct ovse_txn *t, int64_t *next_cfg, char *err,
                                        size_t err_len) {
  enum ovse_commit_status result = OVSE_COMMIT_ERROR;
  const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(t->idl);
  if (t->error) {
    snprintf(err, err_len, "%s", t->error);
  } else {
    if (ovs) {
      /* Like ovs-vsctl: bump next_cfg so the caller can wait for ovs-vswitchd to apply it. */
      ovsdb_idl_txn_increment(t->txn, &ovs->header_, &ovsrec_open_vswitch_col_next_cfg, false);
    }
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit_block(t->txn);
    if (status == TXN_SUCCESS || status == TXN_UNCHANGED) {
      result = OVSE_COMMIT_OK;
      if (next_cfg) {
        *next_cfg = status == TXN_SUCCESS && ovs ? ovsdb_idl_txn_get_increment_new_value(t->txn)
                                                 : -1;
      }
    } else if (status == TXN_TRY_AGAIN) {
      result = OVSE_COMMIT_TRY_AGAIN;
      snprintf(err, err_len, "the database changed while committing");
    } else {
      snprintf(err, err_len, "%s (%s)", ovsdb_idl_txn_get_error(t->txn),
               ovsdb_idl_txn_status_to_string(status));
    }
  }
  ovsdb_idl_txn_destroy(t->txn);
  shash_destroy(&t->new_ports);
  free(t->error);
  free(t);
  return result;
}
