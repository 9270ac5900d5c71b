// End to end: a known profile ingested into the real server is found through the app
// selector, its table shows the expected top functions, and the URL reproduces the view
// (sort, search, view mode) after a reload; Back undoes a time range change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser } from './harness.mjs';

let server;
let browser;

const FOLDED = [
  'main;handle_request;parse_json 300',
  'main;handle_request;render_page 500',
  'main;handle_request 20',
  'main;gc_collect 150',
  'idle 30',
].join('\n') + '\n';

before(async () => {
  server = await startServer(['--no-self-profiling']);
  const now = Math.floor(Date.now() / 1000);
  for (const [app, body] of [['shop.web.cpu', FOLDED], ['other.app.cpu', 'x;y 5\n']]) {
    const r = await fetch(`${server.url}/ingest?name=${encodeURIComponent(app + '{env=e2e}')}&from=${now - 120}&until=${now - 110}&spyName=pyspy&sampleRate=100`,
      { method: 'POST', body });
    assert.equal(r.status, 200);
  }
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Table rows' names, once a row named `expect` (if given) is shown: the previous
 * profile's rows stay on screen while the next one loads, by design. */
async function tableNames(page, expect) {
  if (expect) {
    await page.waitForFunction(n => [...document.querySelectorAll('#fn-table .tr .name')].some(e => e.textContent === n), expect);
  } else {
    await page.waitForSelector('#fn-table .tr');
  }
  return page.$$eval('#fn-table .tr .name', els => els.map(e => e.textContent));
}

test('the app selector finds the app and the table shows its top functions', async () => {
  const { page } = browser;
  await page.goto(server.url + '/');
  // With no app in the URL the first CPU app is chosen (replacing the history entry).
  await page.waitForFunction(() => new URL(location.href).searchParams.get('query') === 'other.app.cpu{}');
  await page.click('#app-selector');
  // A group with a single profile type selects it directly, as the original selector does.
  await page.click('button.link:text-is("shop.web")');
  await page.waitForFunction(() => document.querySelector('#app-selector')?.textContent.includes('shop.web.cpu'));
  assert.equal(new URL(page.url()).searchParams.get('query'), 'shop.web.cpu{}');
  const names = await tableNames(page, 'render_page');
  assert.deepEqual(names.slice(0, 3), ['render_page', 'parse_json', 'gc_collect'], 'sorted by self, descending');
  const firstRow = await page.textContent('#fn-table .tr');
  assert.match(firstRow, /5\.00 seconds/, '500 samples at 100 Hz');
  assert.match(firstRow, /50\.00 %/);
  assert.deepEqual(browser.problems, []);
});

test('sort, search and view mode live in the URL and survive a reload', async () => {
  const { page } = browser;
  await page.click('#fn-table .th[data-sort="Total"]');
  await page.fill('#search-input', 'handle');
  await page.click('[data-view="table"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('view') === 'table');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('sort'), 'total-desc');
  assert.equal(url.searchParams.get('search'), 'handle');
  await page.reload();
  const names = await tableNames(page);
  assert.deepEqual(names, ['handle_request']);
  assert.equal(await page.inputValue('#search-input'), 'handle');
  assert.match(await page.textContent('.th[data-sort="Total"]'), /▼/);
});

test('a time preset changes the range and Back undoes it', async () => {
  const { page } = browser;
  await page.click('#time-picker');
  await page.click('[data-preset="now-24h"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('from') === 'now-24h');
  assert.equal(await page.textContent('#time-picker'), 'Last 24 hours');
  await page.goBack();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('from') === 'now-1h');
  assert.equal(await page.textContent('#time-picker'), 'Last 1 hour');
});

test('a tag value from the tag menu is added to the query', async () => {
  const { page } = browser;
  await page.click('.tag-bar .tag-select');
  await page.click('[data-label="env"]');
  await page.click('[data-value="e2e"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('query') === 'shop.web.cpu{env="e2e"}');
  assert.equal(await page.inputValue('.tag-bar .query'), 'shop.web.cpu{env="e2e"}');
  assert.deepEqual(browser.problems, []);
});

test('"/" focuses the search box', async () => {
  const { page } = browser;
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input');
});

test('?profile=URL opens a profile without choosing an app', async () => {
  const { page } = browser;
  const now = Math.floor(Date.now() / 1000);
  const render = `${server.url}/render?format=json&query=${encodeURIComponent('shop.web.cpu{}')}&from=${now - 3600}&until=${now}`;
  await page.goto(`${server.url}/?profile=${encodeURIComponent(render)}`);
  const names = await tableNames(page, 'render_page');
  assert.equal(names[0], 'render_page');
  assert.equal(new URL(page.url()).searchParams.get('query'), null, 'no app was chosen');
});

test('a folded file opened from disk replaces the view', async () => {
  const { page } = browser;
  await page.setInputFiles('#open-file', { name: 'local.folded', mimeType: 'text/plain', buffer: Buffer.from('a;from_disk 7\na;other 3\n') });
  await page.waitForFunction(() => [...document.querySelectorAll('#fn-table .tr .name')].some(e => e.textContent === 'from_disk'));
  assert.equal((await tableNames(page))[0], 'from_disk');
  assert.deepEqual(browser.problems, []);
});

test('the flamegraph draws the profile, zooms on click and greys non-matches on search', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/?query=${encodeURIComponent('shop.web.cpu{}')}&from=now-1h&until=now`);
  await page.waitForSelector('#flamegraph-pane canvas');
  await page.waitForFunction(() => window.fgBench && typeof window.fgBench.zoomPoint === 'function');
  // handle_request: level 2, after main's self (0) at offset 0 of main (which follows idle? no: children sorted by name)
  const point = await page.evaluate(() => window.fgBench.zoomPoint({ level: 2, offset: 0, total: 820, name: 'handle_request' }, 1000));
  assert.ok(point, 'zoomPoint found handle_request');
  const before = await page.evaluate(({ x, y }) => {
    const c = document.querySelector('#flamegraph-pane canvas');
    const r = c.getBoundingClientRect();
    const px = c.getContext('2d').getImageData((x - r.left) * devicePixelRatio, (y - r.top) * devicePixelRatio, 1, 1).data;
    return Array.from(px);
  }, point);
  assert.notDeepEqual(before.slice(0, 3), [0, 0, 0], 'the bar is painted');
  assert.equal(await page.isDisabled('#reset-view'), true);
  let renders = 0;
  page.on('request', r => { if (r.url().includes('/render?')) renders += 1; });
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction(() => !document.querySelector('#reset-view').disabled);
  await page.click('#reset-view');
  await page.waitForFunction(() => document.querySelector('#reset-view').disabled);

  await page.fill('#search-input', 'parse_json');
  await page.waitForFunction(() => document.querySelector('#search-stats')?.textContent.includes('1 match'));
  assert.match(await page.textContent('#search-stats'), /30\.00 % of samples/);
  assert.equal(new URL(page.url()).searchParams.get('search'), 'parse_json');
  assert.equal(renders, 0, 'zoom and search must not refetch the profile');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#search-stats')?.textContent.includes('1 match'));
  assert.deepEqual(browser.problems, []);
});

test('sandwich view shows callers and callees of the selected function', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/?query=${encodeURIComponent('shop.web.cpu{}')}&from=now-1h&until=now&view=sandwich`);
  await page.waitForSelector('#sandwich-hint');
  await page.click('#fn-table .tr:has(.name:text-is("handle_request"))');
  await page.waitForSelector('#sandwich canvas');
  assert.equal(await page.locator('#sandwich canvas').count(), 2);
  assert.equal(new URL(page.url()).searchParams.get('fn'), 'handle_request');
});

test('a zoomed node is in the URL: the link reopens zoomed and Back un-zooms', async () => {
  const { page } = browser;
  await page.goto(`${server.url}/?query=${encodeURIComponent('shop.web.cpu{}')}&from=now-1h&until=now&view=flamegraph`);
  await page.waitForFunction(() => window.fgBench && typeof window.fgBench.zoomPoint === 'function');
  await page.waitForSelector('#flamegraph-pane canvas');
  const point = await page.evaluate(() => window.fgBench.zoomPoint({ level: 2, offset: 0, total: 820, name: 'handle_request' }, 1000));
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction(() => new URL(location.href).searchParams.get('focus') === 'main;handle_request');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#reset-view') && !document.querySelector('#reset-view').disabled);
  assert.equal(new URL(page.url()).searchParams.get('focus'), 'main;handle_request');
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.get('focus'));
  await page.waitForFunction(() => document.querySelector('#reset-view')?.disabled);
});
