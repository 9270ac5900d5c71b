// Just enough protobuf to read what agents send, independently of the server's decoder:
// pprof sample types and per-type totals, Connect PushRequests, multipart parts, gzip.
import { gunzipSync } from 'node:zlib';

function varint(buf, i) {
  let r = 0n; let s = 0n;
  for (;;) {
    const b = buf[i++];
    r |= BigInt(b & 0x7f) << s;
    if (!(b & 0x80)) return [r, i];
    s += 7n;
  }
}

/** Yields [field number, wire type, value] of one message (value: BigInt or Buffer). */
function* fields(buf) {
  let i = 0;
  while (i < buf.length) {
    const [key, j] = varint(buf, i); i = j;
    const field = Number(key >> 3n); const wt = Number(key & 7n);
    if (wt === 0) { const [v, k] = varint(buf, i); i = k; yield [field, wt, v]; }
    else if (wt === 2) { const [len, k] = varint(buf, i); const end = k + Number(len); yield [field, wt, buf.subarray(k, end)]; i = end; }
    else if (wt === 1) { yield [field, wt, buf.readBigUInt64LE(i)]; i += 8; }
    else if (wt === 5) { yield [field, wt, BigInt(buf.readUInt32LE(i))]; i += 4; }
    else throw new Error(`wire type ${wt}`);
  }
}

function ints(wt, v) {
  if (wt === 0) return [BigInt.asIntN(64, v)];
  const out = []; let i = 0;
  while (i < v.length) { const [x, j] = varint(v, i); out.push(BigInt.asIntN(64, x)); i = j; }
  return out;
}

export function maybeGunzip(buf) {
  return buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf;
}

/** `{ types: ['cpu/nanoseconds', …], totals: [Number, …], period, periodType }`. */
export function pprofSummary(body) {
  const buf = maybeGunzip(body);
  const strings = []; const typeIdx = []; const values = [];
  let period = 0; let periodType = null;
  for (const [f, wt, v] of fields(buf)) {
    if (f === 6) strings.push(v.toString('utf8'));
    else if (f === 1 || f === 11) {
      const t = {};
      for (const [g, , x] of fields(v)) { if (g === 1) t.type = Number(x); if (g === 2) t.unit = Number(x); }
      if (f === 1) typeIdx.push(t); else periodType = t;
    } else if (f === 2) {
      const sample = [];
      for (const [g, gwt, x] of fields(v)) if (g === 2) sample.push(...ints(gwt, x));
      values.push(sample);
    } else if (f === 12) period = Number(BigInt.asIntN(64, v));
  }
  const name = t => `${strings[t.type ?? 0]}/${strings[t.unit ?? 0]}`;
  const totals = typeIdx.map((_, i) => values.reduce((a, s) => a + Math.max(0, Number(s[i] ?? 0n)), 0));
  return { types: typeIdx.map(name), totals, period, periodType: periodType && name(periodType) };
}

/** A Connect PushRequest: `[{ labels: {name: value}, profiles: [Buffer] }]`. */
export function pushSeries(body) {
  const out = [];
  for (const [f, , series] of fields(maybeGunzip(body))) {
    if (f !== 1) continue;
    const s = { labels: {}, profiles: [] };
    for (const [g, , v] of fields(series)) {
      if (g === 1) {
        let name = ''; let value = '';
        for (const [h, , x] of fields(v)) { if (h === 1) name = x.toString(); if (h === 2) value = x.toString(); }
        s.labels[name] = value;
      } else if (g === 2) {
        for (const [h, , x] of fields(v)) if (h === 1) s.profiles.push(x);
      }
    }
    out.push(s);
  }
  return out;
}

/** The data of every `multipart/form-data` part named `name`. */
export function multipartParts(body, contentType, name) {
  const boundary = Buffer.from(`--${/boundary=("?)([^";]+)\1/.exec(contentType)[2]}`);
  const out = [];
  let at = body.indexOf(boundary);
  while (at >= 0) {
    const start = at + boundary.length + 2;
    const next = body.indexOf(boundary, start);
    if (next < 0) break;
    const headEnd = body.indexOf('\r\n\r\n', start);
    const head = body.subarray(start, headEnd).toString();
    if (new RegExp(`name="${name}"`).test(head)) out.push(body.subarray(headEnd + 4, next - 2));
    at = next;
  }
  return out;
}
