// The real agents (PyPI pyroscope-io 1.4 and 0.8, npm @pyroscope/nodejs 0.3, 0.4 and 0.6,
// pinned in scripts/bootstrap.sh and tests/e2e/package.json) run in parallel for about
// 12 s against the real server, each through a recording proxy. What every agent sent is
// decoded here (pprof.mjs, independent of the server's decoder) and every series must read
// back through /render with the agent's own totals, units and rate (issue 10: the original
// dropped nanosecond `cpu` and `wall`, and Node's sampleRate=17 gave wrong seconds).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startServer, REPO } from './harness.mjs';
import { pprofSummary, pushSeries, multipartParts, maybeGunzip } from './pprof.mjs';

const SECONDS = 12;
const NANOS = 1e9;
const venv = name => join(REPO, `target/${name}/bin/python`);
const AGENTS = [
  { app: 'e2e.py14.app', cmd: venv('agents-venv'), args: url => [join(REPO, 'tests/e2e/py_agent.py'), url, `${SECONDS}`, 'e2e.py14.app'] },
  { app: 'e2e.py08.app', cmd: venv('agents-venv-08'), args: url => [join(REPO, 'tests/e2e/py_agent.py'), url, `${SECONDS}`, 'e2e.py08.app'] },
  ...['03', '04', '06'].map(v => ({
    app: `e2e.node${v}.app`,
    cmd: process.execPath,
    args: url => [join(REPO, 'tests/e2e/node_agent.cjs'), `pyroscope-nodejs-${v}`, url, `e2e.node${v}.app`, `${SECONDS}`],
  })),
];

let server;
before(async () => { server = await startServer(['--no-self-profiling']); });
after(async () => { await server?.stop(); });

/** A loopback proxy to the server that keeps every request it forwards. */
async function recordingProxy(target) {
  const requests = [];
  const proxy = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(Object.entries(req.headers)
      .filter(([k]) => !['host', 'content-length', 'transfer-encoding', 'connection'].includes(k)));
    const r = await fetch(target + req.url, { method: req.method, headers, body: body.length ? body : undefined });
    const text = await r.text();
    requests.push({ url: new URL(req.url, target), headers: req.headers, body, status: r.status, text });
    res.writeHead(r.status, { 'content-length': Buffer.byteLength(text) }).end(text);
  });
  await new Promise(ok => proxy.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${proxy.address().port}`, requests, close: () => proxy.close() };
}

function run(cmd, args) {
  return new Promise(ok => {
    const p = spawn(cmd, args, { cwd: join(REPO, 'tests/e2e'), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', d => { err += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), 60000);
    p.on('exit', code => { clearTimeout(timer); ok({ code, err }); });
  });
}

/** The series a user expects from one pprof (same rules as crates/server/tests/agents.rs). */
function addPprof(expected, base, summary, push) {
  const names = summary.types.map(t => t.split('/')[0]);
  const time = names.includes('cpu') || names.includes('wall');
  names.forEach((ty, i) => {
    let suffix; let average = false;
    if (ty === 'samples') suffix = time ? 'samples' : 'cpu';
    else if (ty === 'cpu' || ty === 'wall') suffix = ty;
    else if (ty.startsWith('inuse_')) { suffix = ty; average = true; }
    else if (ty.startsWith('alloc_') && push) suffix = ty;
    else throw new Error(`no expectation for ${summary.types[i]}`);
    const e = expected.get(`${base}.${suffix}`) ?? { sum: 0, uploads: 0, average, unit: summary.types[i].split('/')[1] };
    e.sum += summary.totals[i]; e.uploads += 1;
    expected.set(`${base}.${suffix}`, e);
  });
}

/** What the agent sent, per series, decoded from the recorded requests. */
function expectations(requests) {
  const expected = new Map();
  for (const r of requests) {
    assert.equal(r.status, 200, `${r.url.pathname}${r.url.search}: ${r.text}`);
    if (r.url.pathname === '/push.v1.PusherService/Push') {
      for (const s of pushSeries(r.body)) for (const p of s.profiles) addPprof(expected, s.labels.service_name, pprofSummary(p), true);
      continue;
    }
    const base = r.url.searchParams.get('name').split('{')[0];
    const type = r.headers['content-type'] ?? '';
    const bodies = type.startsWith('multipart/form-data') ? multipartParts(r.body, type, 'profile') : [maybeGunzip(r.body)];
    for (const b of bodies) addPprof(expected, base, pprofSummary(b), false);
  }
  return expected;
}

async function render(app) {
  const q = encodeURIComponent(`${app}{}`);
  const r = await fetch(`${server.url}/render?format=json&from=now-1h&until=now%2B1h&max-nodes=-1&query=${q}`);
  const text = await r.text();
  assert.equal(r.status, 200, `${app}: ${text}`);
  return JSON.parse(text);
}

test('real agents: every series reads back with the totals, units and rate the agent sent', { timeout: 120000 }, async () => {
  for (const a of AGENTS) assert.ok(existsSync(a.cmd), `missing ${a.cmd}: run scripts/bootstrap.sh test`);
  const proxies = await Promise.all(AGENTS.map(() => recordingProxy(server.url)));
  const runs = await Promise.all(AGENTS.map((a, i) => run(a.cmd, a.args(proxies[i].url))));
  proxies.forEach(p => p.close());
  runs.forEach((r, i) => assert.equal(r.code, 0, `${AGENTS[i].app} failed: ${r.err}`));

  const apps = JSON.parse(await (await fetch(`${server.url}/label-values?label=__name__`)).text());
  for (const [i, a] of AGENTS.entries()) {
    const expected = expectations(proxies[i].requests);
    assert.ok(expected.has(`${a.app}.cpu`), `${a.app}: nothing sent as cpu? ${[...expected.keys()]}`);
    for (const [series, e] of expected) {
      assert.ok(apps.includes(series), `${series} not listed in ${apps}`);
      const { flamebearer, metadata } = await render(series);
      if (e.average) {
        // Mean of the uploads, floored per node by the division.
        const mean = e.sum / e.uploads;
        assert.ok(flamebearer.numTicks <= mean && flamebearer.numTicks >= mean * 0.99,
          `${series}: ${flamebearer.numTicks} vs mean ${mean} of ${e.uploads} uploads`);
      } else {
        assert.equal(flamebearer.numTicks, e.sum, `${series}: total`);
      }
      if (e.unit === 'nanoseconds') {
        // Time is kept in nanoseconds: seconds = ticks / sampleRate, exactly the agent's.
        assert.equal(metadata.units, 'samples', series);
        assert.equal(metadata.sampleRate, NANOS, `${series}: sampleRate`);
      } else if (e.unit === 'bytes') {
        assert.equal(metadata.units, 'bytes', series);
      }
    }
  }
  // As a user reads it: a single-threaded Python busy loop of 12 s shows about 12 s of CPU.
  for (const app of ['e2e.py14.app.cpu', 'e2e.py08.app.cpu']) {
    const { flamebearer, metadata } = await render(app);
    const seconds = flamebearer.numTicks / metadata.sampleRate;
    assert.ok(seconds > SECONDS * 0.5 && seconds < SECONDS + 3, `${app}: ${seconds} s of CPU for a ${SECONDS} s loop`);
    assert.ok(flamebearer.names.some(n => n.includes('hot_loop')), `${app}: hot_loop frame missing`);
  }
  // Node reports wall time with a measured period and a meaningless sampleRate=17.
  for (const v of ['03', '04', '06']) {
    const { flamebearer, metadata } = await render(`e2e.node${v}.app.wall`);
    const seconds = flamebearer.numTicks / metadata.sampleRate;
    assert.ok(seconds > SECONDS * 0.5 && seconds < SECONDS + 3, `node ${v}: ${seconds} s of wall time for ${SECONDS} s`);
  }
});

test('pyroscope-io 1.4 tags become labels', async () => {
  const json = async path => JSON.parse(await (await fetch(server.url + path)).text());
  const labels = await json('/labels?query=' + encodeURIComponent('e2e.py14.app.cpu{}'));
  for (const l of ['__name__', 'env']) assert.ok(labels.includes(l), `labels: ${labels}`);
  assert.deepEqual(await json('/label-values?label=env&query=' + encodeURIComponent('e2e.py14.app.cpu{}')), ['e2e']);
  const { timeline } = await render('e2e.py14.app.cpu');
  assert.ok(timeline.samples.some(v => v > 1), 'timeline has no data');
});
