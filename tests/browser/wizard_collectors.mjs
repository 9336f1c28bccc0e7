// Several ERSPAN collectors in the wizard, in Debian's headless Chromium: two collector rows, the
// daemon's error on a duplicate address beside the second row (review step and Finish), the
// session stored with remote_ips over REST, an edit that keeps both collectors, and an edit that
// removes the second row (stored as remote_ip again).
// Usage: node wizard_collectors.mjs BASE_URL OUT_DIR COLLECTOR_IP TOKEN
// Prints one JSON line with what it saw; exits non-zero on the first failed expectation.
import path from 'node:path';

import { apiGet, runInBrowser, signIn } from './browser_session.mjs';

const [base, outDir, collectorIp, token] = process.argv.slice(2);
// A second collector on the collector's subnet (no host answers there; OVS sends regardless).
const secondIp = collectorIp.replace(/\.\d+$/, '.7');

await runInBrowser(outDir, 'collectors-failure.png', async (page, expect) => {
  const next = () => page.getByRole('button', { name: 'Next' }).click();
  const finish = () => page.getByRole('button', { name: 'Finish' }).click();
  const row = (n) => page.getByLabel('Collector IP address ' + n, { exact: true });

  // Opens the edit wizard of `name` and goes to its destination step.
  async function editToDestination(name, description) {
    await page.locator('#sessions tr[data-session="' + name + '"]')
      .getByRole('button', { name: 'Edit ' + name }).click();
    await next();
    await page.getByLabel('Description').fill(description);
    await next();
    await next();
  }

  await signIn(page, base, token);

  await page.getByRole('button', { name: 'New Port Mirroring Session…' }).click();
  await page.getByLabel('Encapsulated Remote Mirroring (L3) Source').check();
  await next();
  await page.getByLabel('Name', { exact: true }).fill('two-collectors');
  await next();
  await page.getByLabel('vm1', { exact: true }).check();
  await next();
  expect(!(await page.getByRole('button', { name: 'Remove collector 1' }).isVisible()),
         'a single collector row cannot be removed');
  await row(1).fill(collectorIp);
  await page.getByRole('button', { name: 'Add collector' }).click();
  expect(await page.evaluate(() => document.activeElement.id) === 'f-remote-ip-1',
         'Add collector puts the focus on the new row');
  await row(2).fill(collectorIp);
  await next();
  const refused = page.locator('#summary-issues .issue-error');
  await refused.first().waitFor();
  expect((await refused.first().innerText()).includes(
    'destination.remote_ips[1]: "' + collectorIp + '" is listed twice'),
  'the review step lists the duplicate collector: ' + await refused.first().innerText());
  await finish();
  await page.waitForSelector('#f-remote-ip-1[aria-invalid="true"]');
  const message = page.locator('#' + await row(2).getAttribute('aria-describedby'));
  expect((await message.innerText()).includes('is listed twice'),
         'the duplicate error is beside the second row: ' + await message.innerText());
  expect(await page.locator('.collector-row').nth(1).locator('.field-error').count() === 1 &&
         await page.locator('.collector-row').nth(0).locator('.field-error').count() === 0 &&
         await row(1).getAttribute('aria-invalid') === null,
         'only the second row carries the error');
  await page.screenshot({ path: path.join(outDir, 'collectors-1-duplicate.png'), fullPage: true });

  await row(2).fill(secondIp);
  await next();
  await page.waitForFunction(() => document.querySelector('#summary dd:last-of-type') !== null);
  const summary = await page.locator('#summary').innerText();
  expect(summary.includes('to ' + collectorIp + ', ' + secondIp),
         'the review names both collectors: ' + summary);
  await finish();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  let d = (await apiGet(page, 'two-collectors')).session.destination;
  expect(JSON.stringify(d.remote_ips) === JSON.stringify([collectorIp, secondIp]) &&
         d.remote_ip === undefined, 'both collectors are stored: ' + JSON.stringify(d));

  // An edit that changes only the description keeps both collectors.
  await editToDestination('two-collectors', 'two analyzers');
  expect(await row(1).inputValue() === collectorIp && await row(2).inputValue() === secondIp,
         'the edit shows both collectors');
  await next();
  await finish();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  const kept = (await apiGet(page, 'two-collectors')).session;
  expect(kept.description === 'two analyzers' &&
         JSON.stringify(kept.destination.remote_ips) === JSON.stringify([collectorIp, secondIp]),
         'the edit keeps both collectors: ' + JSON.stringify(kept));

  // Removing the second row leaves one collector, stored in the single form.
  await editToDestination('two-collectors', 'one analyzer');
  await page.getByRole('button', { name: 'Remove collector 2' }).click();
  expect(await page.locator('.collector-ip').count() === 1, 'one collector row is left');
  await next();
  await finish();
  await page.locator('#wizard').waitFor({ state: 'hidden' });
  d = (await apiGet(page, 'two-collectors')).session.destination;
  expect(d.remote_ip === collectorIp && d.remote_ips === undefined,
         'one collector is stored as remote_ip: ' + JSON.stringify(d));
}, { width: 1280, height: 1000 });
