// Memory of the web app holding a big profile: the render benchmark's heap column counts only
// the JavaScript heap, so this opens `/?profile=` on the real release binary and reports the
// JS heap (after a GC) and the wasm linear memory (its high-water mark: wasm memory never
// shrinks), once the flamegraph and the function table are built.
//
//   node tests/e2e/bench-memory.mjs PROFILE.json [PROFILE.json ...]
//   node tests/e2e/bench-memory.mjs --diff LEFT.json RIGHT.json
//
// The second form opens `/comparison-diff?leftProfile=…&rightProfile=…` instead: both sides'
// trees, their diff, its flamegraph and the diff table.
// (`make bench-memory` runs both: the render benchmark's generated 100k and 500k profiles,
// and the 500k profile against its perturbed copy from `bench_diff_profiles`.)
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

const diffMode = process.argv[2] === '--diff';
const files = process.argv.slice(diffMode ? 3 : 2);
if (files.length === 0 || (diffMode && files.length !== 2)) {
  console.error('usage: node bench-memory.mjs PROFILE.json ... | --diff LEFT.json RIGHT.json');
  process.exit(2);
}
// The profiles come from another origin, as in the render benchmark.
const statics = createServer((req, res) => {
  const file = files.find((f, i) => req.url === `/${i}/${basename(f)}`);
  res.setHeader('access-control-allow-origin', '*');
  if (!file) { res.statusCode = 404; res.end(); return; }
  res.setHeader('content-type', 'application/json');
  res.end(readFileSync(file));
});
await new Promise(ok => statics.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${statics.address().port}`;
const server = await startServer(['--no-self-profiling']);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc'],
});
try {
  const opens = diffMode
    ? [{
      label: `diff ${basename(files[0])} vs ${basename(files[1])}`,
      path: `/comparison-diff?${new URLSearchParams({ leftProfile: `${base}/0/${basename(files[0])}`, rightProfile: `${base}/1/${basename(files[1])}` })}`,
      ready: '#diff-table .tbody .tr, #diff-table .tbody [data-name]',
    }]
    : files.map((file, i) => ({
      label: basename(file),
      path: `/?profile=${encodeURIComponent(`${base}/${i}/${basename(file)}`)}`,
      ready: '#fn-table .tbody .tr, #fn-table .tbody [data-name]',
    }));
  for (const open of opens) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.addInitScript(() => addEventListener('TrunkApplicationStarted', e => { window.__wasm = e.detail.wasm; }));
    await page.goto(`${server.url}${open.path}`);
    await page.waitForFunction(sel => document.querySelector(sel), open.ready, { timeout: 180000 });
    await page.waitForTimeout(500);
    await page.evaluate(() => window.gc && window.gc());
    const cdp = await page.context().newCDPSession(page);
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.__wasm?.memory?.buffer.byteLength ?? NaN);
    const mb = n => (n / 1048576).toFixed(1);
    console.log(`${open.label}: JS heap ${mb(usedSize)} MB + wasm memory ${mb(wasm)} MB = ${mb(usedSize + wasm)} MB`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
  statics.close();
}
