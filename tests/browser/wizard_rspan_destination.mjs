// The wizard's "Remote Mirroring Destination" (type rspan-destination) in Debian's headless
// Chromium: no source ports, the RSPAN VLAN IDs, the uplink and two destination ports; the
// daemon's errors beside their fields (a VLAN 5000 at the VLAN IDs, the uplink also picked as a
// destination port at the port list, no uplink at the uplink), its warning (vm2 is a VM's port)
// on the review step before Finish, the stored session read back over REST; then an edit of a
// session whose uplink is not on the switch yet keeps that uplink and says it waits for it.
// Usage: node wizard_rspan_destination.mjs BASE_URL OUT_DIR COLLECTOR_IP TOKEN
// Prints one JSON line with what it saw; exits non-zero on the first failed expectation.
import path from 'node:path';

import { apiGet, runInBrowser, signIn } from './browser_session.mjs';

const [base, outDir, , token] = process.argv.slice(2);

await runInBrowser(outDir, 'rspan-destination-failure.png', async (page, expect) => {
  const next = () => page.getByRole('button', { name: 'Next' }).click();
  const finish = () => page.getByRole('button', { name: 'Finish' }).click();
  const vlans = page.getByLabel('RSPAN VLAN IDs arriving on the uplink');
  const destPorts = page.getByLabel('Destination ports (each');
  const uplink = page.getByLabel('Uplink carrying the encapsulation (RSPAN) VLAN');
  const issues = page.locator('#summary-issues li');

  // The message beside `control` (its aria-describedby) once the daemon's error marked it.
  async function errorBeside(control) {
    await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true',
                               await control.elementHandle());
    return page.locator('#' + await control.getAttribute('aria-describedby')).innerText();
  }

  await signIn(page, base, token);

  await page.getByRole('button', { name: 'New Port Mirroring Session…' }).click();
  await page.getByLabel('Remote Mirroring Destination').check();
  await next();
  await page.getByLabel('Name', { exact: true }).fill('rd');
  await page.getByLabel('Description').fill('RSPAN 999 to the analyzers');
  await next();
  expect(!(await page.locator('#source-table').isVisible()),
         'the source step shows no port table for a rspan-destination session');
  expect(await vlans.evaluate((el) => el === document.activeElement),
         'the RSPAN VLAN IDs have the focus on the source step');
  await vlans.fill('999, 5000');
  await next();
  await destPorts.selectOption(['ana', 'vm2']);
  await uplink.selectOption('ul');
  await next();
  await issues.first().waitFor();
  expect((await issues.first().innerText()) === 'Error: source_vlans[1]: 5000 is above 4094',
         'the review step lists the VLAN out of range: ' + await issues.first().innerText());
  await finish();
  const vlanError = await errorBeside(vlans);
  expect(vlanError.includes('5000 is above 4094'), 'the VLAN error sits beside the VLAN IDs: ' + vlanError);
  await page.screenshot({ path: path.join(outDir, 'rspan-destination-1-vlan.png'), fullPage: true });

  // The uplink also picked as a destination port: the daemon names the second port.
  await vlans.fill('999');
  await next();
  await destPorts.selectOption(['ana', 'ul']);
  await next();
  await finish();
  const portError = await errorBeside(destPorts);
  expect(portError.includes('"ul" is also the uplink the RSPAN VLAN arrives on'),
         'the error on destination.ports[1] sits beside the port list: ' + portError);

  // No uplink: required, beside the uplink.
  await destPorts.selectOption(['ana', 'vm2']);
  await uplink.selectOption('');
  await next();
  await finish();
  const uplinkError = await errorBeside(uplink);
  expect(uplinkError.includes('required for type rspan-destination'),
         'the uplink error sits beside the uplink: ' + uplinkError);

  // Valid now: the review step lists the daemon's warning before Finish.
  await uplink.selectOption('ul');
  await next();
  const warning = page.locator('#summary-issues .issue-warning', { hasText: 'destination port vm2' });
  await warning.waitFor();
  expect((await warning.innerText()).includes('vm2 is a VM\'s port (iface-id vm-b): this port stops forwarding'),
         'the review step warns before Finish that vm2 stops forwarding');
  expect(await page.locator('#summary-issues .issue-error').count() === 0, 'the review lists no error');
  const summary = await page.locator('#summary').innerText();
  expect(summary.includes('Sources\nVLAN 999 on uplink ul') && summary.includes('Destination\nports ana, vm2'),
         'the review describes the source VLAN and the destination ports: ' + summary);
  await page.screenshot({ path: path.join(outDir, 'rspan-destination-2-review.png'), fullPage: true });
  await finish();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  const rd = await apiGet(page, 'rd');
  expect(rd.session.type === 'rspan-destination' && JSON.stringify(rd.session.source_vlans) === '[999]' &&
         rd.session.uplink === 'ul' && JSON.stringify(rd.session.destination.ports) === '["ana","vm2"]' &&
         rd.session.sources.length === 0 && rd.session.description === 'RSPAN 999 to the analyzers',
         'the stored session is as entered: ' + JSON.stringify(rd.session));
  expect(rd.status.state === 'active', 'the session is active: ' + JSON.stringify(rd.status));
  const listed = await page.locator('#sessions tr[data-session="rd"]').innerText();
  expect(listed.includes('Remote Mirroring Destination') && listed.includes('VLAN 999 on uplink ul'),
         'the session list names the type and the source VLAN: ' + listed);

  // An uplink that is not on the switch yet (created over REST): the edit keeps it and the
  // review step says the session waits for it.
  const created = await page.evaluate(async () => (await fetch('api/v1/sessions', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem('ovse-token'),
               'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'rd-later', type: 'rspan-destination', source_vlans: [998, 997],
                           uplink: 'ul-later', destination: { port: 'vm1' } }),
  })).status);
  expect(created === 201, 'a session with an absent uplink is created over REST (' + created + ')');
  await page.reload();
  await page.locator('#sessions tr[data-session="rd-later"]')
    .getByRole('button', { name: 'Edit rd-later' }).click();
  await next();
  await page.getByLabel('Description').fill('uplink comes later');
  await next();
  expect(await vlans.inputValue() === '998, 997', 'the VLAN IDs are prefilled');
  await next();
  expect(await uplink.inputValue() === 'ul-later', 'the absent uplink stays selected');
  await next();
  const waiting = page.locator('#summary-issues .issue-waiting');
  await waiting.waitFor();
  expect((await waiting.innerText()) === 'Waiting for: uplink port ul-later',
         'the review says the session waits for the uplink: ' + await waiting.innerText());
  await finish();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  const later = (await apiGet(page, 'rd-later')).session;
  expect(later.uplink === 'ul-later' && JSON.stringify(later.source_vlans) === '[998,997]' &&
         later.destination.port === 'vm1' && later.description === 'uplink comes later',
         'the edit keeps the uplink, the VLANs and the port: ' + JSON.stringify(later));
}, { width: 1280, height: 1000 });
