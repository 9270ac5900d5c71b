// A small CPU- and allocation-busy Node program profiled by a real @pyroscope/nodejs agent.
// Usage: node node_agent.cjs MODULE SERVER_URL APP SECONDS
// MODULE is the package to load (an alias of tests/e2e/package.json such as
// `pyroscope-nodejs-06`). The agent flushes every 5 s and once more on stop.
const [moduleName, url, app, seconds] = process.argv.slice(2);
const Pyroscope = require(moduleName);

Pyroscope.init({
  serverAddress: url,
  appName: app,
  tags: { env: 'e2e' },
  flushIntervalMs: 5000,
  wall: { collectCpuTime: true },
  heap: { samplingIntervalBytes: 65536 },
});
Pyroscope.start();

function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
const kept = [];
function allocWork() {
  for (let i = 0; i < 200; i++) kept.push({ i, s: 'x'.repeat(64) });
  if (kept.length > 200000) kept.splice(0, 100000);
}
function tick(deadline, done) {
  const until = Date.now() + 50;
  while (Date.now() < until) fib(20);
  allocWork();
  if (Date.now() < deadline) setImmediate(() => tick(deadline, done)); else done();
}

tick(Date.now() + Number(seconds) * 1000, async () => {
  await Pyroscope.stop();
  process.exit(0);
});
