// The session list: state with reasons, live packets/s and bytes/s with a 5-minute chart,
// enable/disable/delete. Refreshes every 2 seconds.
'use strict';

const Sessions = (() => {
  const kRefreshMs = 2000;
  const kHistory = 150;  // 5 minutes of 2-second samples
  const history = new Map();  // name -> [{t, packets, bytes, pps}]
  const typeNames = {
    local: 'Distributed Port Mirroring', rspan: 'Remote Mirroring Source',
    erspan: 'Encapsulated Remote Mirroring (L3) Source', capture: 'Local capture',
    'rspan-destination': 'Remote Mirroring Destination',
  };

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  function describeSources(s) {
    const parts = (s.sources || []).map((src) => {
      const id = src.port ? 'port ' + src.port : src.iface_id ? 'VM NIC ' + src.iface_id
        : src.mac ? 'MAC ' + src.mac : 'VM ' + src.vm;
      const dir = { ingress: 'Ingress', egress: 'Egress', both: 'Ingress/Egress' }[src.direction || 'both'];
      return id + ' (' + dir + ')';
    });
    if (s.select_all) parts.push('all ports');
    for (const v of s.select_vlans || []) parts.push('VLAN ' + v);
    if (s.source_vlans) parts.push('VLAN ' + s.source_vlans.join(', ') + ' on uplink ' + s.uplink);
    return parts.join(', ');
  }

  function describeDestination(s) {
    const d = s.destination || {};
    const toPorts = d.ports ? 'ports ' + d.ports.join(', ') : 'port ' + d.port;
    const collectors = (d.remote_ips || [d.remote_ip]).join(', ');
    switch (s.type) {
      case 'local': case 'rspan-destination': return toPorts;
      case 'rspan': return 'VLAN ' + d.vlan + ' via ' + d.uplink;
      case 'erspan': {
        if (d.version === 'vxlan' || d.version === 'geneve') {
          return (d.version === 'vxlan' ? 'VXLAN' : 'Geneve') + ' to ' + collectors + ', VNI ' + (d.vni || 0);
        }
        const v = d.version === 'gre' ? 'GRE' : 'ERSPAN ' + ['', 'I', 'II', 'III'][d.version || 2];
        return v + ' to ' + collectors + ', session ' + (d.session_id || 0);
      }
      default: return 'file ' + d.file;
    }
  }

  // What the daemon's writer or exporter of the session is doing, when it runs one.
  function describePipeline(item) {
    if (item.capture) {
      const c = item.capture;
      return c.ingress.packets + ' in / ' + c.egress.packets + ' out written, ' +
        (c.file_bytes / 1e6).toFixed(1) + ' MB';
    }
    if (item.exporter) return item.exporter.exported + ' exported';
    return '';
  }

  function rate(name, mirrored) {
    const now = Date.now();
    const h = history.get(name) || [];
    const last = h[h.length - 1];
    let pps = 0, bps = 0;
    if (last && now > last.t) {
      pps = Math.max(0, (mirrored.packets - last.packets) * 1000 / (now - last.t));
      bps = Math.max(0, (mirrored.bytes - last.bytes) * 1000 / (now - last.t));
    }
    h.push({ t: now, packets: mirrored.packets, bytes: mirrored.bytes, pps });
    while (h.length > kHistory) h.shift();
    history.set(name, h);
    return { pps, bps, h };
  }

  function chart(h, name) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'chart');
    svg.setAttribute('viewBox', '0 0 150 30');
    svg.setAttribute('role', 'img');
    const max = Math.max(1, ...h.map((p) => p.pps));
    svg.setAttribute('aria-label', 'packets per second of ' + name + ', peak ' + max.toFixed(1));
    const line = document.createElementNS(ns, 'polyline');
    const step = 150 / (kHistory - 1);
    const offset = 150 - (h.length - 1) * step;
    line.setAttribute('points', h.map((p, i) =>
      (offset + i * step).toFixed(1) + ',' + (29 - 27 * p.pps / max).toFixed(1)).join(' '));
    svg.append(line);
    return svg;
  }

  function row(item) {
    const s = item.session, st = item.status || { state: 'unknown' };
    const reasons = [...(st.missing || []).map((m) => 'missing ' + m), ...(st.problems || []),
      ...(st.warnings || []).map((w) => 'warning: ' + w)];
    for (const p of [item.capture, item.exporter]) {
      if (p && p.error) reasons.push((p === item.capture ? 'capture: ' : 'exporter: ') + p.error);
    }
    const state = el('td', {}, el('span', { class: 'state ' + st.state, text: st.state }));
    if (reasons.length) state.append(el('span', { class: 'reason', text: reasons.join('; ') }));
    const r = rate(s.name, item.mirrored || { packets: 0, bytes: 0 });
    const toggle = el('button', { type: 'button', text: s.enabled ? 'Disable' : 'Enable',
                                  'aria-label': (s.enabled ? 'Disable ' : 'Enable ') + s.name });
    toggle.addEventListener('click', () => act(() => Api.setEnabled(s.name, !s.enabled)));
    const edit = el('button', { type: 'button', text: 'Edit…', 'aria-label': 'Edit ' + s.name });
    edit.addEventListener('click', () => Wizard.open(s));
    const del = el('button', { type: 'button', text: 'Delete', 'aria-label': 'Delete ' + s.name });
    del.addEventListener('click', () => {
      if (confirm('Delete session ' + s.name + '? Its OVS mirror is removed.')) {
        act(() => Api.remove(s.name));
      }
    });
    return el('tr', { 'data-session': s.name },
      el('th', { scope: 'row', text: s.name }),
      el('td', { text: typeNames[s.type] || s.type }), state,
      el('td', { text: describeSources(s) }),
      el('td', {}, describeDestination(s), el('span', { class: 'reason', text: describePipeline(item) })),
      el('td', { class: 'num', text: r.pps.toFixed(1) }),
      el('td', { class: 'num', text: r.bps.toFixed(0) }),
      el('td', { class: 'num mirrored', text: String(item.mirrored ? item.mirrored.packets : 0) }),
      el('td', {}, chart(r.h, s.name)), el('td', { class: 'actions' }, edit, toggle, del));
  }

  async function act(fn) {
    try { await fn(); await refresh(); } catch (e) { message(e.error); }
  }

  function message(text) { document.getElementById('list-message').textContent = text || ''; }

  async function refresh() {
    try {
      const data = await Api.sessions();
      const body = document.querySelector('#sessions tbody');
      // Keep keyboard focus on the same button across the re-render.
      const focused = document.activeElement && document.activeElement.getAttribute('aria-label');
      body.replaceChildren(...data.sessions.map(row));
      if (focused) {
        const again = body.querySelector('[aria-label="' + CSS.escape(focused) + '"]');
        if (again) again.focus();
      }
      document.getElementById('empty').hidden = data.sessions.length > 0;
      message('');
    } catch (e) {
      message(e.error);
    }
    try {
      const h = await Api.health();
      document.getElementById('health').textContent =
        'OVSDB ' + h.ovsdb.remote + ': ' + h.ovsdb.state;
    } catch (e) { /* shown by the list's message */ }
  }

  function start() {
    refresh();
    setInterval(refresh, kRefreshMs);
  }

  return { start, refresh, typeNames, describeSources, describeDestination };
})();

document.addEventListener('DOMContentLoaded', () => {
  document.addEventListener('ovse-unauthorized', () => {
    document.getElementById('token-panel').hidden = false;
  });
  document.getElementById('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    Api.setToken(document.getElementById('token-input').value.trim());
    document.getElementById('token-panel').hidden = true;
    Sessions.refresh();
  });
  Sessions.start();
});
