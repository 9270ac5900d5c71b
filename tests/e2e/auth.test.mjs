// End to end with authentication on: the server sends the browser to /login, a wrong
// password is refused with a message, and admin/admin (the initial admin) signs in and
// lands on the single view with the server's version shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer(['--no-self-profiling', '--auth.internal.enabled']);
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('signing in with the initial admin opens the app', async () => {
  const { page } = browser;
  await page.goto(server.url + '/');
  await page.waitForSelector('#login-page');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.locator('#server-error').count(), 0, 'a login page is not an outage');

  await page.fill('#username', 'admin');
  await page.fill('#password', 'wrong');
  await page.click('#sign-in');
  await page.waitForSelector('#login-error');
  assert.match(await page.textContent('#login-error'), /Wrong user name or password/);

  await page.fill('#password', 'admin');
  await page.click('#sign-in');
  await page.waitForSelector('#explore-page');
  assert.equal(new URL(page.url()).pathname, '/');
  await page.waitForFunction(() => document.querySelector('#server-version')?.textContent.startsWith('Cinder v'));
});
