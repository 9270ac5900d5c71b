// End to end: the "Scrape targets" page (/service-discovery) of the real release binary.
// Without scrape-configs the server lists no targets and the page says so. The table, its
// badges and "show unhealthy only" are then checked against a /targets answer in the
// original's shape, served to the page by the browser. Last, a second server configured by
// a server.yml file scrapes a real Node.js program (@pyroscope/nodejs's Express pull
// middleware) and a port where nothing listens: the page shows one up and one down, and
// the pulled profiles are stored under the file's application name and labels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, openBrowser, REPO } from './harness.mjs';

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

/** `pull_target.cjs` under node; resolves with its port once it listens. */
function startNodeTarget() {
  const child = spawn(process.execPath, ['pull_target.cjs'], {
    cwd: join(REPO, 'tests/e2e'), stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      const m = out.match(/listening (\d+)/);
      if (m) resolve({ port: Number(m[1]), stop: () => child.stdin.end() });
    });
    child.once('exit', code => reject(new Error(`pull target exited (${code}): ${out}`)));
  });
}

async function waitFor(what, f, ms = 60000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

test('a server.yml scrape job pulls a real Node.js target; the page shows it and a dead one', { timeout: 120000 }, async () => {
  const target = await startNodeTarget();
  const dir = mkdtempSync(join(tmpdir(), 'cinder-scrape-e2e-'));
  const config = join(dir, 'server.yml');
  writeFileSync(config, `scrape-configs:
  - job-name: node
    scrape-interval: 5s
    enabled-profiles: [cpu, mem]
    static-configs:
      - application: e2e.pulled
        spy-name: nodespy
        targets: ["127.0.0.1:${target.port}"]
        labels: {env: e2e}
  - job-name: dead
    scrape-interval: 5s
    enabled-profiles: [cpu]
    static-configs:
      - application: e2e.dead
        targets: ["127.0.0.1:1"]
`);
  const pulling = await startServer(['--config', config, '--no-self-profiling']);
  try {
    const json = async path => (await fetch(pulling.url + path)).json();
    const targets = await waitFor('both jobs scraped', async () => {
      const t = await json('/targets');
      const node = t.filter(x => x.job === 'node');
      return node.length === 2 && node.every(x => x.health === 'up')
        && t.some(x => x.job === 'dead' && x.health === 'down') ? t : null;
    });
    const dead = targets.find(x => x.job === 'dead');
    assert.match(dead.lastError, /refused|connect/i, dead.lastError);
    assert.equal(targets.find(x => x.job === 'node').labels.env, 'e2e');

    const apps = await waitFor('pulled apps', async () => {
      const a = (await json('/api/apps')).map(x => x.name).filter(n => n.startsWith('e2e.pulled.'));
      return a.length >= 2 ? a : null;
    });
    for (const app of apps) {
      const q = encodeURIComponent(`${app}{env="e2e",job="node"}`);
      const r = await json(`/render?format=json&from=now-5m&until=now%2B1m&query=${q}`);
      assert.ok(r.flamebearer.numTicks > 0, `${app} has data`);
      assert.equal(r.metadata.spyName, 'nodespy');
    }
    assert.deepEqual(await json('/api/apps').then(a => a.filter(x => x.name.startsWith('e2e.dead'))), []);

    const { page } = browser;
    await page.unroute('**/targets');
    await page.goto(pulling.url + '/service-discovery');
    await page.waitForSelector('.targets-table');
    await page.check('#unhealthy-only');
    await page.waitForFunction(() => document.querySelectorAll('.targets-table tbody tr').length === 1);
    assert.match(await page.textContent('.targets-table tbody tr'), /127\.0\.0\.1:1\/.*down/);
    await page.uncheck('#unhealthy-only');
    await page.waitForFunction(() => document.querySelectorAll('.targets-table tbody tr').length === 3);
    assert.equal(await page.locator('.targets-table .badge.up').count(), 2);
  } finally {
    await pulling.stop();
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
