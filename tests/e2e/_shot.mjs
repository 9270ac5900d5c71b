import { openBrowser } from './harness.mjs';
const b = await openBrowser();
await b.page.goto(process.argv[2]); await b.page.waitForTimeout(2500);
await b.page.screenshot({ path: process.argv[3], fullPage: true }); console.log(JSON.stringify(b.problems));
await b.close();
