// Shared pieces of the end-to-end tests: start the real release `cinder` binary on a free
// loopback port with a fresh storage directory, and open Debian's Chromium through
// playwright-core, collecting every console error, page error and failed response.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../..');
export const BIN = process.env.CINDER_BIN ?? join(REPO, 'target/release/cinder');

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

/** Starts `cinder server`; resolves once /healthz answers. `extraArgs` are appended. */
export async function startServer(extraArgs = []) {
  const port = await freePort();
  const storage = mkdtempSync(join(tmpdir(), 'cinder-e2e-'));
  const proc = spawn(BIN, ['server', '--api-bind-addr', `127.0.0.1:${port}`, '--storage-path', storage, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', d => { log += d; });
  proc.stderr.on('data', d => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`cinder exited early (${proc.exitCode}):\n${log}`);
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`cinder did not start:\n${log}`); }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    url,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise(r => proc.once('exit', r));
      }
      rmSync(storage, { recursive: true, force: true });
    },
  };
}

/** Opens headless Chromium; `problems` collects console errors, page errors and HTTP ≥ 400. */
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'cinder-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push(`pageerror: ${e}`));
  page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return {
    page,
    problems,
    /** Records HTTP errors too, except for responses a test expects (by URL suffix). */
    watchResponses(allowed = []) {
      page.on('response', r => {
        if (r.status() >= 400 && !allowed.some(a => r.url().endsWith(a))) problems.push(`${r.status()} ${r.url()}`);
      });
    },
    async close() { await ctx.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}
