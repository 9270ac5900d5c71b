// The real PyPI agent `pyroscope-io` (pinned in scripts/bootstrap.sh, installed in a venv
// under target/) pushes to the real server for about 15 s; its app, profile type and tags
// must then be found through /label-values, /labels and /render.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, REPO } from './harness.mjs';

const PYTHON = join(REPO, 'target/agents-venv/bin/python');
let server;

before(async () => { server = await startServer(['--no-self-profiling']); });
after(async () => { await server?.stop(); });

async function json(path) {
  const r = await fetch(server.url + path);
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
}

test('pyroscope-io pushes and its data is found by app, type and tag', { timeout: 120000 }, async () => {
  assert.ok(existsSync(PYTHON), `missing ${PYTHON}: run scripts/bootstrap.sh test`);
  const run = spawnSync(PYTHON, [join(REPO, 'tests/e2e/py_agent.py'), server.url, '15'], { encoding: 'utf8', timeout: 90000 });
  assert.equal(run.status, 0, `agent failed: ${run.stderr}`);
  const apps = await json('/label-values?label=__name__');
  assert.ok(apps.includes('e2e.py.app.cpu'), `apps: ${apps}`);
  const labels = await json('/labels?query=' + encodeURIComponent('e2e.py.app.cpu{}'));
  for (const l of ['__name__', 'env']) assert.ok(labels.includes(l), `labels: ${labels}`);
  assert.deepEqual(await json('/label-values?label=env&query=' + encodeURIComponent('e2e.py.app.cpu{}')), ['e2e']);
  const q = encodeURIComponent('e2e.py.app.cpu{env="e2e"}');
  const profile = await json(`/render?format=json&from=now-5m&until=now&query=${q}`);
  // ~15 s at 100 Hz of a busy loop: well over a hundred samples, mostly in hot_loop.
  assert.ok(profile.flamebearer.numTicks > 100, `numTicks ${profile.flamebearer.numTicks}`);
  assert.ok(profile.flamebearer.names.some(n => n.includes('hot_loop')), 'hot_loop frame missing');
  assert.equal(profile.metadata.units, 'samples');
  assert.equal(profile.metadata.sampleRate, 100);
  assert.ok(profile.timeline.samples.some(v => v > 1), 'timeline has no data');
});
