// The REST client of the web UI: JSON calls to /api/v1 with the bearer token (if the daemon
// needs one), and errors as {status, error, path}.
'use strict';

const Api = (() => {
  const base = 'api/v1';

  function token() { return sessionStorage.getItem('ovse-token') || ''; }

  // Calls METHOD path; resolves to the parsed JSON, rejects with {status, error, path, issues}.
  async function call(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (token()) headers['Authorization'] = 'Bearer ' + token();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(base + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw { status: 0, error: 'the daemon is not reachable (' + e.message + ')', path: '' };
    }
    let json = null;
    try { json = await res.json(); } catch (e) { json = null; }
    if (!res.ok) {
      if (res.status === 401) document.dispatchEvent(new CustomEvent('ovse-unauthorized'));
      throw { status: res.status, error: (json && json.error) || ('HTTP ' + res.status),
              path: (json && json.path) || '', issues: (json && json.issues) || [] };
    }
    return json;
  }

  return {
    call,
    setToken(t) { sessionStorage.setItem('ovse-token', t); },
    sessions: () => call('GET', '/sessions'),
    create: (s) => call('POST', '/sessions', s),
    replace: (name, s) => call('PUT', '/sessions/' + encodeURIComponent(name), s),
    // What create / replace would answer, changing nothing (the review step).
    preview: (s) => call('POST', '/sessions?dry_run=1', s),
    previewReplace: (name, s) =>
      call('PUT', '/sessions/' + encodeURIComponent(name) + '?dry_run=1', s),
    remove: (name) => call('DELETE', '/sessions/' + encodeURIComponent(name)),
    setEnabled: (name, on) =>
      call('POST', '/sessions/' + encodeURIComponent(name) + (on ? '/enable' : '/disable')),
    ports: () => call('GET', '/ports'),
    health: () => call('GET', '/health'),
  };
})();
