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
  await page.getByLabel('API key', { exact: true }).focus();
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
  await page.getByLabel('API key', { exact: true }).fill('ace_pat_not_a_key');
  await page.getByRole('button', { name: 'Sign in with the key' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /key/i);
  await accessible(page, 'the refused sign-in page');
  await page.screenshot({ path: `${shots}/sign-in-refused.png`, fullPage: true });
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Sign in with the key' }).click();
  await page.waitForURL('**/app/workspace');
  await context.close();
});

test('clone a template, run a row, watch its cells fill and play the render', { timeout: 900_000 }, async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page);

  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
  await accessible(page, 'the template library');
  await page.screenshot({ path: `${shots}/templates.png`, fullPage: true });
  await page.getByRole('link', { name: 'Preview Text-Driven' }).click();
  await page.getByRole('heading', { name: 'Text-Driven', level: 1 }).waitFor();
  await accessible(page, 'a template preview');
  await page.getByRole('button', { name: 'Clone this template' }).click();
  await page.waitForURL(/\/app\/agents\/\d+\/sheets\/\d+$/);
  const grid = page.getByRole('region', { name: 'The vidsheet grid' });
  await grid.waitFor();
  await accessible(page, 'the vidsheet grid');
  await page.screenshot({ path: `${shots}/grid-cloned.png`, fullPage: true });

  await page.getByRole('link', { name: 'Plan and run row 1' }).click();
  await page.getByRole('heading', { name: 'Run this row', level: 1 }).waitFor();
  assert.match(await page.getByRole('table').innerText(), /HOOK[\s\S]*Total, at most/);
  await accessible(page, 'the plan of a row run');
  await page.screenshot({ path: `${shots}/row-plan.png`, fullPage: true });
  await page.getByRole('button', { name: /Run this row for up to [\d.]+ credits/ }).click();
  await grid.waitFor();
  await page.evaluate(() => { window.stayed = true; });

  // The cells fill over the grid's own event stream, without a reload.
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('td.cell')];
    return cells.some((cell) => cell.dataset.status === 'completed');
  }, null, { timeout: 600_000 });
  await page.screenshot({ path: `${shots}/grid-filling.png`, fullPage: true });
  const render = page.locator('video[aria-label="FINAL VIDEO of row 1"]');
  await render.waitFor({ timeout: 800_000 });
  await page.screenshot({ path: `${shots}/grid-rendered.png`, fullPage: true });
  assert.equal(await page.evaluate(() => window.stayed), true, 'the page was never reloaded');

  // The render plays where it is.
  await render.click();
  await page.waitForFunction(
    (label) => {
      const video = document.querySelector(`video[aria-label="${label}"]`);
      return video && video.currentTime > 0.2 && video.videoWidth > 0;
    },
    'FINAL VIDEO of row 1',
    { timeout: 30_000 },
  );
  await page.getByRole('link', { name: 'Timeline of VIDEO of row 1' }).click();
  await page.getByRole('heading', { name: 'Row 1: timeline', level: 1 }).waitFor();
  assert.ok(await page.locator('li.track').count() > 3, 'a track per layer');
  await accessible(page, 'a video cell’s timeline');
  await page.screenshot({ path: `${shots}/timeline.png`, fullPage: true });
  await context.close();
});

test('ask the agent for ideas, approve a vidsheet it proposes, and open it', { timeout: 900_000 }, async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Vidsheets' }).click();
  const before = await page.locator('main li a').count();

  await page.getByRole('link', { name: 'Ideas', exact: true }).click();
  await page.getByRole('heading', { name: 'Ideas', level: 1 }).waitFor();
  await page.getByLabel('Message to the agent').fill('generate 2 content ideas about late-night tacos');
  await page.getByRole('button', { name: 'Send' }).click();
  // The run is followed live; the page reloads when it has ended.
  await page.locator('li.idea').first().waitFor({ timeout: 600_000 });
  assert.equal(await page.locator('li.idea').count(), 2);
  await accessible(page, 'the ideas board');
  await page.screenshot({ path: `${shots}/ideas-board.png`, fullPage: true });

  await page.getByLabel('Message to the agent').fill('make a vidsheet from idea 1');
  await page.getByRole('button', { name: 'Send' }).click();
  const approve = page.getByRole('button', { name: 'Approve' });
  await approve.waitFor({ timeout: 600_000 });
  assert.match(await page.locator('.run').innerText(), /The agent asks:/);
  await page.screenshot({ path: `${shots}/ideas-approval.png`, fullPage: true });
  await approve.click();
  await page.locator('.run .status.completed').waitFor({ timeout: 600_000 });
  await page.screenshot({ path: `${shots}/ideas-approved.png`, fullPage: true });

  await page.getByRole('link', { name: 'Vidsheets' }).click();
  assert.equal(await page.locator('main li a').count(), before + 1, 'the idea became a vidsheet');
  await page.locator('main li a').first().click();
  await page.getByRole('region', { name: 'The vidsheet grid' }).waitFor();
  await page.screenshot({ path: `${shots}/ideas-vidsheet.png`, fullPage: true });
  await context.close();
});

test('drop an image on the asset library and see it uploaded with its preview', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Assets' }).click();
  await page.getByRole('heading', { name: 'Assets', level: 1 }).waitFor();
  await accessible(page, 'the asset library');

  // A real drop: a PNG drawn in the page, dropped on the zone as a file.
  const reloaded = page.waitForEvent('load');
  await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 64;
    const pen = canvas.getContext('2d');
    pen.fillStyle = '#1f4fd1';
    pen.fillRect(0, 0, 64, 64);
    const blob = await new Promise((done) => canvas.toBlob(done, 'image/png'));
    const files = new DataTransfer();
    files.items.add(new File([blob], 'dropped-logo.png', { type: 'image/png' }));
    const zone = document.querySelector('.dropzone');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: files, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true }));
  });
  await reloaded;
  const file = page.locator('.assets li', { hasText: 'dropped-logo.png' });
  await file.waitFor();
  assert.equal(await file.locator('img').count(), 1, 'a preview');
  await accessible(page, 'the asset library with a file');
  await page.screenshot({ path: `${shots}/assets.png`, fullPage: true });
  await context.close();
});
