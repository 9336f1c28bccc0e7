/* ovsdb_shim_private.h: what the shim's C files share and C++ never sees. */
#ifndef OVSE_OVSDB_SHIM_PRIVATE_H
#define OVSE_OVSDB_SHIM_PRIVATE_H

struct ovsdb_idl;
struct ovse_db;

/* The IDL behind an ovse_db. */
struct ovsdb_idl *ovse_db_idl(struct ovse_db *db);

#endif
