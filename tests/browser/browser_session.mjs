// What each browser script shares: Debian's headless Chromium on a throwaway profile, the
// expectation log, the ending (a failure screenshot, one JSON line, the exit code), signing in
// and reading a session over REST.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/// Runs `steps(page, expect, seen)` in a fresh browser; `expect(cond, what)` throws on a false
/// condition and logs `what` otherwise. Prints `seen` as JSON and exits 0, or 1 on a failure
/// (with `<outDir>/<failureShot>` taken).
export async function runInBrowser(outDir, failureShot, steps, viewport = { width: 1280, height: 900 }) {
  const seen = { steps: [] };
  const expect = (cond, what) => {
    if (!cond) throw new Error('expected ' + what);
    seen.steps.push(what);
  };
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ovse-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
  let failed = null;
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(10000);
  try {
    await steps(page, expect, seen);
  } catch (e) {
    failed = e;
    await page.screenshot({ path: path.join(outDir, failureShot), fullPage: true }).catch(() => {});
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (failed) seen.error = String(failed.message || failed);
  console.log(JSON.stringify(seen));
  process.exit(failed ? 1 : 0);
}

/// Opens the web UI at `base` and signs in with the daemon's `token`.
export async function signIn(page, base, token) {
  await page.goto(base + '/');
  await page.getByLabel('API token (the daemon\'s --token-file)').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
}

/// GET /api/v1/sessions/NAME from the page, with the tab's token: {session, status}.
export function apiGet(page, name) {
  return page.evaluate(async (n) => (await fetch('api/v1/sessions/' + n, {
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem('ovse-token') },
  })).json(), name);
}
