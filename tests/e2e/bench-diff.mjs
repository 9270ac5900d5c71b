// Time from both trees in memory to the diff on screen, in the release app in headless
// Chromium: opens `/comparison-diff?leftProfile=…&rightProfile=…` on the real binary and
// reads the page's `cinder-diff-start` (both trees decoded) and `cinder-diff-painted`
// (the frame with the diff has been shown) performance marks. Best and median of RUNS.
//
//   node tests/e2e/bench-diff.mjs LEFT.json RIGHT.json [RUNS]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

const [left, right, runsArg] = process.argv.slice(2);
if (!left || !right) {
  console.error('usage: node bench-diff.mjs LEFT.json RIGHT.json [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const files = [left, right];
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
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const times = [];
  let union = '';
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const q = new URLSearchParams({ leftProfile: `${base}/0/${basename(left)}`, rightProfile: `${base}/1/${basename(right)}` });
    await page.goto(`${server.url}/comparison-diff?${q}`);
    await page.waitForFunction(() => performance.getEntriesByName('cinder-diff-painted').length > 0, null, { timeout: 120000 });
    const ms = await page.evaluate(() => performance.getEntriesByName('cinder-diff-painted')[0].startTime
      - performance.getEntriesByName('cinder-diff-start')[0].startTime);
    times.push(ms);
    await page.waitForSelector('#diff-table .tfoot');
    union = await page.textContent('#diff-table .tfoot');
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(`diff ${basename(left)} vs ${basename(right)} (${union}): best ${times[0].toFixed(1)} ms, median ${times[Math.floor(times.length / 2)].toFixed(1)} ms over ${runs} runs`);
} finally {
  await browser.close();
  await server.stop();
  statics.close();
}
