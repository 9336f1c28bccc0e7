// The wizard's vSphere-parity fields in Debian's headless Chromium: a local session with two
// destination ports (one a VM's: the review step shows the daemon's dry-run warning before
// Finish; allow normal I/O shows its refusal there), an ERSPAN session whose hardware ID does
// not apply to Type II (listed on the review step, then beside the field after Finish) saved with
// index, DSCP and TTL, and an edit that keeps fields the wizard does not show (select_vlans).
// Usage: node wizard_parity.mjs BASE_URL OUT_DIR COLLECTOR_IP TOKEN
// Prints one JSON line with what it saw; exits non-zero on the first failed expectation.
import path from 'node:path';

import { apiGet, runInBrowser, signIn } from './browser_session.mjs';

const [base, outDir, collectorIp, token] = process.argv.slice(2);

await runInBrowser(outDir, 'parity-failure.png', async (page, expect) => {
  const next = () => page.getByRole('button', { name: 'Next' }).click();

  // Opens the wizard and walks type, name and the source vm1 (both directions).
  async function startSession(typeLabel, name) {
    await page.getByRole('button', { name: 'New Port Mirroring Session…' }).click();
    await page.getByLabel(typeLabel).check();
    await next();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await next();
    await page.getByLabel('vm1', { exact: true }).check();
    await next();
  }


  await signIn(page, base, token);

  // A local session to two analyzers, vm2 being a VM's port.
  await startSession('Distributed Port Mirroring', 'two-analyzers');
  await page.getByLabel('Destination ports (each').selectOption(['vm2', 'ana']);
  await page.getByLabel('Allow normal I/O on destination ports').check();
  await next();
  const refused = page.locator('#summary-issues .issue-error');
  await refused.first().waitFor();
  expect((await refused.first().innerText()).includes('destination.allow_normal_io: true is not supported'),
         'the review step shows why allow normal I/O is refused');
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByLabel('Allow normal I/O on destination ports').uncheck();
  await next();
  const warning = page.locator('#summary-issues .issue-warning',
                               { hasText: 'destination port vm2 is a VM' });
  await warning.waitFor();
  expect((await warning.innerText()).includes('vm2 is a VM\'s port (iface-id vm-b): this port stops forwarding its own traffic'),
         'the review step warns before Finish that vm2 stops forwarding');
  expect((await page.locator('#summary').innerText()).includes('ports '),
         'the review lists both destination ports');
  await page.screenshot({ path: path.join(outDir, 'parity-1-warning.png'), fullPage: true });
  await page.getByRole('button', { name: 'Finish' }).click();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  const local = await apiGet(page, 'two-analyzers');
  expect(JSON.stringify([...local.session.destination.ports].sort()) === '["ana","vm2"]',
         'the session has both destination ports');
  expect(local.status.warnings.some((w) => w.includes('stops forwarding its own traffic')),
         'the saved session keeps the warning in its status');

  // ERSPAN Type II with a hardware ID: refused on the review step and beside the field.
  await startSession('Encapsulated Remote Mirroring (L3) Source', 'e2');
  await page.getByLabel('Collector IP address').fill(collectorIp);
  await page.getByLabel('Encapsulation', { exact: true }).selectOption('2');
  await page.getByLabel('ERSPAN Type III hardware ID').fill('5');
  await next();
  await refused.first().waitFor();
  expect((await refused.first().innerText()).includes('destination.hwid: 5 needs version 3'),
         'the review step lists the hardware ID that does not apply');
  await page.getByRole('button', { name: 'Finish' }).click();
  await page.waitForSelector('#f-hwid[aria-invalid="true"]');
  const hwid = page.getByLabel('ERSPAN Type III hardware ID');
  const errorText = await page.locator('#' + await hwid.getAttribute('aria-describedby')).innerText();
  expect(errorText.includes('needs version 3'), 'the error sits beside the hardware ID: ' + errorText);
  await hwid.fill('0');
  await page.getByLabel('ERSPAN Type II index').fill('77');
  await page.getByLabel('Outer DSCP').fill('10');
  await page.getByLabel('Outer TTL').fill('32');
  await next();
  await page.waitForFunction(() => document.querySelector('#summary-issues') !== null);
  await page.getByRole('button', { name: 'Finish' }).click();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  const e2 = (await apiGet(page, 'e2')).session.destination;
  expect(e2.index === 77 && e2.dscp === 10 && e2.ttl === 32 && e2.hwid === 0 && e2.version === 2,
         'index, DSCP and TTL are saved: ' + JSON.stringify(e2));

  // Edit of a session with a field the wizard does not show (select_vlans): it is kept.
  const created = await page.evaluate(async (ip) => (await fetch('api/v1/sessions', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem('ovse-token'),
               'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'kept', type: 'erspan', sources: [{ iface_id: 'vm-a' }],
                           select_vlans: [10], bridge: 'br0',
                           destination: { remote_ip: ip, version: 3, session_id: 4, hwid: 6 } }),
  })).status, collectorIp);
  expect(created === 201, 'a session with select_vlans is created over REST (' + created + ')');
  await page.reload();
  const row = page.locator('#sessions tr[data-session="kept"]');
  await row.getByRole('button', { name: 'Edit kept' }).click();
  await next();
  await page.getByLabel('Description').fill('edited in the wizard');
  await next();
  await next();
  expect(await page.getByLabel('ERSPAN Type III hardware ID').inputValue() === '6',
         'the hardware ID is prefilled');
  await next();
  await page.getByRole('button', { name: 'Finish' }).click();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  const kept = (await apiGet(page, 'kept')).session;
  expect(kept.description === 'edited in the wizard' && JSON.stringify(kept.select_vlans) === '[10]' &&
         kept.bridge === 'br0' && kept.destination.hwid === 6,
         'the edit keeps select_vlans, bridge and the hardware ID: ' + JSON.stringify(kept));
}, { width: 1280, height: 1000 });
