// End to end: the "Scrape targets" page (/service-discovery) of the real release binary.
// Without scrape-configs the server lists no targets and the page says so. The table, its
// badges and "show unhealthy only" are then checked against a /targets answer in the
// original's shape, served to the page by the browser (the server's scraping itself is
// tested in crates/server/tests/scrape.rs against live loopback targets).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const TARGETS = [
  {
    job: 'checkout', url: 'http://10.0.0.5:6060/debug/pprof/profile?seconds=10',
    discoveredLabels: { __address__: '10.0.0.5:6060', job: 'checkout' },
    labels: { env: 'prod', instance: '10.0.0.5:6060', job: 'checkout' },
    health: 'up', lastScrape: new Date(Date.now() - 4000).toISOString().replace(/\.\d+Z$/, 'Z'),
    lastError: '', lastScrapeDuration: '10.012s',
  },
  {
    job: 'checkout', url: 'http://10.0.0.6:6060/debug/pprof/heap',
    discoveredLabels: {}, labels: { instance: '10.0.0.6:6060', job: 'checkout' },
    health: 'down', lastScrape: new Date(Date.now() - 2000).toISOString().replace(/\.\d+Z$/, 'Z'),
    lastError: 'server returned HTTP status 500 Internal Server Error', lastScrapeDuration: '3ms',
  },
  {
    job: 'billing', url: 'http://10.0.1.9:6060/debug/pprof/heap',
    discoveredLabels: {}, labels: { instance: '10.0.1.9:6060', job: 'billing' },
    health: 'up', lastScrape: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    lastError: '', lastScrapeDuration: '41ms',
  },
];

test('the nav link opens the page, which says when nothing is scraped', async () => {
  browser.watchResponses();
  const { page } = browser;
  assert.deepEqual(await (await fetch(`${server.url}/targets`)).json(), []);
  await page.goto(server.url + '/');
  await page.click('.mainnav a[href="/service-discovery"]');
  await page.waitForSelector('#no-targets', { timeout: 20000 });
  assert.equal(new URL(page.url()).pathname, '/service-discovery');
  assert.equal(await page.textContent('h1'), 'Scrape targets');
  assert.deepEqual(browser.problems, []);
});

test('targets are listed per job; "show unhealthy only" keeps the down one', async () => {
  const { page } = browser;
  await page.route('**/targets', route => route.fulfill({ json: TARGETS }));
  await page.click('#refresh-targets');
  await page.waitForSelector('.targets-table');
  const jobs = await page.$$eval('.job-name', hs => hs.map(h => h.textContent));
  assert.deepEqual(jobs, ['checkout 1/2 up', 'billing 1/1 up']);
  const rows = await page.$$eval('.targets-table tbody tr', trs => trs.map(tr =>
    [...tr.querySelectorAll('td')].map(td => td.textContent)));
  assert.equal(rows.length, 3);
  assert.equal(rows[0][0], TARGETS[0].url);
  assert.equal(rows[0][1], 'up');
  assert.equal(rows[0][2], 'env=prodinstance=10.0.0.5:6060job=checkout');
  assert.match(rows[0][3], /^\d+s ago$/);
  assert.equal(rows[0][4], '10.012s');
  assert.equal(rows[1][5], 'server returned HTTP status 500 Internal Server Error');
  assert.equal(await page.getAttribute('.targets-table tbody tr:nth-child(2) .badge', 'class'), 'badge down');

  await page.check('#unhealthy-only');
  await page.waitForFunction(() => document.querySelectorAll('.targets-table tbody tr').length === 1);
  const left = await page.$$eval('.targets-table tbody tr td:first-child', tds => tds.map(td => td.textContent));
  assert.deepEqual(left, [TARGETS[1].url]);
  assert.deepEqual(await page.$$eval('.job-name', hs => hs.map(h => h.textContent)), ['checkout 1/2 up']);
  await page.uncheck('#unhealthy-only');
  await page.waitForFunction(() => document.querySelectorAll('.targets-table tbody tr').length === 3);
  assert.deepEqual(browser.problems, []);
});
