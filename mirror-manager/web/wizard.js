// The "New Port Mirroring Session" wizard, modelled on vSphere's: 1 session type, 2 properties,
// 3 sources with a direction each, 4 destination, 5 review; Finish posts the session and shows
// the server's validation error beside the field its path names. Opened on an existing session
// it is vSphere's "Edit settings": the same steps, prefilled, and Finish replaces the session
// (fields the wizard does not show, such as select_vlans or a bridge, are kept). The review step
// asks the daemon for a dry run and lists its errors, warnings and the ports it waits for before
// Finish. An ERSPAN session has one collector row or several (remote_ip / remote_ips).
'use strict';

const Wizard = (() => {
  const kSteps = 5;
  const types = [
    ['local', 'Distributed Port Mirroring',
     'Mirror network traffic from a set of ports to other ports on the same switch.'],
    ['rspan', 'Remote Mirroring Source',
     'Mirror network traffic from a set of ports to specific uplink ports, tagged with an encapsulation VLAN.'],
    ['erspan', 'Encapsulated Remote Mirroring (L3) Source',
     "Mirror network traffic from a set of ports to remote agent's IP addresses (ERSPAN or GRE)."],
    ['capture', 'Local capture',
     'Write the mirrored traffic of a set of ports to a pcap or pcapng file on this host.'],
    ['rspan-destination', 'Remote Mirroring Destination',
     'Deliver the traffic of an RSPAN VLAN arriving on an uplink to destination ports.'],
  ];
  let step = 0;
  let ports = [];
  let editing = null;  // the session being edited, or null for a new one
  const $ = (id) => document.getElementById(id);

  function type() {
    const checked = document.querySelector('input[name="session-type"]:checked');
    return checked ? checked.value : '';
  }

  function renderTypes() {
    const box = $('type-choices');
    box.replaceChildren();
    for (const [value, title, desc] of types) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      Object.assign(input, { type: 'radio', name: 'session-type', value, id: 'type-' + value });
      input.setAttribute('aria-describedby', 'desc-' + value);
      const d = document.createElement('span');
      Object.assign(d, { className: 'desc', id: 'desc-' + value, textContent: desc });
      label.append(input, ' ' + title, d);
      box.append(label);
    }
    $('type-local').checked = true;
  }

  function identity(port) {
    const iface = (port.interfaces || [])[0] || {};
    return iface.iface_id ? { iface_id: iface.iface_id } : { port: port.name };
  }

  function renderPorts() {
    const body = document.querySelector('#source-table tbody');
    body.replaceChildren();
    const selects = [$('f-dest-port'), $('f-uplink')];
    for (const s of selects) {
      s.replaceChildren(...(s.multiple ? [] : [new Option('— select a port —', '')]));
    }
    ports.forEach((p, i) => {
      const iface = (p.interfaces || [])[0] || {};
      if (iface.type === 'internal' && p.name === p.bridge) return;  // the bridge's own port
      const tr = document.createElement('tr');
      const vm = iface.vm_uuid || iface.iface_id || '';
      const mac = iface.attached_mac || iface.mac_in_use || '';
      tr.innerHTML = '<td><input type="checkbox" class="src-pick"></td><td><label></label></td>' +
        '<td></td><td></td><td><select class="src-dir"><option value="ingress">Ingress</option>' +
        '<option value="egress">Egress</option><option value="both" selected>Ingress/Egress' +
        '</option></select></td>';
      const box = tr.querySelector('.src-pick');
      box.id = 'src-' + i;
      box.dataset.index = i;
      tr.querySelector('label').htmlFor = box.id;
      tr.querySelector('label').textContent = p.name;
      tr.children[2].textContent = vm;
      tr.children[3].textContent = mac;
      const dir = tr.querySelector('.src-dir');
      dir.id = 'dir-' + i;
      dir.setAttribute('aria-label', 'Direction for ' + p.name);
      body.append(tr);
      for (const s of selects) s.append(new Option(p.name + (vm ? ' (' + vm + ')' : ''), p.name));
    });
  }

  async function loadPorts() {
    $('ports-message').textContent = 'Loading ports…';
    try {
      ports = (await Api.ports()).ports;
      $('ports-message').textContent = ports.length ? '' : 'The switch has no ports.';
    } catch (e) {
      ports = [];
      $('ports-message').textContent = e.error;
    }
    renderPorts();
    if (editing) pickSources(editing.sources || []);
  }

  // Checks the rows of `sources` found among the listed ports, with their directions.
  function pickSources(sources) {
    document.querySelectorAll('.src-pick').forEach((box) => {
      const id = identity(ports[box.dataset.index]);
      const src = sources.find((x) => (id.iface_id && x.iface_id === id.iface_id) ||
                                       (id.port && x.port === id.port));
      if (!src) return;
      box.checked = true;
      box.closest('tr').querySelector('.src-dir').value = src.direction || 'both';
    });
  }

  // Sources of the edited session that the port list cannot show (a MAC, a VM, an absent port).
  function unlistedSources() {
    if (!editing) return [];
    const listed = ports.map(identity);
    return (editing.sources || []).filter((x) => !listed.some((id) =>
      (id.iface_id && x.iface_id === id.iface_id) || (id.port && x.port === id.port)));
  }

  // The ERSPAN collectors as rows, one IP address each (the first cannot be removed); row i
  // carries the path destination.remote_ips[i] so that the daemon's errors land on it.
  function renderCollectors(ips) {
    const box = $('collector-rows');
    box.replaceChildren(...ips.map((ip, i) => {
      const row = document.createElement('div');
      row.className = 'collector-row';
      const label = document.createElement('label');
      Object.assign(label, { htmlFor: 'f-remote-ip-' + i, className: 'visually-hidden',
                             textContent: 'Collector IP address ' + (i + 1) });
      const input = document.createElement('input');
      Object.assign(input, { id: 'f-remote-ip-' + i, className: 'collector-ip', value: ip,
                             placeholder: '10.0.0.9', autocomplete: 'off' });
      input.dataset.path = 'destination.remote_ips[' + i + ']';
      const remove = document.createElement('button');
      Object.assign(remove, { type: 'button', textContent: 'Remove', hidden: ips.length === 1 });
      remove.setAttribute('aria-label', 'Remove collector ' + (i + 1));
      remove.addEventListener('click', () => {
        renderCollectors(collectorIps().filter((_, j) => j !== i));
        $('f-remote-ip-' + Math.max(0, i - 1)).focus();
      });
      row.append(label, input, ' ', remove);
      return row;
    }));
  }

  // The collector rows' addresses in row order, empty rows included (the daemon names them).
  function collectorIps() {
    return [...document.querySelectorAll('.collector-ip')].map((input) => input.value.trim());
  }

  // Source rows in table order: [{checkbox, select, source}] for the checked ones.
  function pickedSources() {
    return [...document.querySelectorAll('.src-pick:checked')].map((box) => {
      const select = box.closest('tr').querySelector('.src-dir');
      return { box, select, source: { ...identity(ports[box.dataset.index]), direction: select.value } };
    });
  }

  function build() {
    const t = type();
    const keep = editing && editing.type === t ? editing : {};
    const s = { ...keep, name: $('f-name').value.trim(), type: t,
                enabled: $('f-enabled').value === 'true' };
    delete s.description;
    delete s.mirrored_packet_length;
    delete s.sampling_rate;
    if ($('f-description').value.trim()) s.description = $('f-description').value.trim();
    if ($('f-snaplen-on').checked) s.mirrored_packet_length = Number($('f-snaplen').value);
    const sampling = Number($('f-sampling').value || 1);
    if (sampling !== 1) s.sampling_rate = sampling;
    delete s.filter;
    delete s.rate_limit;
    if ($('f-filter').value.trim()) s.filter = $('f-filter').value.trim();
    const pps = Number($('f-rate-pps').value || 0), bps = Number($('f-rate-bps').value || 0);
    if (pps || bps) s.rate_limit = { packets_per_s: pps, bits_per_s: bps };
    // rspan-destination has no source ports (its source is source_vlans): the table is hidden.
    s.sources = t === 'rspan-destination'
      ? [] : [...pickedSources().map((p) => p.source), ...unlistedSources()];
    if (t === 'local' || t === 'rspan-destination') {
      const picked = [...$('f-dest-port').selectedOptions].map((o) => o.value).filter((v) => v);
      s.destination = picked.length > 1 ? { ports: picked } : { port: picked[0] || '' };
      if ($('f-allow-normal-io').checked) s.destination.allow_normal_io = true;
    }
    delete s.source_vlans;
    delete s.uplink;
    if (t === 'rspan-destination') {
      // Sources picked in the table are sent as they are: the daemon refuses them with the reason.
      s.source_vlans = $('f-source-vlans').value.split(',').map((v) => v.trim()).filter((v) => v)
        .map(Number);
      s.uplink = $('f-uplink').value;
    }
    if (t === 'rspan') {
      // No "preserve original VLAN": OVS's output_vlan replaces the tag, the option is refused.
      s.destination = { vlan: Number($('f-vlan').value || 0), uplink: $('f-uplink').value };
    }
    if (t === 'erspan') {
      const v = $('f-version').value;
      const udp = v === 'vxlan' || v === 'geneve';  // a VNI instead of a session ID
      // One collector is sent as remote_ip, several as remote_ips (as the daemon prints them).
      const ips = collectorIps();
      s.destination = { ...(keep.destination || {}), version: v === 'gre' || udp ? v : Number(v),
                        backend: $('f-backend').value };
      delete s.destination.remote_ip;
      delete s.destination.remote_ips;
      if (ips.length > 1) s.destination.remote_ips = ips;
      else s.destination.remote_ip = ips[0] || '';
      if (udp) {
        delete s.destination.session_id;
        s.destination.vni = Number($('f-vni').value || 0);
      } else {
        delete s.destination.vni;
        s.destination.session_id = Number($('f-session-id').value || 0);
      }
      // Optional numbers: 0 (index, hwid) and empty (dscp, ttl) are not sent.
      for (const [key, id, unset] of [['index', 'f-index', 0], ['hwid', 'f-hwid', 0],
                                      ['dscp', 'f-dscp', ''], ['ttl', 'f-ttl', '']]) {
        delete s.destination[key];
        const v = $(id).value.trim();
        if (v !== '' && Number(v) !== unset) s.destination[key] = Number(v);
      }
    }
    if (t === 'capture') s.destination = { file: $('f-file').value.trim() };
    return s;
  }

  function renderSummary() {
    const s = build();
    const rows = [
      ['Session type', types.find((x) => x[0] === s.type)[1]], ['Name', s.name],
      ['Status', s.enabled ? 'Enabled' : 'Disabled'], ['Description', s.description || '—'],
      ['Mirrored packet length', s.mirrored_packet_length ? s.mirrored_packet_length + ' bytes' : 'whole packets'],
      ['Sampling rate', '1 in ' + (s.sampling_rate || 1)],
      ['Filter', s.filter || 'none'],
      ['Rate limit', s.rate_limit ? s.rate_limit.packets_per_s + ' packets/s, ' +
                                    s.rate_limit.bits_per_s + ' bits/s' : 'none'],
      ['Sources', Sessions.describeSources(s) || 'none'],
      ['Destination', Sessions.describeDestination(s)],
    ];
    $('summary').replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = v;
      return [dt, dd];
    }));
  }

  // The daemon's dry run of what Finish would send: its errors and warnings, listed on the
  // review step before anything is changed.
  async function checkSummary() {
    const list = $('summary-issues');
    list.replaceChildren();
    const add = (cls, text) => {
      const li = document.createElement('li');
      li.className = cls;
      const prefix = { 'issue-error': 'Error: ', 'issue-warning': 'Warning: ',
                       'issue-waiting': 'Waiting for: ' };
      li.textContent = prefix[cls] + text;
      list.append(li);
    };
    const s = build();
    try {
      const r = editing ? await Api.previewReplace(editing.name, s) : await Api.preview(s);
      for (const w of (r.status && r.status.warnings) || []) add('issue-warning', w);
      for (const m of (r.status && r.status.missing) || []) add('issue-waiting', m);
    } catch (e) {
      const issues = (e.issues || []).filter((i) => i.severity !== 'warning');
      if (!issues.length) add('issue-error', (e.path ? e.path + ': ' : '') + e.error);
      for (const i of issues) add('issue-error', (i.path ? i.path + ': ' : '') + i.message);
      for (const i of (e.issues || []).filter((x) => x.severity === 'warning')) {
        add('issue-warning', (i.path ? i.path + ': ' : '') + i.message);
      }
    }
  }

  function show(n) {
    step = n;
    const t = type();
    document.querySelectorAll('.step').forEach((f) => { f.hidden = Number(f.dataset.step) !== n; });
    document.querySelectorAll('#steps li').forEach((li) => {
      if (Number(li.dataset.step) === n) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
    document.querySelectorAll('[data-types]').forEach((f) => {
      f.hidden = !f.dataset.types.split(' ').includes(t);
    });
    $('wiz-back').disabled = n === 0;
    $('wiz-next').hidden = n === kSteps - 1;
    $('wiz-finish').hidden = n !== kSteps - 1;
    if (n === kSteps - 1) {
      renderSummary();
      checkSummary();
    }
    // The first control the chosen type shows (rspan-destination hides the source table).
    const first = [...document.querySelectorAll('.step[data-step="' + n + '"] :is(input, select):not([disabled])')]
      .find((c) => !c.closest('[hidden]'));
    if (first) first.focus();
  }

  function clearErrors() {
    $('wizard-error').textContent = '';
    document.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    document.querySelectorAll('.field-error[data-generated]').forEach((e) => e.remove());
    $('err-sources').textContent = '';
  }

  // Puts `text` beside the control for `path` (e.g. "destination.session_id",
  // "sources[1].direction") and moves to its step; unknown paths go to the wizard's banner.
  function showError(path, text) {
    // Every destination port is one control: the multi-select.
    path = (path || '').replace(/^destination\.ports(\[\d+\])?$/, 'destination.port')
      .replace(/^uplink$/, 'destination.uplink').replace(/^source_vlans(\[\d+\])?$/, 'source_vlans')
      .replace(/^destination\.remote_ips?$/, 'destination.remote_ips[0]');
    let control = path ? document.querySelector('[data-path="' + CSS.escape(path) + '"]') : null;
    const m = /^sources\[(\d+)\]\.(\w+)/.exec(path || '');
    if (m) {
      const picked = pickedSources()[Number(m[1])];
      if (picked) control = m[2] === 'direction' ? picked.select : picked.box;
    }
    if (!control && (path || '').startsWith('sources')) {
      $('err-sources').textContent = text;
      show(2);
      return;
    }
    if (!control || control.closest('[data-types][hidden]')) {
      $('wizard-error').textContent = text;
      return;
    }
    const msg = document.createElement('p');
    msg.className = 'field-error';
    msg.dataset.generated = '1';
    msg.id = 'err-' + Math.random().toString(36).slice(2);
    msg.setAttribute('role', 'alert');
    msg.textContent = text;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', msg.id);
    (control.closest('.collector-row, .field') || control.closest('td') || control.parentNode)
      .append(msg);
    show(Number(control.closest('.step').dataset.step));
    control.focus();
  }

  // What the page can check before asking the server; the server has the last word.
  function localCheck(n) {
    if (n === 1 && !$('f-name').value.trim()) return ['name', 'a session needs a name'];
    if (n === 2 && type() !== 'rspan-destination' && pickedSources().length === 0) {
      return ['sources', 'select at least one port'];
    }
    return null;
  }

  function next() {
    clearErrors();
    const problem = localCheck(step);
    if (problem) return showError(problem[0], problem[1]);
    if (step < kSteps - 1) show(step + 1);
  }

  async function finish(ev) {
    ev.preventDefault();
    clearErrors();
    $('wiz-finish').disabled = true;
    try {
      if (editing) await Api.replace(editing.name, build());
      else await Api.create(build());
      close();
      Sessions.refresh();
    } catch (e) {
      showError(e.path, e.error);
    } finally {
      $('wiz-finish').disabled = false;
    }
  }

  // Puts session `s` into the form (all but the sources, which wait for the port list).
  function prefill(s) {
    $('type-' + s.type).checked = true;
    $('f-name').value = s.name;
    $('f-enabled').value = String(s.enabled !== false);
    $('f-description').value = s.description || '';
    $('f-snaplen-on').checked = s.mirrored_packet_length !== undefined;
    $('f-snaplen').disabled = !$('f-snaplen-on').checked;
    if (s.mirrored_packet_length !== undefined) $('f-snaplen').value = s.mirrored_packet_length;
    $('f-sampling').value = s.sampling_rate || 1;
    $('f-filter').value = s.filter || '';
    $('f-rate-pps').value = (s.rate_limit && s.rate_limit.packets_per_s) || 0;
    $('f-rate-bps').value = (s.rate_limit && s.rate_limit.bits_per_s) || 0;
    const d = s.destination || {};
    if (s.type === 'rspan') {
      $('f-vlan').value = d.vlan || '';
    }
    if (s.type === 'erspan') {
      renderCollectors(d.remote_ips || [d.remote_ip || '']);
      $('f-version').value = String(d.version || 2);
      $('f-session-id').value = d.session_id || 0;
      $('f-vni').value = d.vni || 0;
      $('f-backend').value = d.backend || 'native';
      $('f-index').value = d.index || 0;
      $('f-hwid').value = d.hwid || 0;
      $('f-dscp').value = d.dscp === undefined ? '' : d.dscp;
      $('f-ttl').value = d.ttl === undefined ? '' : d.ttl;
    }
    if (s.type === 'local') $('f-allow-normal-io').checked = !!d.allow_normal_io;
    if (s.type === 'rspan-destination') $('f-source-vlans').value = (s.source_vlans || []).join(', ');
    if (s.type === 'capture') $('f-file').value = d.file || '';
  }

  // Selects `wanted` in `select`; a port the switch does not have (yet) gets its own option, so
  // that an edit keeps it (the session waits for it) rather than dropping it.
  function choose(select, wanted) {
    for (const name of wanted.filter((w) => w)) {
      if (![...select.options].some((o) => o.value === name)) {
        select.append(new Option(name + ' (not on the switch)', name));
      }
    }
    for (const o of select.options) o.selected = wanted.includes(o.value);
  }

  // After the port list arrives: the port choices of the edited session's destination.
  function prefillPorts(s) {
    const d = s.destination || {};
    if (s.type === 'local' || s.type === 'rspan-destination') choose($('f-dest-port'), d.ports || [d.port]);
    if (s.type === 'rspan') choose($('f-uplink'), [d.uplink || '']);
    if (s.type === 'rspan-destination') choose($('f-uplink'), [s.uplink || '']);
  }

  function open(session) {
    editing = session && session.name ? session : null;
    $('wizard-form').reset();
    renderTypes();
    renderCollectors(['']);
    $('f-snaplen').disabled = true;
    $('wizard-title').textContent = editing ? 'Edit Port Mirroring Session ' + editing.name
                                            : 'New Port Mirroring Session';
    $('f-name').readOnly = !!editing;  // the name is the session's identity
    if (editing) prefill(editing);
    clearErrors();
    $('list-panel').hidden = true;
    $('wizard').hidden = false;
    loadPorts().then(() => { if (editing) prefillPorts(editing); });
    show(0);
  }

  function close() {
    $('wizard').hidden = true;
    $('list-panel').hidden = false;
    $('new-session').focus();
  }

  function init() {
    $('new-session').addEventListener('click', () => open(null));
    $('wiz-next').addEventListener('click', next);
    $('wiz-back').addEventListener('click', () => { clearErrors(); show(Math.max(0, step - 1)); });
    $('wiz-cancel').addEventListener('click', close);
    $('add-collector').addEventListener('click', () => {
      renderCollectors([...collectorIps(), '']);
      $('f-remote-ip-' + (collectorIps().length - 1)).focus();
    });
    $('wizard-form').addEventListener('submit', finish);
    $('f-snaplen-on').addEventListener('change', (e) => { $('f-snaplen').disabled = !e.target.checked; });
    // Enter in a text field goes to the next step rather than submitting early.
    $('wizard-form').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target.tagName === 'INPUT' && step < kSteps - 1) {
        e.preventDefault();
        next();
      }
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !$('wizard').hidden) close();
    });
  }

  return { init, open };
})();

document.addEventListener('DOMContentLoaded', () => Wizard.init());
