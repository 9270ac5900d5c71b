// The first-day workflow in the browser, with both auth switches on, through the pages
// only: sign in as admin/admin (back to the wanted URL, no app navigation and no refused
// request while signed out), change the initial password, sign out and in again, create
// an Agent key and paste the page's Python, Node.js and curl snippets into the real PyPI
// and npm agents and a shell, see the app and flamegraph, add a ReadOnly user and check what they see and what the API refuses
// them, then delete the key and check that the agent's uploads are refused and dropped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, openBrowser, REPO } from './harness.mjs';

const PYTHON = join(REPO, 'target/agents-venv/bin/python');
const NEW_PASSWORD = 'c0rrect-horse';
let server;
let browser;
let scratch;

before(async () => {
  process.env.PYROSCOPE_AUTH_INTERNAL_ENABLED = 'true';
  process.env.PYROSCOPE_AUTH_INGESTION_ENABLED = 'true';
  try {
    server = await startServer(['--no-self-profiling']);
  } finally {
    delete process.env.PYROSCOPE_AUTH_INTERNAL_ENABLED;
    delete process.env.PYROSCOPE_AUTH_INGESTION_ENABLED;
  }
  browser = await openBrowser();
  browser.watchResponses(['/login']);
  // The wrong password's 401 on /login is expected; the wrong current password's 400 is
  // checked and cleared in the first test.
  scratch = mkdtempSync(join(tmpdir(), 'cinder-snippet-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function signIn(page, user, password) {
  await page.waitForSelector('#login-page');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('#sign-in');
}

/** Leaves the single view only once its requests are answered: the explore page's loader
 * writes its answers into signals that are gone once the page is left (a known panic). */
async function settle(page) {
  await page.waitForLoadState('networkidle');
}

async function signOut(page) {
  await page.click('#sign-out');
  await page.waitForSelector('#login-page');
}

/** Runs the page's Python snippet, as pasted, around a busy loop for `seconds`. */
function runSnippet(snippet, seconds) {
  const program = `${snippet}

import time

def hot_loop(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

deadline = time.time() + ${seconds}
while time.time() < deadline:
    hot_loop(200_000)
pyroscope.shutdown()
`;
  const file = join(scratch, 'agent.py');
  writeFileSync(file, program);
  const run = spawnSync(PYTHON, [file], { encoding: 'utf8', timeout: 90000 });
  assert.equal(run.status, 0, `agent failed: ${run.stderr}`);
}

/** Runs the page's Node.js snippet, as pasted, around a busy loop for `seconds`, then
 * stops the agent (which sends what it holds). `require('@pyroscope/nodejs')` resolves to
 * the current release the tests install (the `pyroscope-nodejs-06` alias). */
function runNodeSnippet(snippet, seconds) {
  const dir = join(scratch, 'node-agent');
  mkdirSync(join(dir, 'node_modules', '@pyroscope'), { recursive: true });
  const link = join(dir, 'node_modules', '@pyroscope', 'nodejs');
  if (!existsSync(link)) symlinkSync(join(REPO, 'tests/e2e/node_modules/pyroscope-nodejs-06'), link);
  const program = `${snippet}

function nodeHotLoop(n) { let t = 0; for (let i = 0; i < n; i++) t += i * i; return t; }
function tick(deadline) {
  const until = Date.now() + 50;
  while (Date.now() < until) nodeHotLoop(100000);
  if (Date.now() < deadline) setImmediate(() => tick(deadline));
  else Pyroscope.stop().then(() => process.exit(0));
}
tick(Date.now() + ${seconds} * 1000);
`;
  const file = join(dir, 'agent.cjs');
  writeFileSync(file, program);
  const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 90000, cwd: dir });
  assert.equal(run.status, 0, `node agent failed: ${run.stderr}`);
}

async function ticks(page) {
  const q = encodeURIComponent('my.app.cpu{}');
  const r = await page.request.get(`${server.url}/render?format=json&from=now-15m&until=now%2B5m&query=${q}`);
  assert.equal(r.status(), 200);
  return (await r.json()).flamebearer.numTicks;
}

test('sign in goes back to the wanted page; the initial password must be changed', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '/comparison?from=now-1h&until=now');
  await page.waitForSelector('#login-page');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.locator('.mainnav').count(), 0, 'signed out: no app navigation');
  await page.waitForTimeout(300);
  assert.deepEqual(problems, [], 'signed out, nothing is refused (no 401 for /build)');

  await signIn(page, 'admin', 'wrong');
  await page.waitForSelector('#login-error');
  assert.match(await page.textContent('#login-error'), /Wrong user name or password/);
  await page.fill('#password', 'admin');
  await page.click('#sign-in');
  await page.waitForFunction(() => location.pathname === '/comparison');
  assert.equal(new URL(page.url()).search, '?from=now-1h&until=now', 'the whole wanted URL');

  await page.waitForSelector('#default-password-banner');
  await page.click('#default-password-banner a');
  await page.waitForSelector('#password-form');
  await page.fill('#old-password', 'admin');
  await page.fill('#new-password', NEW_PASSWORD);
  await page.fill('#confirm-password', 'typo');
  await page.click('#change-password');
  await page.waitForSelector('#confirm-password-error');
  await page.fill('#old-password', 'not-it');
  await page.fill('#confirm-password', NEW_PASSWORD);
  await page.click('#change-password');
  await page.waitForSelector('#old-password-error');
  assert.match(await page.textContent('#old-password-error'), /invalid password/);
  // The two refusals this test provoked, and nothing else.
  assert.deepEqual(problems.filter(p => !p.startsWith('console: Failed to load resource')),
    [`400 ${server.url}/api/user/password`]);
  assert.equal(problems.length, 3, problems.join('\n'));
  problems.length = 0;
  await page.fill('#old-password', 'admin');
  await page.click('#change-password');
  await page.waitForSelector('#password-changed');
  assert.equal(await page.locator('#default-password-banner').count(), 0);

  await signOut(page);
  await signIn(page, 'admin', NEW_PASSWORD);
  await page.waitForSelector('#explore-page');
  assert.equal(await page.locator('#default-password-banner').count(), 0);
});

let secret;
let pySnippet;
/** The Node.js and curl snippets shown with the new key. */
let nodeSnippet;
let curlSnippet;

test('an Agent key from the page works in the real agent as pasted', { timeout: 150000 }, async () => {
  assert.ok(existsSync(PYTHON), `missing ${PYTHON}: run scripts/bootstrap.sh test`);
  const { page } = browser;
  await settle(page);
  await page.click('.mainnav a:text-is("Settings")');
  await page.click('.settings-tabs a:text-is("API keys")');
  await page.waitForSelector('#create-key-form');
  await page.fill('#key-name', 'py-agent');
  assert.equal(await page.inputValue('#key-role'), 'Agent');
  await page.click('#create-key');
  await page.waitForSelector('#new-key-secret');
  secret = await page.textContent('#new-key-secret');
  assert.match(secret, /^psx-/);
  await page.waitForSelector('#keys-table tr[data-key="py-agent"]');
  assert.match(await page.textContent('#keys-table tr[data-key="py-agent"]'), /Agent.*just now.*in 12 months|Agent.*just now.*in 1 year/);
  const snippet = await page.textContent('#snippet-python');
  assert.ok(snippet.includes(secret) && snippet.includes(server.url), snippet);

  pySnippet = snippet;
  nodeSnippet = await page.textContent('#snippet-node');
  curlSnippet = await page.textContent('#snippet-curl');
  runSnippet(snippet, 15);
  await page.goto(server.url + '/');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('query') === 'my.app.cpu{}');
  await page.waitForFunction(() => [...document.querySelectorAll('#fn-table .tr .name')].some(e => e.textContent.includes('hot_loop')));
  assert.ok(await page.locator('canvas').count() > 0, 'a flamegraph is drawn');
  assert.ok(await ticks(page) > 100);
  assert.deepEqual(browser.problems, []);
});

test('the Node.js snippet works in the real agent as pasted', { timeout: 120000 }, async () => {
  const { page } = browser;
  const snippet = nodeSnippet;
  assert.ok(snippet && snippet.includes(secret) && snippet.includes(server.url), snippet);
  runNodeSnippet(snippet, 6);
  const q = encodeURIComponent('my.app.wall{}');
  const r = await page.request.get(`${server.url}/render?format=collapsed&from=now-15m&until=now%2B5m&query=${q}`);
  assert.equal(r.status(), 200);
  assert.match(await r.text(), /nodeHotLoop/, 'the agent authenticated with the key and its profile is stored');
});

test('the curl snippet works as pasted', async () => {
  const { page } = browser;
  const snippet = curlSnippet;
  assert.ok(snippet && snippet.includes(secret), snippet);
  const run = spawnSync('sh', ['-c', snippet], { encoding: 'utf8', timeout: 30000 });
  assert.equal(run.status, 0, `curl failed: ${run.stderr}`);
  const q = encodeURIComponent('my.app.cpu{}');
  const r = await page.request.get(`${server.url}/render?format=collapsed&from=now-15m&until=now%2B5m&query=${q}`);
  assert.match(await r.text(), /main;work;compute 100/);
});

test('a ReadOnly user sees no admin pages or actions and the API refuses them', async () => {
  const { page } = browser;
  await page.goto(server.url + '/settings/users');
  await page.waitForSelector('#add-user-form');
  await page.fill('#name', 'viewer');
  await page.fill('#email', 'not-an-email');
  await page.fill('#password', 'viewer-pw');
  await page.click('#add-user');
  await page.waitForSelector('#email-error');
  await page.fill('#email', '');
  await page.click('#add-user');
  await page.waitForSelector('#users-table tr[data-user="viewer"]');
  const own = page.locator('#users-table tr[data-user="admin"]');
  assert.ok(await own.locator('select').isDisabled(), 'your own row is read-only');
  assert.equal(await own.locator('.delete-user').count(), 0);

  await signOut(page);
  await signIn(page, 'viewer', 'viewer-pw');
  await page.waitForSelector('#explore-page');
  await settle(page);
  await page.click('.mainnav a:text-is("Settings")');
  await page.waitForSelector('#profile-form');
  const tabs = await page.$$eval('.settings-tabs a', as => as.map(a => a.textContent));
  assert.deepEqual(tabs, ['Profile', 'Change password']);
  for (const path of ['/settings/users', '/settings/api-keys', '/settings/apps']) {
    await page.goto(server.url + path);
    await page.waitForSelector('#forbidden-page');
    assert.equal(await page.locator('button:text-is("Delete")').count(), 0);
  }
  for (const path of ['/api/users', '/api/keys']) {
    assert.equal((await page.request.get(server.url + path)).status(), 403, path);
  }
  const del = await page.request.delete(server.url + '/api/apps', { data: { name: 'my.app.cpu' } });
  assert.equal(del.status(), 403);
  assert.deepEqual(browser.problems, []);
  await signOut(page);
});

test('a deleted key is refused at once and nothing sent with it is stored', { timeout: 150000 }, async () => {
  const { page, problems } = browser;
  await signIn(page, 'admin', NEW_PASSWORD);
  await page.waitForSelector('#explore-page');
  await page.goto(server.url + '/settings/api-keys');
  await page.click('#keys-table tr[data-key="py-agent"] .delete-key');
  await page.click('#keys-table tr[data-key="py-agent"] .confirm-delete');
  await page.waitForSelector('#no-keys');

  const before = await ticks(page);
  const direct = await fetch(`${server.url}/ingest?name=my.app.cpu`, {
    method: 'POST', body: 'main;late 50\n', headers: { Authorization: `Bearer ${secret}` },
  });
  assert.equal(direct.status, 401, 'the deleted key is refused');
  runSnippet(pySnippet, 12);
  assert.equal(await ticks(page), before, 'nothing the agent sent after the deletion is stored');
  assert.deepEqual(problems, []);
});
