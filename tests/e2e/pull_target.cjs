// A pull-mode target for the server's scrape tests (crates/server/tests/scrape.rs): an
// Express app with @pyroscope/nodejs 0.6.4's pull-mode middleware, which serves
// /debug/pprof/profile?seconds=N (wall time) and /debug/pprof/heap. It listens on
// 127.0.0.1 at a free port, prints "listening <port>" once, keeps a little CPU and heap
// work going so profiles are not empty, and exits when its stdin closes (the test ends).
'use strict';
const express = require('express');
const Pyroscope = require('pyroscope-nodejs-06').default;

Pyroscope.init({ appName: 'pull-target' });

const app = express();
app.use(Pyroscope.expressMiddleware());
app.get('/', (_req, res) => res.send('ok'));

let kept = [];
function work() {
  let x = 0;
  for (let i = 0; i < 200000; i++) x += Math.sqrt(i);
  kept.push(new Array(1000).fill(x));
  if (kept.length > 200) kept = [];
  setTimeout(work, 5);
}

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
  work();
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
