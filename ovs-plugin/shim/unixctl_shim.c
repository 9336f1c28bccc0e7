/* unixctl_shim.c: one command to a daemon's unixctl socket (what `ovs-appctl -t PATH CMD` does),
 * for ovsdb_shim.h, with a deadline: libopenvswitch's unixctl_client_transact() waits for the
 * reply without end, so a stopped (SIGSTOP) or wedged ovs-vswitchd would hang the caller. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "ovsdb_shim.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

/* Sends `request` and waits until `deadline` (time_msec()) for its reply. */
static int transact_until(struct jsonrpc *client, struct jsonrpc_msg *request,
                          long long deadline, struct jsonrpc_msg **reply) {
  struct json *id = json_clone(request->id);
  *reply = NULL;
  int error = jsonrpc_send(client, request);
  while (!error) {
    jsonrpc_run(client);
    struct jsonrpc_msg *msg = NULL;
    error = jsonrpc_recv(client, &msg);
    if (!error) {
      if (msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR) {
        if (json_equal(msg->id, id)) {
          *reply = msg;
          break;
        }
      }
      jsonrpc_msg_destroy(msg);
      continue;
    }
    if (error != EAGAIN) break;
    if (time_msec() >= deadline) {
      error = ETIMEDOUT;
      break;
    }
    error = 0;
    jsonrpc_wait(client);
    jsonrpc_recv_wait(client);
    poll_timer_wait_until(deadline);
    poll_block();
  }
  json_destroy(id);
  return error;
}

int ovse_unixctl_args(const char *socket_path, const char *command, int argc,
                      const char *const *argv, long long timeout_ms, char **out) {
  struct jsonrpc *client;
  *out = NULL;
  int error = unixctl_client_create(socket_path, &client);
  if (error) {
    *out = xasprintf("cannot connect to %s: %s", socket_path, ovs_strerror(error));
    return -1;
  }
  struct json **json_args = xmalloc((argc > 0 ? argc : 1) * sizeof *json_args);
  for (int i = 0; i < argc; i++) json_args[i] = json_string_create(argv[i]);
  struct json *params = json_array_create(json_args, argc);
  struct jsonrpc_msg *reply = NULL;
  error = transact_until(client, jsonrpc_create_request(command, params, NULL),
                         time_msec() + timeout_ms, &reply);
  int status = -1;
  if (error == ETIMEDOUT) {
    *out = xasprintf("%s: no reply within %lld ms (the daemon is stopped or overloaded)",
                     socket_path, timeout_ms);
  } else if (error) {
    *out = xasprintf("%s: %s", socket_path, ovs_strerror(error));
  } else if (reply->error) {
    *out = reply->error->type == JSON_STRING ? xstrdup(json_string(reply->error))
                                             : json_to_string(reply->error, 0);
  } else if (reply->result && reply->result->type != JSON_STRING) {
    char *text = json_to_string(reply->result, 0);
    *out = xasprintf("%s: unexpected reply: %s", socket_path, text);
    free(text);
  } else {
    *out = xstrdup(reply->result ? json_string(reply->result) : "");
    status = 0;
  }
  jsonrpc_msg_destroy(reply);
  jsonrpc_close(client);
  return status;
}
