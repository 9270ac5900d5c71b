// End to end: the diff view against the real server. One workload is ingested in an
// earlier window and a changed one later (`grow` goes from 10 % to 30 %, `new_fn` appears,
// `old_fn` disappears, and the later window has twice the samples); the diff is opened
// from a URL with the original's parameter names and checked from the page: the colours
// of the pixels under named bars, the tooltip and the table. The diff is computed in the
// browser: no `/render-diff` request may be sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser } from './harness.mjs';

let server;
let browser;
const now = Math.floor(Date.now() / 1000);
const APP = 'diffapp.cpu';
const BASELINE = ['main;work;grow 100', 'main;work;steady 800', 'main;old_fn 100'].join('\n') + '\n';
const COMPARISON = ['main;work;grow 600', 'main;work;steady 1200', 'main;new_fn 200'].join('\n') + '\n';
const LEFT = { from: now - 3700, until: now - 3000 };
const RIGHT = { from: now - 700, until: now - 500 };

// Union layout (bars are baseline + comparison wide, children sorted by name):
// level 2: new_fn [0, 200), old_fn [200, 300), work [300, 3000); level 3: grow [300, 1000),
// steady [1000, 3000).
const BARS = {
  new_fn: { level: 2, offset: 0, total: 200 },
  old_fn: { level: 2, offset: 200, total: 100 },
  grow: { level: 3, offset: 300, total: 700 },
  steady: { level: 3, offset: 1000, total: 2000 },
};

before(async () => {
  server = await startServer(['--no-self-profiling']);
  for (const [body, from] of [[BASELINE, now - 3600], [COMPARISON, now - 600]]) {
    const r = await fetch(`${server.url}/ingest?name=${encodeURIComponent(APP + '{}')}&from=${from}&until=${from + 10}&spyName=gospy&sampleRate=100`,
      { method: 'POST', body });
    assert.equal(r.status, 200);
  }
  browser = await openBrowser();
  browser.watchResponses();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function diffUrl(extra = '') {
  const q = new URLSearchParams({
    query: `${APP}{}`,
    leftFrom: String(LEFT.from), leftUntil: String(LEFT.until),
    rightFrom: String(RIGHT.from), rightUntil: String(RIGHT.until),
  });
  return `${server.url}/comparison-diff?${q}${extra}`;
}

/** The page point of a named bar's centre (scrolled into view), via the flamegraph hook. */
async function barPoint(page, name) {
  await page.waitForFunction(() => window.fgBench && typeof window.fgBench.zoomPoint === 'function');
  const point = await page.evaluate(t => window.fgBench.zoomPoint(t, 3000), { ...BARS[name], name });
  assert.ok(point, `${name} is drawn`);
  return point;
}

/** The canvas pixel (r, g, b) near the bottom edge of the bar centred at a page point (below
 * its label's text), sampled after the next frame. */
async function pixel(page, { x, y: centre }) {
  const y = centre + 8;
  return page.evaluate(async ({ x, y }) => {
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const c = document.querySelector('#diff-flamegraph-pane canvas');
    const r = c.getBoundingClientRect();
    const d = c.getContext('2d').getImageData(Math.floor((x - r.left) * devicePixelRatio), Math.floor((y - r.top) * devicePixelRatio), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, { x, y });
}

async function rowText(page, name) {
  const sel = `#diff-table .tr[data-name="${name}"]`;
  await page.waitForSelector(sel);
  return (await page.$$eval(`${sel} .td`, tds => tds.map(t => t.textContent))).slice(1);
}

test('the diff of two windows is coloured by change, with the right numbers', async () => {
  const { page } = browser;
  const diffRequests = [];
  page.on('request', r => { if (r.url().includes('/render-diff')) diffRequests.push(r.url()); });
  await page.goto(diffUrl());
  await page.waitForSelector('#diff-flamegraph-pane canvas');
  await page.waitForSelector('#diff-table .tr[data-name="grow"]');

  // Proportional (default): grow 10 % → 30 % is +200 %, drawn at the top of the scale.
  assert.deepEqual(await pixel(page, await barPoint(page, 'grow')), [200, 0, 0], 'grow is "slower" red');
  assert.deepEqual(await pixel(page, await barPoint(page, 'new_fn')), [190, 0, 140], 'new colour');
  assert.deepEqual(await pixel(page, await barPoint(page, 'old_fn')), [0, 110, 120], 'removed colour');
  // steady: 80 % → 60 % is −25 %, a quarter of the way from grey to green.
  assert.deepEqual(await pixel(page, await barPoint(page, 'steady')), [111, 149, 107], 'steady is "faster"');

  assert.deepEqual(await rowText(page, 'grow'), ['10.00 %', '10.00 %', '30.00 %', '30.00 %', '+200.00%']);
  assert.deepEqual((await rowText(page, 'new_fn')).slice(2), ['10.00 %', '10.00 %', '(new)']);
  assert.deepEqual((await rowText(page, 'old_fn')).slice(0, 2).concat((await rowText(page, 'old_fn')).slice(4)), ['10.00 %', '10.00 %', '(removed)']);
  // Sorted by change, descending: new first, removed last.
  const names = await page.$$eval('#diff-table .tr .name', els => els.map(e => e.textContent));
  assert.equal(names[0], 'new_fn');
  assert.equal(names.at(-1), 'old_fn');

  // The tooltip: both sides' share and value, and the change, uncapped.
  const grow = await barPoint(page, 'grow');
  await page.mouse.move(grow.x, grow.y);
  await page.waitForSelector('.flamegraph-tooltip');
  const tip = await page.textContent('.flamegraph-tooltip');
  assert.match(tip, /grow/);
  assert.match(tip, /Baseline10\.00% · 1\.00 second · 100/);
  assert.match(tip, /Comparison30\.00% · 6\.00 seconds · 600/);
  assert.match(tip, /Change\+200\.00%/);
  await page.mouse.move(0, 0);

  // The legend is always there, in words.
  const legend = await page.textContent('#diff-legend');
  for (const word of ['faster', 'slower', 'new', 'removed', '-100%', '+100%']) assert.ok(legend.includes(word), word);
  assert.deepEqual(diffRequests, [], 'the diff is computed in the browser');
  assert.deepEqual(browser.problems, []);
});

test('absolute colouring, the colour-blind palette and the noise threshold live in the URL', async () => {
  const { page } = browser;
  await page.goto(diffUrl());
  await page.waitForSelector('#diff-table .tr[data-name="grow"]');
  // Absolute: steady 800 → 1200 samples is +50 % (more time), though its share fell.
  await page.selectOption('#diff-mode', 'absolute');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('colorMode') === 'absolute');
  assert.equal((await rowText(page, 'steady'))[4], '+50.00%');
  assert.deepEqual(await pixel(page, await barPoint(page, 'steady')), [174, 71, 71]);
  assert.equal((await rowText(page, 'grow'))[4], '+500.00%');

  await page.selectOption('#diff-palette', 'colorblind');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('palette') === 'colorblind');
  assert.deepEqual(await pixel(page, await barPoint(page, 'grow')), [220, 50, 32]);

  // Back (twice) to proportional; a 15-point noise threshold greys new_fn (0 % → 10 %: 10
  // points) but not grow (10 % → 30 %: 20 points).
  await page.goBack();
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.get('colorMode'));
  await page.fill('#diff-threshold', '15');
  await page.press('#diff-threshold', 'Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('threshold') === '15');
  assert.deepEqual(await pixel(page, await barPoint(page, 'new_fn')), [148, 142, 142], '10 points < 15: grey');
  assert.deepEqual(await pixel(page, await barPoint(page, 'grow')), [200, 0, 0], '20 points ≥ 15: coloured');
  assert.deepEqual(browser.problems, []);
});

test('search and a selected row highlight bars; a zoom is in the URL', async () => {
  const { page } = browser;
  await page.goto(diffUrl('&search=grow'));
  await page.waitForSelector('#diff-table .tr[data-name="grow"]');
  assert.deepEqual(await page.$$eval('#diff-table .tr .name', els => els.map(e => e.textContent)), ['grow']);
  assert.deepEqual(await pixel(page, await barPoint(page, 'steady')), [200, 200, 200], 'a search miss is grey');
  assert.deepEqual(await pixel(page, await barPoint(page, 'grow')), [200, 0, 0], 'a match keeps its colour');
  const grow = await barPoint(page, 'grow');
  await page.mouse.click(grow.x, grow.y);
  await page.waitForFunction(() => new URL(location.href).searchParams.get('focus') === 'main;work;grow');
  assert.equal(await page.isDisabled('#reset-view'), false);
});

test('two profile URLs (any ?profile= source) and two files open the same diff', async () => {
  const { page } = browser;
  const render = w => `/render?format=json&query=${encodeURIComponent(APP + '{}')}&from=${w.from}&until=${w.until}`;
  await page.goto(`${server.url}/comparison-diff?leftProfile=${encodeURIComponent(render(LEFT))}&rightProfile=${encodeURIComponent(render(RIGHT))}`);
  assert.deepEqual(await rowText(page, 'grow'), ['10.00 %', '10.00 %', '30.00 %', '30.00 %', '+200.00%']);
  assert.equal(await page.getAttribute('[data-single="left"]', 'href'), `/?profile=${encodeURIComponent(render(LEFT))}`);

  await page.goto(`${server.url}/comparison-diff`);
  await page.waitForSelector('#diff-waiting');
  await page.setInputFiles('#open-left-file', { name: 'a.folded', mimeType: 'text/plain', buffer: Buffer.from('x;kept 5\nx;gone 5\n') });
  await page.setInputFiles('#open-right-file', { name: 'b.folded', mimeType: 'text/plain', buffer: Buffer.from('x;kept 5\nx;added 15\n') });
  assert.equal((await rowText(page, 'added'))[4], '(new)');
  assert.equal((await rowText(page, 'gone'))[4], '(removed)');
  assert.equal((await rowText(page, 'kept'))[4], '-50.00%');
  assert.deepEqual(browser.problems, []);
});
