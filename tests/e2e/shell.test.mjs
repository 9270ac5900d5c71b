// End to end: the real release binary serves the embedded app; the wasm app mounts, shows
// the server's version from /build, navigates, renders its 404 page, and logs no errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openBrowser } from './harness.mjs';

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

test('the app mounts and shows the server version from /build without console errors', async () => {
  browser.watchResponses();
  const build = await (await fetch(`${server.url}/build`)).json();
  assert.match(build.version, /^\d+\.\d+\.\d+/);
  const { page } = browser;
  await page.goto(server.url + '/');
  const short = build.gitSHA.slice(0, 7);
  await page.waitForFunction(
    v => document.querySelector('#server-version')?.textContent?.includes(v),
    `v${build.version}`, { timeout: 20000 });
  const footer = await page.textContent('#server-version');
  assert.ok(footer.includes(short), `footer "${footer}" lacks commit ${short}`);
  assert.equal(await page.locator('#server-error').count(), 0);
  await page.waitForSelector('#explore-page');
  assert.deepEqual(browser.problems, []);
});

test('navigation changes the page and the URL without reloading', async () => {
  const { page } = browser;
  await page.evaluate(() => { window.__marker = 1; });
  await page.click('.mainnav a[href="/comparison"]');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Comparison');
  assert.equal(new URL(page.url()).pathname, '/comparison');
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
  assert.equal(await page.getAttribute('.mainnav a[href="/comparison"]', 'aria-current'), 'page');
  assert.deepEqual(browser.problems, []);
});

test('an unknown path is a 404 from the server and the app renders its not-found page', async () => {
  const resp = await fetch(`${server.url}/definitely/not/here`);
  assert.equal(resp.status, 404);
  const { page } = browser;
  const problemsBefore = browser.problems.length;
  await page.goto(server.url + '/definitely/not/here');
  await page.waitForSelector('#not-found', { timeout: 20000 });
  assert.match(await page.textContent('#not-found'), /\/definitely\/not\/here/);
  // The 404 status of the document itself is expected (the browser logs it as a console
  // error without its URL); any other failed response is still caught by URL.
  const unexpected = browser.problems.slice(problemsBefore)
    .filter(p => !p.includes('/definitely/not/here') && !p.includes('status of 404'));
  assert.deepEqual(unexpected, []);
});

test('the theme choice survives a reload', async () => {
  const { page } = browser;
  await page.goto(server.url + '/');
  await page.waitForSelector('#theme-toggle');
  await page.click('#theme-toggle'); // system -> light
  await page.click('#theme-toggle'); // light -> dark
  await page.reload();
  await page.waitForSelector('#theme-toggle');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await page.textContent('#theme-toggle'), 'Theme: dark');
});
