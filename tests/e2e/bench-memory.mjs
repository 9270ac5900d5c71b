// Memory of the web app holding a big profile: the render benchmark's heap column counts only
// the JavaScript heap, so this opens `/?profile=` on the real release binary and reports the
// JS heap (after a GC) and the wasm linear memory (its high-water mark: wasm memory never
// shrinks), once the flamegraph and the function table are built.
//
//   node tests/e2e/bench-memory.mjs PROFILE.json [PROFILE.json ...]
//
// (`make bench-memory` runs it on the render benchmark's generated 100k and 500k profiles.)
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench-memory.mjs PROFILE.json ...');
  process.exit(2);
}
// The profiles come from another origin, as in the render benchmark.
const statics = createServer((req, res) => {
  const file = files.find(f => req.url === `/${basename(f)}`);
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
  for (const file of files) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.addInitScript(() => addEventListener('TrunkApplicationStarted', e => { window.__wasm = e.detail.wasm; }));
    await page.goto(`${server.url}/?profile=${encodeURIComponent(`${base}/${basename(file)}`)}`);
    await page.waitForFunction(() => document.querySelector('#fn-table .tbody .tr, #fn-table .tbody [data-name]'), null, { timeout: 120000 });
    await page.waitForTimeout(500);
    await page.evaluate(() => window.gc && window.gc());
    const cdp = await page.context().newCDPSession(page);
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.__wasm?.memory?.buffer.byteLength ?? NaN);
    const mb = n => (n / 1048576).toFixed(1);
    console.log(`${basename(file)}: JS heap ${mb(usedSize)} MB + wasm memory ${mb(wasm)} MB = ${mb(usedSize + wasm)} MB`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
  statics.close();
}
