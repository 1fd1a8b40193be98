// Drives bench/console.sh: builds the big vidsheet over the API, then measures the console.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/console-browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const base = process.env.ACE_URL;
const key = process.env.ACE_API_KEY;
const rows = Number(process.env.ROWS ?? 200);

async function api(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const agent = (await api('GET', '/v1/agents'))[0].id;
const q = `?agent_id=${agent}`;
const sheet = (await api('POST', `/v1/autocontentengine${q}`, { spreadsheet: { title: 'Bench grid' } })).id;
for (let n = 1; n <= 7; n++) {
  await api('POST', `/v1/autocontentengine/${sheet}/columns${q}`, { title: `TEXT ${n}`, type: 'text' });
}
const cells = [];
for (let r = 0; r < rows; r++) {
  const row = await api('POST', `/v1/autocontentengine/${sheet}/rows${q}`, {});
  for (const cell of row.spreadsheet_cells.filter((c) => c.cell_role === 'content')) cells.push(cell.id);
}
for (let i = 0; i < cells.length; i += 16) {
  await Promise.all(cells.slice(i, i + 16).map((id, j) => api('PATCH', `/v1/autocontentengine/${sheet}/cells/${id}${q}`,
    { value: `Line ${i + j}: late-night tacos are worth the drive across town` })));
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
/** The bytes of a page and of the stylesheets and scripts it names. */
async function weight(path, cookie = '') {
  const html = await (await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' })).text();
  const assets = [...html.matchAll(/(?:href|src)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]);
  const sizes = await Promise.all(assets.map(async (asset) => (await (await fetch(`${base}${asset}`)).arrayBuffer()).byteLength));
  return Buffer.byteLength(html) + sizes.reduce((sum, size) => sum + size, 0);
}
await page.goto(`${base}/app/sign-in`);
const signInWeight = await weight('/app/sign-in');
await page.getByLabel('API key', { exact: true }).fill(key);
await page.getByRole('button', { name: 'Sign in with the key' }).click();
await page.waitForURL('**/app/workspace');
const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
const workspaceWeight = await weight('/app/workspace', cookie);

const timings = [];
let html = 0;
for (let i = 0; i < 5; i++) {
  await page.goto(`${base}/app/agents/${agent}/sheets/${sheet}`, { waitUntil: 'load' });
  const t = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation');
    return { server: nav.responseStart - nav.requestStart, html: nav.responseEnd - nav.requestStart, ready: nav.domContentLoadedEventEnd - nav.startTime, load: nav.loadEventEnd - nav.startTime, size: nav.transferSize };
  });
  timings.push(t);
  html = t.size;
}
const median = (key) => timings.map((t) => t[key]).sort((a, b) => a - b)[2];
const cellCount = await page.locator('td.cell').count();
console.log(`grid: ${rows} rows x 10 columns = ${cellCount} cells, ${(html / 1024).toFixed(0)} KiB of HTML`);
console.log(`first page (sign-in, signed out): ${(signInWeight / 1024).toFixed(1)} KiB of HTML+CSS+JS (target < 100 KB)`);
console.log(`first signed-in page (workspace, scripts included): ${(workspaceWeight / 1024).toFixed(1)} KiB`);
console.log(`grid load, median of 5: server answer ${median('server').toFixed(0)} ms, HTML received ${median('html').toFixed(0)} ms, DOM ready ${median('ready').toFixed(0)} ms, loaded ${median('load').toFixed(0)} ms (target < 1000 ms)`);
await browser.close();
