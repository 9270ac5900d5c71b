// The three viewers the benchmark drives, and how: which page to open on a profile URL,
// which canvas draws count as "the flamegraph was drawn", and how to zoom and search.
// Every target zooms on the same node (meta.zoomTarget) and searches the same term.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const version = (pkg) => require(`${pkg}/package.json`).version;

/// Nodes of a flamebearer JSON: per level, [start, total, name, parentIndex].
function decodeLevels(file) {
  const fb = JSON.parse(fs.readFileSync(file, 'utf8')).flamebearer;
  const levels = [];
  fb.levels.forEach((row, depth) => {
    const nodes = [];
    let end = 0;
    for (let i = 0; i < row.length; i += 4) {
      const start = end + row[i];
      end = start + row[i + 1];
      let parent = -1;
      if (depth > 0) {
        const up = levels[depth - 1];
        parent = up.findIndex((p) => p.start <= start && start < p.start + p.total);
      }
      nodes.push({ start, total: row[i + 1], name: fb.names[row[i + 3]], parent });
    }
    levels.push(nodes);
  });
  return levels;
}

/// Where meta.zoomTarget starts in speedscope's left-heavy view (siblings sorted by total,
/// heaviest first, children from their parent's left edge; no "total" root row).
export function leftHeavyStart(profileFile, target) {
  const levels = decodeLevels(profileFile);
  let idx = levels[target.level].findIndex((n) => n.start === target.offset && n.name === target.name);
  if (idx < 0) throw new Error(`zoom target ${target.name} not found`);
  const path = [];
  for (let l = target.level; l > 0; l--) {
    path.push([l, idx]);
    idx = levels[l][idx].parent;
  }
  let start = 0;
  for (const [l, i] of path.reverse()) {
    const node = levels[l][i];
    const siblings = levels[l].filter((n) => n.parent === node.parent);
    for (const s of siblings) if (s.total > node.total) start += s.total;
  }
  return start;
}

export const ourapp = {
  name: 'ourapp',
  label: 'Cinder',
  input: 'json',
  filter: '(c) => !!c.closest(".flamegraph")',
  url: ({ appBase, profileUrl }) => `${appBase}/?profile=${encodeURIComponent(profileUrl)}`,
  diffUrl: ({ appBase, leftUrl, rightUrl }) =>
    `${appBase}/comparison-diff?leftProfile=${encodeURIComponent(leftUrl)}&rightProfile=${encodeURIComponent(rightUrl)}`,
  ready: '.flamegraph canvas',
  async zoomPoint(page, meta) {
    await page.waitForFunction(() => window.fgBench);
    return page.evaluate(([t, n]) => window.fgBench.zoomPoint(t, n), [meta.zoomTarget, meta.numTicks]);
  },
  async search(page, term) {
    await page.evaluate((t) => { window.__bench.arm('search'); window.fgBench.search(t); }, term);
  },
  async clearSearch(page) {
    await page.evaluate(() => { window.__bench.arm('clear'); window.fgBench.search(''); });
  },
};

const PYRO_ROW = 22; // px per level: @pyroscope/flamegraph FlameGraphComponent/constants.ts
const pyroCanvas = 'canvas[data-testid="flamegraph-canvas"]';

export const pyroscope = {
  name: 'pyroscope',
  label: `@pyroscope/flamegraph ${version('@pyroscope/flamegraph')}`,
  input: 'json',
  url: ({ base, profileUrl }) => `${base}/t/pyroscope/index.html?profile=${encodeURIComponent(profileUrl)}`,
  diffUrl: ({ base, diffUrl }) => `${base}/t/pyroscope/index.html?profile=${encodeURIComponent(diffUrl)}`,
  ready: pyroCanvas,
  async zoomPoint(page, meta) {
    const box = await page.locator(pyroCanvas).boundingBox();
    const z = meta.zoomTarget;
    return {
      x: box.x + ((z.offset + z.total / 2) / meta.numTicks) * box.width,
      y: box.y + z.level * PYRO_ROW + PYRO_ROW / 2,
    };
  },
  async search(page, term) {
    await page.evaluate((t) => { window.__bench.arm('search'); window.__pyro.search(t); }, term);
  },
  async clearSearch(page) {
    await page.evaluate(() => { window.__bench.arm('clear'); window.__pyro.search(''); });
  },
};

const SPEEDSCOPE_ROW = 20; // px per frame row: speedscope Sizes.FRAME_HEIGHT
// speedscope draws the minimap first; only its main chart's 2D label overlay counts.
const mainOverlay = (page) => page.evaluate(() => {
  const cs = [...document.querySelectorAll('canvas')].filter((c) => c.height >= 300 && c.getContext('2d'));
  cs.sort((a, b) => b.height - a.height);
  const b = cs[0]?.getBoundingClientRect();
  return b && { x: b.x, y: b.y, width: b.width, height: b.height };
});

export const speedscope = {
  name: 'speedscope',
  label: `speedscope ${version('speedscope')}`,
  input: 'folded',
  // WebGL under --disable-gpu needs SwiftShader.
  launchArgs: ['--enable-unsafe-swiftshader'],
  filter: '(c, kind) => kind === "2d" && c.height >= 300',
  mounts: (root) => ({ '/t/speedscope/': path.join(root, 'node_modules/speedscope/dist/release') }),
  url: ({ base, profileUrl }) =>
    `${base}/t/speedscope/index.html#profileURL=${encodeURIComponent(profileUrl)}&view=left-heavy`,
  ready: 'canvas',
  // Zoom is a double click ("zoom to frame"); hover and select first, so only the zoom
  // itself is timed.
  async zoomPoint(page, meta, profilesDir) {
    const z = meta.zoomTarget;
    const x0 = leftHeavyStart(path.join(profilesDir, `${meta.size}.json`), z);
    const box = await mainOverlay(page);
    const x = box.x + ((x0 + z.total / 2) / meta.numTicks) * box.width;
    const y = box.y + z.level * SPEEDSCOPE_ROW + SPEEDSCOPE_ROW / 2;
    await page.mouse.move(x, y);
    await page.waitForTimeout(300);
    await page.mouse.click(x, y);
    await page.waitForTimeout(300);
    const after = await mainOverlay(page);
    return { x, y: after.y + (y - box.y), event: 'dblclick' };
  },
  async search(page, term) {
    await page.keyboard.press('Control+f');
    const input = page.locator('input:not([type=file])').first();
    await input.waitFor();
    await page.waitForTimeout(300);
    await page.evaluate(() => window.__bench.armOnEvent('search', 'input'));
    await input.fill(term);
  },
  async clearSearch(page) {
    await page.evaluate(() => window.__bench.armOnEvent('clear', 'input'));
    await page.locator('input:not([type=file])').first().fill('');
  },
};

export const TARGETS = [ourapp, pyroscope, speedscope];
