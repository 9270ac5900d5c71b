#!/usr/bin/env node
// Cinder's render benchmark (`make bench-render`): first paint, click-zoom, search and
// memory of our app, @pyroscope/flamegraph and speedscope on the same generated profiles,
// in the same run, in headless Debian Chromium; plus a diff scenario. See ../README.md.
//
//   node bench/render/run.mjs --profiles DIR --cinder BIN [--sizes 100000,500000] [--runs 3]
//
// DIR holds the generator's <n>.json, <n>.folded.txt and <n>.meta.json, and diff.json /
// diff-right.json (from the bench_diff_profiles example; the left side is 100000.json).
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { TARGETS } from './targets.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const a = { sizes: [100000, 500000], runs: 3, timeout: 180, chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--sizes') a.sizes = v.split(',').map(Number);
    else if (k === '--runs') a.runs = Number(v);
    else if (k === '--profiles') a.profiles = path.resolve(v);
    else if (k === '--cinder') a.cinder = path.resolve(v);
    else if (k === '--timeout') a.timeout = Number(v);
    else if (k === '--chromium') a.chromium = v;
    else if (k === '--out') a.out = path.resolve(v);
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.profiles || !a.cinder) throw new Error('--profiles and --cinder are required');
  a.out ??= path.join(a.profiles, 'results');
  return a;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.txt': 'text/plain', '.woff2': 'font/woff2', '.png': 'image/png', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };

/// A static server on 127.0.0.1: `mounts` maps URL prefixes to folders; no caching,
/// no compression, CORS open (our app fetches the profiles from its own origin).
function serve(mounts) {
  const entries = Object.entries(mounts).sort((x, y) => y[0].length - x[0].length);
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const m = entries.find(([prefix]) => p.startsWith(prefix));
    const headers = { 'cache-control': 'no-store', 'access-control-allow-origin': '*' };
    let file = m && path.join(m[1], p.slice(m[0].length));
    if (file && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file || !file.startsWith(m[1]) || !fs.existsSync(file)) return res.writeHead(404, headers).end();
    const body = fs.readFileSync(file);
    res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' }).end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () =>
    ok({ base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

const freePort = () => new Promise((ok) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

/// The release `cinder` binary on a fresh store, serving the embedded app.
async function startCinder(bin) {
  const port = await freePort();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cinder-bench-'));
  const child = spawn(bin, ['server', '--api-bind-addr', `127.0.0.1:${port}`, '--storage-path', data, '--no-self-profiling'],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) {
      return { base, stop: () => { child.kill('SIGTERM'); fs.rmSync(data, { recursive: true, force: true }); } };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${bin} did not answer /healthz`);
}

async function buildPyroscopePage(out) {
  await esbuild.build({
    entryPoints: [path.join(here, 'pages/pyroscope/main.jsx')], outdir: out, entryNames: 'main', bundle: true,
    minify: true, format: 'iife', target: ['chrome120'], jsx: 'automatic', logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.svg': 'dataurl', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.png': 'file' },
  });
  fs.copyFileSync(path.join(here, 'pages/pyroscope/index.html'), path.join(out, 'index.html'));
}

const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function deadline(promise, seconds, what) {
  let t;
  const late = new Promise((_, no) => { t = setTimeout(() => no(new Error(`timeout ${seconds}s: ${what}`)), seconds * 1000); });
  return Promise.race([promise.finally(() => clearTimeout(t)), late]);
}

/// One fresh browser, one page: load, memory, search (and clear), zoom.
async function runOnce(target, scenario, ctx) {
  const res = { target: target.name, scenario: scenario.name };
  const browser = await chromium.launch({ executablePath: ctx.args.chromium, args: [...BROWSER_ARGS, ...(target.launchArgs || [])] });
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
    await context.addInitScript({ path: path.join(here, 'probe.js') });
    if (target.filter) await context.addInitScript({ content: `window.__benchCanvasFilter = ${target.filter};` });
    const page = await context.newPage();
    const wait = (label, s = ctx.args.timeout) => deadline(page.evaluate((l) => window.__bench.wait(l), label), s, label);
    await page.goto(scenario.url(target), { waitUntil: 'commit' });
    if (scenario.diff) {
      // The page may not exist (yet): no flamegraph within a while is "n/a", not a failure.
      const there = await page.waitForSelector(target.ready, { timeout: 20000 }).then(() => true, () => false);
      if (!there) return { ...res, na: 'no diff page' };
    }
    const load = await wait('load');
    res.paintMs = load.ms;
    res.navMs = load.navMs;
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.__benchWasm?.memory?.buffer.byteLength ?? 0);
    res.memMB = (heap.usedSize + Math.max(heap.backingStorageSize ?? 0, wasm)) / 2 ** 20;
    if (scenario.meta) {
      await target.search(page, scenario.meta.search.term);
      res.searchMs = (await wait('search')).ms;
      await target.clearSearch(page);
      await wait('clear');
      const pt = await target.zoomPoint(page, scenario.meta, ctx.args.profiles);
      if (pt) {
        const event = pt.event || 'click';
        await page.evaluate((e) => window.__bench.armOnEvent('zoom', e), event);
        if (event === 'dblclick') await page.mouse.dblclick(pt.x, pt.y);
        else await page.mouse.click(pt.x, pt.y);
        res.zoomMs = (await wait('zoom')).ms;
      }
    }
  } catch (e) {
    res.failed = String(e.message || e).split('\n')[0].slice(0, 200);
  } finally {
    await browser.close().catch(() => {});
  }
  return res;
}

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (x == null ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratio = (x, ours) => (x == null || ours == null ? 'n/a' : `${(x / ours).toFixed(1)}×`);

/// One table: a row per scenario and target, medians, and each peer's median over ours.
export function table(results, scenarios) {
  const head = ['scenario', 'viewer', 'ok runs', 'first paint ms', 'zoom ms', 'search ms', 'JS + wasm MB',
    'paint / zoom / search vs Cinder'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const sc of scenarios) {
    const med = {};
    for (const t of TARGETS) {
      const rs = results.filter((r) => r.scenario === sc.name && r.target === t.name);
      if (!rs.length) continue;
      const ok = rs.filter((r) => !r.failed && !r.na);
      const m = (k) => median(ok.map((r) => r[k]));
      med[t.name] = { paint: m('paintMs'), zoom: m('zoomMs'), search: m('searchMs'), mem: m('memMB') };
      const na = rs.find((r) => r.na)?.na;
      const failed = rs.find((r) => r.failed)?.failed;
      const ours = med.ourapp ?? {};
      const vs = t.name === 'ourapp' ? (ok.length ? '1×' : 'n/a') :
        [ratio(med[t.name].paint, ours.paint), ratio(med[t.name].zoom, ours.zoom), ratio(med[t.name].search, ours.search)].join(' / ');
      const note = na ? ` (${na})` : failed && !ok.length ? ` (failed: ${failed})` : '';
      const v = med[t.name];
      lines.push(`| ${sc.label} | ${t.label}${note} | ${ok.length}/${rs.length} | ${fmt(v.paint)} | ${fmt(v.zoom)} | ${fmt(v.search)} | ${fmt(v.mem)} | ${vs} |`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dist = path.join(args.out, 'pyroscope-page');
  await buildPyroscopePage(dist);
  const mounts = { '/profiles/': args.profiles, '/t/pyroscope/': dist };
  for (const t of TARGETS) Object.assign(mounts, t.mounts ? t.mounts(here) : {});
  const statics = await serve(mounts);
  const cinder = await startCinder(args.cinder);
  const base = statics.base;
  const prof = (f) => `${base}/profiles/${f}`;
  const scenarios = args.sizes.map((n) => {
    const meta = JSON.parse(fs.readFileSync(path.join(args.profiles, `${n}.meta.json`), 'utf8'));
    return {
      name: String(n), label: `${n.toLocaleString('en-US')} nodes`, meta,
      url: (t) => t.url({ base, appBase: cinder.base, profileUrl: prof(t.input === 'folded' ? `${n}.folded.txt` : `${n}.json`) }),
    };
  });
  scenarios.push({
    name: 'diff', label: 'diff, 2 × 100,000 nodes', diff: true,
    url: (t) => t.diffUrl({ base, appBase: cinder.base, leftUrl: prof('100000.json'), rightUrl: prof('diff-right.json'), diffUrl: prof('diff.json') }),
  });
  const version = await chromium.launch({ executablePath: args.chromium, args: BROWSER_ARGS }).then(async (b) => {
    const v = b.version(); await b.close(); return v;
  });
  console.error(`[bench] Chromium ${version}, ${os.cpus().length} cores, ${args.runs} runs per cell`);
  const results = [];
  const unavailable = new Set(); // `${scenario} ${target}` found n/a once: not retried
  try {
    for (const sc of scenarios) {
      for (let run = 1; run <= args.runs; run++) {
        for (const t of TARGETS) { // interleaved, so drift hits every viewer alike
          if ((sc.diff && !t.diffUrl) || unavailable.has(`${sc.name} ${t.name}`)) continue;
          const r = await runOnce(t, sc, { args });
          results.push(r);
          console.error(`[bench] ${sc.name} ${t.name} #${run}: ` + (r.na ?? r.failed ??
            `paint ${fmt(r.paintMs)} ms, zoom ${fmt(r.zoomMs)}, search ${fmt(r.searchMs)}, ${fmt(r.memMB)} MB`));
          if (r.na) unavailable.add(`${sc.name} ${t.name}`);
        }
      }
    }
  } finally {
    cinder.stop();
    statics.close();
  }
  const md = table(results, scenarios);
  fs.writeFileSync(path.join(args.out, 'results.json'), JSON.stringify({ chromium: version, results }, null, 1));
  fs.writeFileSync(path.join(args.out, 'results.md'), `${md}\n`);
  console.log(`Chromium ${version}, ${os.cpus().length} cores; medians of ${args.runs} runs\n\n${md}`);
}

main().catch((e) => { console.error('[bench] error:', e); process.exit(1); });
