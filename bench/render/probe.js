// Timing probe, injected into every benchmarked page before its own scripts.
//
// A measurement has a start (t0) and ends with the frame that shows the first canvas draw
// after t0 that counts (the filter below): the end is taken in a task posted after that
// frame's animation callbacks, so it includes the paint the user waits for.
//   - "load": t0 is the moment the profile body is fully downloaded (fetch is wrapped and
//     the body buffered before the page sees it), so parsing counts and network does not.
//   - any other label: t0 is `arm(label)` (a programmatic action in the same task) or the
//     next event of a type (`armOnEvent(label, 'click')`, a capture listener on window).
// `wait(label)` resolves to { ms, navMs } once the measurement ended.
(() => {
  const now = () => performance.now();
  const filter = () => window.__benchCanvasFilter || ((c) => c.width >= 300 && c.height >= 150);
  const pending = new Map(); // label -> { t0, ended, waiters }
  let current = null; // the armed measurement waiting for its first draw
  let inFrame = false;

  const post = (f) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = f;
    ch.port2.postMessage(0);
  };
  const finish = (m) => {
    m.ended = { ms: now() - m.t0, navMs: now() };
    for (const w of m.waiters) w(m.ended);
    m.waiters = [];
  };
  const arm = (label, t0) => {
    const m = pending.get(label) || { waiters: [] };
    m.t0 = t0;
    m.ended = null;
    pending.set(label, m);
    current = m;
  };
  const drew = (canvas, kind) => {
    if (!current || !filter()(canvas, kind)) return;
    const m = current;
    current = null;
    // Inside an animation callback the frame paints right after it; otherwise the
    // draw is shown by the next frame.
    if (inFrame) post(() => finish(m));
    else requestAnimationFrame(() => post(() => finish(m)));
  };

  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => {
    inFrame = true;
    try { cb(t); } finally { inFrame = false; }
  });
  const hook = (proto, names, kind) => {
    if (!proto) return;
    for (const n of names) {
      const orig = proto[n];
      if (typeof orig !== 'function') continue;
      proto[n] = function (...args) {
        drew(this.canvas, kind);
        return orig.apply(this, args);
      };
    }
  };
  hook(window.CanvasRenderingContext2D?.prototype,
    ['fillRect', 'strokeRect', 'fillText', 'fill', 'stroke', 'drawImage', 'putImageData'], '2d');
  hook(window.WebGLRenderingContext?.prototype, ['drawArrays', 'drawElements'], 'webgl');
  hook(window.WebGL2RenderingContext?.prototype, ['drawArrays', 'drawElements'], 'webgl');

  const fetch0 = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const res = await fetch0(input, init);
    if (!String(url).includes('/profiles/')) return res;
    const body = await res.arrayBuffer();
    arm('load', now());
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  window.__bench = {
    arm: (label) => arm(label, now()),
    armOnEvent: (label, type) => {
      window.addEventListener(type, () => arm(label, now()), { capture: true, once: true });
    },
    wait: (label) => new Promise((resolve) => {
      const m = pending.get(label) || { waiters: [] };
      pending.set(label, m);
      if (m.ended) resolve(m.ended);
      else m.waiters.push(resolve);
    }),
  };
  // Trunk's loader announces the wasm instance; its memory is the app's linear memory.
  addEventListener('TrunkApplicationStarted', (e) => { window.__benchWasm = e.detail?.wasm; });
})();
