// End to end: the comparison view and chunked reselection against the real server.
// - `/comparison` shows both sides side by side with synced search, "compare with N
//   prior" and a toggle to the diff view that keeps both selections.
// - A side over a server query is built from cached time chunks: reselecting fetches only
//   the selection's unaligned edges and chunks not cached yet, and the numbers equal a
//   `/render` of exactly the new selection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser } from './harness.mjs';

let server;
let browser;
const now = Math.floor(Date.now() / 1000);
const APP = 'cmpapp.cpu';
// With the main range `now-24h` the chunk grid is 300 s (86400 s / 360 chunks → 240 s → 300 s).
const CHUNK = 300;
const c0 = Math.floor((now - 1200) / CHUNK) * CHUNK;
const INGESTS = [
  ['main;work;base 100', now - 3600],
  ['main;work;early 40', c0 + 100],   // in the first selection's leading edge only
  ['main;work;pre 30', c0 + 310],     // in a chunk of the first selection, before the second
  ['main;work;mid 70', c0 + 400],     // in the second selection's leading edge
  ['main;work;late 20', now - 300],   // in whole chunks of both
  ['main;work;edge 7', c0 + 640],     // in the leading edge of a selection from c0 + 630 (60 s chunks)
  ['main;work;eu 5', now - 7200, '{region=eu}'], // in no selection: only its label is used
];
const FIRST = { from: c0 + 30, until: now };
const SECOND = { from: c0 + 330, until: now };

before(async () => {
  server = await startServer(['--no-self-profiling']);
  for (const [body, from, labels = '{}'] of INGESTS) {
    const r = await fetch(`${server.url}/ingest?name=${encodeURIComponent(APP + labels)}&from=${from}&until=${from + 10}&spyName=gospy&sampleRate=100`,
      { method: 'POST', body: body + '\n' });
    assert.equal(r.status, 200);
  }
  browser = await openBrowser();
  browser.watchResponses();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function params(right) {
  return new URLSearchParams({
    query: `${APP}{}`, from: 'now-24h', until: 'now',
    leftFrom: String(now - 3700), leftUntil: String(now - 3000),
    rightFrom: String(right.from), rightUntil: String(right.until),
  });
}

/** `[from, until]` of every chunked `/render` request (untruncated) from now on. */
function recordRenders(page) {
  const seen = [];
  page.on('request', r => {
    const u = new URL(r.url());
    if (u.pathname === '/render' && u.searchParams.get('max-nodes') === '-1') {
      seen.push([Number(u.searchParams.get('from')), Number(u.searchParams.get('until'))]);
    }
  });
  return seen;
}

async function rowText(page, name) {
  const sel = `#diff-table .tr[data-name="${name}"]`;
  await page.waitForSelector(sel);
  return (await page.$$eval(`${sel} .td`, tds => tds.map(t => t.textContent))).slice(1);
}

/** Per-function totals and the total of a `/render` of exactly `w`, from its flamebearer. */
async function renderTotals(w) {
  const r = await fetch(`${server.url}/render?format=json&max-nodes=-1&query=${encodeURIComponent(APP + '{}')}&from=${w.from}&until=${w.until}`);
  const { flamebearer: fb } = await r.json();
  const totals = {};
  for (const level of fb.levels) {
    for (let i = 0; i < level.length; i += 4) {
      const name = fb.names[level[i + 3]];
      totals[name] = (totals[name] ?? 0) + level[i + 1];
    }
  }
  return { totals, numTicks: fb.numTicks };
}

test('reselecting fetches only new edges and uncached chunks, and equals /render of the selection', async () => {
  const { page } = browser;
  const renders = recordRenders(page);
  await page.goto(`${server.url}/comparison-diff?${params(FIRST)}`);
  await page.waitForSelector('#diff-table .tr[data-name="early"]');
  const first = renders.splice(0);
  const chunks = first.filter(([f, u]) => u - f === CHUNK && f % CHUNK === 0).map(String);
  assert.ok(chunks.length >= 3, `chunks fetched: ${first.length}`);
  assert.ok(first.some(([f, u]) => f === FIRST.from && u === c0 + CHUNK), 'the leading edge is its own window');

  // Move the comparison selection's start by 300 s (the right side's "from" field).
  await page.fill('#right-side [data-field="from"]', String(SECOND.from));
  await page.press('#right-side [data-field="from"]', 'Enter');
  await page.waitForFunction(() => !document.querySelector('#diff-table .tr[data-name="early"]'));
  await page.waitForSelector('#diff-table .tr[data-name="mid"]');
  const again = renders.splice(0);
  assert.deepEqual(again.filter(([f, u]) => chunks.includes(String([f, u]))), [], 'no cached chunk is fetched again');
  assert.ok(again.some(([f, u]) => f === SECOND.from && u === c0 + 2 * CHUNK), 'the new leading edge');
  assert.ok(again.every(([f, u]) => u - f < CHUNK), `only edges: ${JSON.stringify(again)}`);

  // The numbers are those of a /render of exactly the new selection.
  const { totals, numTicks } = await renderTotals(SECOND);
  assert.equal(totals.pre, undefined, 'pre lies before the new selection');
  const share = n => `${(100 * n / numTicks).toFixed(2)} %`;
  for (const name of ['mid', 'late', 'work']) {
    assert.equal((await rowText(page, name))[3], share(totals[name]), name);
  }
  assert.equal(await page.locator('#diff-table .tr[data-name="pre"]').count(), 0);
  assert.deepEqual(browser.problems, []);
});

test('dragging the comparison selection on the main timeline refetches no cached chunk', async () => {
  const { page } = browser;
  const renders = recordRenders(page);
  await page.goto(`${server.url}/comparison-diff?${params(FIRST)}`);
  await page.waitForSelector('#diff-table .tr[data-name="early"]');
  await page.waitForFunction(() => document.querySelector('#compare-timeline .sel-right')?.style.width);
  const fetched = new Set(renders.splice(0).filter(([f, u]) => u - f === CHUNK).map(String));
  const box = await page.$eval('#compare-timeline .sel-right', e => { const b = e.getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; });
  // Move it 12 px earlier (about 800 s at 24 h over the plot's width).
  await page.mouse.move(box.x, box.y);
  await page.mouse.down();
  await page.mouse.move(box.x - 6, box.y);
  await page.mouse.move(box.x - 12, box.y);
  await page.mouse.up();
  await page.waitForFunction(f => new URL(location.href).searchParams.get('rightFrom') !== String(f), FIRST.from);
  const q = new URL(page.url()).searchParams;
  const moved = { from: Number(q.get('rightFrom')), until: Number(q.get('rightUntil')) };
  assert.ok(moved.from < FIRST.from && moved.until - moved.from === Math.ceil(FIRST.until / 10) * 10 - FIRST.from,
    `moved earlier, same length: ${JSON.stringify(moved)}`);
  await page.waitForFunction(() => !document.querySelector('.chunk-progress'));
  const { totals, numTicks } = await renderTotals(moved);
  const share = n => `${(100 * n / numTicks).toFixed(2)} %`;
  for (const name of Object.keys(totals).filter(n => n !== 'total')) {
    await page.waitForFunction(n => document.querySelector(`#diff-table .tr[data-name="${n}"]`), name);
    assert.equal((await rowText(page, name))[3], share(totals[name]), name);
  }
  const again = renders.splice(0);
  assert.deepEqual(again.filter(w => fetched.has(String(w))), [], 'no cached chunk is fetched again');
  assert.ok(again.length > 0, "the new part of the selection is fetched");
  assert.deepEqual(browser.problems, []);
});

test('while its edge is dragged, the selection previews its cached chunks without a request', async () => {
  const { page } = browser;
  const renders = recordRenders(page);
  await page.goto(`${server.url}/comparison-diff?${params(FIRST)}`);
  await page.waitForSelector('#diff-table .tr[data-name="pre"]');
  await page.waitForSelector('#diff-table .tr[data-name="mid"]');
  await page.waitForFunction(() => !document.querySelector('.chunk-progress'));
  const sel = await page.$eval('#compare-timeline .sel-right', e => { const b = e.getBoundingClientRect(); return { x: b.x, y: b.y + b.height / 2, w: b.width }; });
  // Resize the start from c0 + 30 to about c0 + 750: the whole chunks left are c0 + 900 on,
  // all cached; `pre` (c0 + 310) and `mid` (c0 + 400) lie before them, `late` inside.
  const secondsPerPx = (FIRST.until - FIRST.from) / sel.w;
  renders.splice(0);
  await page.mouse.move(sel.x + 1, sel.y);
  await page.mouse.down();
  await page.mouse.move(sel.x + 1 + 360 / secondsPerPx, sel.y);
  await page.mouse.move(sel.x + 1 + 720 / secondsPerPx, sel.y);
  await page.waitForFunction(() => !document.querySelector('#diff-table .tr[data-name="pre"]'));
  assert.equal(await page.locator('#diff-table .tr[data-name="mid"]').count(), 0);
  assert.equal(await page.locator('#diff-table .tr[data-name="late"]').count(), 1);
  assert.deepEqual(renders.splice(0), [], 'the preview sends no request');
  assert.equal(new URL(page.url()).searchParams.get('rightFrom'), String(FIRST.from), 'nothing is committed while dragging');

  // Released: the exact window is loaded (its new leading edge fetched) and shown.
  await page.mouse.up();
  await page.waitForFunction(f => new URL(location.href).searchParams.get('rightFrom') !== String(f), FIRST.from);
  const q = new URL(page.url()).searchParams;
  const moved = { from: Number(q.get('rightFrom')), until: Number(q.get('rightUntil')) };
  await page.waitForFunction(() => !document.querySelector('.chunk-progress'));
  await page.waitForFunction(() => document.querySelector('#diff-table .tr[data-name="late"]'));
  const { totals, numTicks } = await renderTotals(moved);
  const share = n => `${(100 * n / numTicks).toFixed(2)} %`;
  await page.waitForFunction(([n, want]) => document.querySelectorAll(`#diff-table .tr[data-name="${n}"] .td`)[4]?.textContent === want,
    ['late', share(totals.late)]);
  assert.ok(renders.some(([f]) => f === moved.from), `the new leading edge is fetched: ${JSON.stringify(renders)}`);
  assert.deepEqual(browser.problems, []);
});

test('a selection moved away and back shows its exact window again', async () => {
  const { page } = browser;
  // A 6 h main range (60 s chunks), so the selection is wide enough on screen to move.
  const q = params(FIRST);
  q.set('from', 'now-6h');
  await page.goto(`${server.url}/comparison-diff?${q}`);
  await page.waitForSelector('#diff-table .tr[data-name="pre"]');
  await page.waitForFunction(() => !document.querySelector('.chunk-progress'));
  // Narrow the selection to start after `pre` and `mid` (their chunks stay cached) and end
  // on the 10 s grid, so a move back to where it was gives exactly the same window.
  const from = c0 + 630;
  const until = Math.floor(now / 10) * 10;
  await page.fill('#right-side [data-field="until"]', String(until));
  await page.press('#right-side [data-field="until"]', 'Enter');
  await page.waitForFunction(u => new URL(location.href).searchParams.get('rightUntil') === String(u), until);
  await page.fill('#right-side [data-field="from"]', String(from));
  await page.press('#right-side [data-field="from"]', 'Enter');
  await page.waitForFunction(() => !document.querySelector('#diff-table .tr[data-name="pre"]'));
  await page.waitForFunction(() => !document.querySelector('.chunk-progress'));
  await page.waitForSelector('#diff-table .tr[data-name="edge"]');
  const before = await rowText(page, 'late');
  const sel = await page.$eval('#compare-timeline .sel-right', e => { const b = e.getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2, w: b.width }; });
  const secondsPerPx = (until - from) / sel.w;
  // Moved about 400 s earlier, the preview shows the cached chunks of `pre` and `mid`.
  await page.mouse.move(sel.x, sel.y);
  await page.mouse.down();
  await page.mouse.move(sel.x - 400 / secondsPerPx, sel.y);
  await page.waitForSelector('#diff-table .tr[data-name="mid"]');
  // Back where it was and released: the same window, loaded exactly again.
  await page.mouse.move(sel.x, sel.y);
  await page.mouse.up();
  await page.waitForFunction(() => !document.querySelector('#diff-table .tr[data-name="mid"]'));
  // `edge` lies in the window's leading edge, which only the exact load reads.
  await page.waitForSelector('#diff-table .tr[data-name="edge"]');
  const after = new URL(page.url()).searchParams;
  assert.deepEqual([after.get('rightFrom'), after.get('rightUntil')], [String(from), String(until)]);
  await page.waitForFunction(() => !document.querySelector('.chunk-progress'));
  assert.deepEqual(await rowText(page, 'late'), before);
  assert.deepEqual(browser.problems, []);
});

test('each side has its own tag bar: a tag narrows only that side\'s query', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/comparison-diff?${params(FIRST)}`);
  await page.waitForSelector('#diff-table .tr[data-name="late"]');
  await page.click('#right-side .tag-select');
  await page.click('#right-side [data-label="region"]');
  await page.click('#right-side [data-value="eu"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('rightQuery') === 'cmpapp.cpu{region="eu"}');
  assert.equal(new URL(page.url()).searchParams.get('leftQuery') ?? '', '', 'the baseline keeps the main query');
  assert.equal(await page.inputValue('#right-side .tag-bar .query'), 'cmpapp.cpu{region="eu"}');
  assert.equal(await page.inputValue('#left-side .tag-bar .query'), `${APP}{}`);
  // The comparison now reads only region=eu, which has no data in its window.
  await page.waitForFunction(() => !document.querySelector('#diff-table .tr[data-name="late"]'));
  assert.equal(await page.locator('#diff-table .tr[data-name="base"]').count(), 1, 'the baseline is unchanged');
  assert.deepEqual(browser.problems, []);
});

test('the comparison view: side by side, synced search, compare with prior, toggle to diff', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/comparison?${params(FIRST)}`);
  await page.waitForSelector('#left-flamegraph-pane canvas');
  await page.waitForSelector('#right-flamegraph-pane canvas');
  const [l, r] = await Promise.all(['#left-flamegraph-pane', '#right-flamegraph-pane']
    .map(s => page.$eval(s, e => { const b = e.getBoundingClientRect(); return { x: b.x, y: b.y }; })));
  assert.ok(l.x < r.x && Math.abs(l.y - r.y) < 2, 'side by side at 1280 px');

  await page.fill('#left-search', 'work');
  await page.waitForFunction(() => document.querySelector('#right-search').value === 'work');
  await page.click('#sync-search');
  await page.waitForFunction(() => new URL(location.href).searchParams.has('rightSearch'));
  await page.fill('#right-search', 'late');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('rightSearch') === 'late');
  assert.equal(await page.inputValue('#left-search'), 'work');

  await page.selectOption('#compare-prior', '1 hour');
  await page.waitForFunction(f => new URL(location.href).searchParams.get('leftFrom') === String(f), FIRST.from - 3600);

  await page.click('#to-diff');
  await page.waitForFunction(() => location.pathname === '/comparison-diff');
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('leftFrom'), String(FIRST.from - 3600));
  assert.equal(q.get('rightFrom'), String(FIRST.from));
  await page.goBack();
  await page.waitForFunction(() => location.pathname === '/comparison');

  // Narrow windows stack the panes.
  await page.setViewportSize({ width: 900, height: 800 });
  const [l2, r2] = await Promise.all(['#left-flamegraph-pane', '#right-flamegraph-pane']
    .map(s => page.$eval(s, e => e.getBoundingClientRect().y)));
  assert.ok(r2 > l2, 'stacked below 1200 px');
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(browser.problems, []);
});
