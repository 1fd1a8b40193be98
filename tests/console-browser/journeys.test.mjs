// ace's web console in a real browser: Debian's chromium driven by playwright-core. Each
// journey saves screenshots under target/console-screenshots for a reviewer, and every page
// it visits is checked with axe-core (no serious or critical violation) at desktop and phone
// widths. scripts/console-browser-test starts the server and sets ACE_URL and ACE_API_KEY.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.env.ACE_URL;
const key = process.env.ACE_API_KEY;
assert.ok(base && key, 'ACE_URL and ACE_API_KEY name the server and its key');
const shots = fileURLToPath(new URL('../../target/console-screenshots/', import.meta.url));
mkdirSync(shots, { recursive: true });
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
});

after(async () => {
  await browser?.close();
});

/** No serious or critical accessibility violation on the page as it stands. */
async function accessible(page, what) {
  await page.addScriptTag({ path: axePath });
  const { violations } = await page.evaluate(() => window.axe.run());
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`),
    [],
    `${what} has accessibility violations`,
  );
}

/** Signs in through the form, by keyboard alone. */
async function signIn(page) {
  await page.goto(`${base}/app`);
  await page.waitForURL('**/app/sign-in');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the content');
  await page.getByLabel('API key').focus();
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/app/workspace');
}

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`sign in and see the workspace (${name}, ${viewport.width}×${viewport.height})`, async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${base}/app/sign-in`);
    await accessible(page, 'the sign-in page');
    await page.screenshot({ path: `${shots}/sign-in-${name}.png`, fullPage: true });

    await signIn(page);
    await assert.doesNotReject(page.getByRole('heading', { name: 'Workspace', level: 1 }).waitFor());
    const workspaces = page.getByRole('table').first();
    assert.match(await workspaces.innerText(), /1000/);
    assert.match(await page.getByRole('region', { name: /Credits ledger/ }).innerText(), /starter credits/);
    assert.match(await page.getByRole('region', { name: 'Your agents' }).innerText(), /Voice: none chosen yet/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'nothing wider than the screen');
    await accessible(page, 'the workspace page');
    await page.screenshot({ path: `${shots}/workspace-${name}.png`, fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/app/sign-in');
    await context.close();
  });
}

test('a wrong key is refused with the API’s message, and the form stays usable', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`${base}/app/sign-in`);
  await page.getByLabel('API key').fill('ace_pat_not_a_key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /key/i);
  await accessible(page, 'the refused sign-in page');
  await page.screenshot({ path: `${shots}/sign-in-refused.png`, fullPage: true });
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/app/workspace');
  await context.close();
});
