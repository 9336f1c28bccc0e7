// Walks the web UI's "New Port Mirroring Session" wizard in Debian's headless Chromium:
// keyboard through the type and name steps, pick a VM port with a direction, enter an invalid
// ERSPAN session ID and expect the server's error beside that field, fix it, finish, and see the
// session listed as active; then edit it ("Edit settings"): the wizard comes prefilled, and the
// changes are saved with what was not changed. The daemon listens on TCP, so the page first
// asks for the token (kept in the tab's sessionStorage).
// Usage: node wizard.mjs BASE_URL OUT_DIR COLLECTOR_IP TOKEN
// Prints one JSON line with what it saw; exits non-zero on the first failed expectation.
import path from 'node:path';

import { runInBrowser } from './browser_session.mjs';

const [base, outDir, collectorIp, token] = process.argv.slice(2);

await runInBrowser(outDir, 'failure.png', async (page, expect, seen) => {
  await page.goto(base + '/');
  // Sign in: the first API call is refused (401) and the token panel appears.
  await page.getByLabel('API token (the daemon\'s --token-file)').waitFor();
  await page.getByLabel('API token (the daemon\'s --token-file)').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  expect(await page.evaluate(() => sessionStorage.getItem('ovse-token')) === token,
         'the token is kept in the tab\'s session storage');
  await page.getByRole('button', { name: 'New Port Mirroring Session…' }).click();

  // 1 Select session type, by keyboard: the first type has focus; arrows move, Enter goes on.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await page.getByLabel('Encapsulated Remote Mirroring (L3) Source').isChecked(),
         'arrow keys select the ERSPAN type');
  await page.keyboard.press('Enter');

  // 2 Properties: the name field has focus.
  await page.keyboard.type('web-erspan');
  await page.getByLabel('Description').fill('VM vm1 to the collector');
  await page.getByLabel('Mirrored packet length', { exact: true }).check();
  await page.getByLabel('Mirrored packet length in bytes').fill('256');
  await page.getByRole('button', { name: 'Next' }).click();

  // 3 Sources: the VM's port, listed with its VM identity and MAC, ingress only.
  const row = page.locator('#source-table tr', { hasText: 'vm1' });
  expect((await row.innerText()).includes('02:00:00:00:00:01'), 'the port picker shows the MAC');
  await page.getByLabel('vm1', { exact: true }).check();
  await page.getByLabel('Direction for vm1').selectOption('ingress');
  await page.getByRole('button', { name: 'Next' }).click();

  // 4 Destination: an ERSPAN session ID out of range.
  await page.getByLabel('Collector IP address').fill(collectorIp);
  await page.getByLabel('Encapsulation', { exact: true }).selectOption('3');
  await page.getByLabel('ERSPAN session ID (0–1023').fill('1500');
  await page.getByRole('button', { name: 'Next' }).click();
  expect((await page.locator('#summary').innerText()).includes('ERSPAN III'),
         'the review lists the destination');
  await page.screenshot({ path: path.join(outDir, '1-review.png'), fullPage: true });
  await page.getByRole('button', { name: 'Finish' }).click();

  // The server's validation error appears beside the session ID field, which gets focus.
  const field = page.getByLabel('ERSPAN session ID (0–1023');
  await page.waitForSelector('#f-session-id[aria-invalid="true"]');
  const errorId = await field.getAttribute('aria-describedby');
  const errorText = await page.locator('#' + errorId).innerText();
  expect(errorText.includes('1500'), 'the error beside the field names the value: ' + errorText);
  expect(await field.evaluate((e) => e === document.activeElement), 'the invalid field has focus');
  await page.screenshot({ path: path.join(outDir, '2-invalid-session-id.png'), fullPage: true });

  // Fix it and finish.
  await field.fill('7');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Finish' }).click();
  const listed = page.locator('#sessions tr[data-session="web-erspan"]');
  await listed.locator('.state.active').waitFor();
  expect(true, 'the session is listed as active');
  await page.screenshot({ path: path.join(outDir, '3-listed-active.png'), fullPage: true });

  const api = await page.evaluate(async () => (await fetch('api/v1/sessions/web-erspan', {
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem('ovse-token') },
  })).json());
  expect(api.session.destination.session_id === 7 && api.session.sources[0].direction === 'ingress',
         'the API returns the session as entered');
  seen.state = api.status.state;

  // Edit settings: every step comes prefilled; change the description, the direction and the ID.
  await listed.getByRole('button', { name: 'Edit web-erspan' }).click();
  expect((await page.locator('#wizard-title').innerText()).includes('Edit'), 'the editor opens');
  expect(await page.getByLabel('Encapsulated Remote Mirroring (L3) Source').isChecked(),
         'the type is prefilled');
  await page.getByRole('button', { name: 'Next' }).click();
  expect(await page.getByLabel('Name', { exact: true }).evaluate((e) => e.readOnly && e.value === 'web-erspan'),
         'the name is shown and cannot change');
  expect(await page.getByLabel('Mirrored packet length in bytes').inputValue() === '256',
         'the packet length is prefilled');
  await page.getByLabel('Description').fill('vm1, both directions');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.src-pick:checked').length === 1);
  expect(await page.getByLabel('Direction for vm1').inputValue() === 'ingress',
         'the source and its direction are prefilled');
  await page.getByLabel('Direction for vm1').selectOption('both');
  await page.getByRole('button', { name: 'Next' }).click();
  expect(await page.getByLabel('ERSPAN session ID (0–1023').inputValue() === '7',
         'the destination is prefilled');
  await page.getByLabel('ERSPAN session ID (0–1023').fill('9');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.screenshot({ path: path.join(outDir, '4-edit-review.png'), fullPage: true });
  await page.getByRole('button', { name: 'Finish' }).click();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  const edited = await page.evaluate(async () => (await fetch('api/v1/sessions/web-erspan', {
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem('ovse-token') },
  })).json());
  expect(edited.session.destination.session_id === 9 &&
         edited.session.sources[0].direction === 'both' &&
         edited.session.description === 'vm1, both directions' &&
         edited.session.mirrored_packet_length === 256,
         'the edit is saved and keeps what was not changed');
  seen.session = edited.session;
});
