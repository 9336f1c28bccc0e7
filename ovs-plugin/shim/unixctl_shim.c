/* unixctl_shim.c: one command to a daemon's unixctl socket (what `ovs-appctl -t PATH CMD` does),
 * for ovsdb_shim.h. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "ovsdb_shim.h"
#include "unixctl.h"
#include "util.h"

int ovse_unixctl(const char *socket_path, const char *command, char *out, size_t out_len) {
  struct jsonrpc *client;
  int error = unixctl_client_create(socket_path, &client);
  if (error) {
    snprintf(out, out_len, "cannot connect to %s: %s", socket_path, ovs_strerror(error));
    return -1;
  }
  char *result = NULL, *err = NULL;
  error = unixctl_client_transact(client, command, 0, NULL, &result, &err);
  int status = 0;
  if (error) {
    snprintf(out, out_len, "%s: %s", socket_path, ovs_strerror(error));
    status = -1;
  } else if (err) {
    snprintf(out, out_len, "%s", err);
    status = -1;
  } else {
    snprintf(out, out_len, "%s", result ? result : "");
  }
  free(result);
  free(err);
  jsonrpc_close(client);
  return status;
}

int ovse_unixctl_args(const char *socket_path, const char *command, int argc,
                      const char *const *argv, char **out) {
  struct jsonrpc *client;
  *out = NULL;
  int error = unixctl_client_create(socket_path, &client);
  if (error) {
    *out = xasprintf("cannot connect to %s: %s", socket_path, ovs_strerror(error));
    return -1;
  }
  char *result = NULL, *err = NULL;
  error = unixctl_client_transact(client, command, argc, CONST_CAST(char **, argv), &result, &err);
  int status = 0;
  if (error) {
    *out = xasprintf("%s: %s", socket_path, ovs_strerror(error));
    status = -1;
  } else if (err) {
    *out = err;
    err = NULL;
    status = -1;
  } else {
    *out = result ? result : xstrdup("");
    result = NULL;
  }
  free(result);
  free(err);
  jsonrpc_close(client);
  return status;
}
