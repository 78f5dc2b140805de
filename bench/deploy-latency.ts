/// <reference lib="dom" />
/**
 * Batch-1 latency of `motionfuse deploy`'s variants per backend, as one JSON line:
 *   node --import tsx bench/deploy-latency.ts OUT_DIR [--runs 50] [--fold 1]
 * OUT_DIR is deploy's --out. Node: WASM with the native kernels, WASM without (MOTIONFUSE_NATIVE=off),
 * the CPU backend, each in its own process (src/deploy/backend-latency.ts). Chromium (headless,
 * where one is installed): the served page on webgl, wasm and cpu; the WebGL renderer is reported,
 * since headless Chromium often has only SwiftShader (WebGL on the CPU).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { nodeBackendLatency } from '../src/deploy/backend-latency.ts';
import { servePage } from '../src/deploy/serve-page.ts';
import { locateChromium } from '../src/report/locate-chromium.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : Number(args[at + 1]);
};
const out = resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? '');
const runs = flag('--runs', 50);
const fold = `fold-${flag('--fold', 1)}`;
const variants = readdirSync(out, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(out, d.name)).includes(fold))
  .map((d) => d.name)
  .sort();
const dirs = variants.map((v) => join(out, v, fold));

const node = await nodeBackendLatency(dirs, runs);
const table: Record<string, Record<string, { p50_ms: number; p99_ms: number } | null>> = {};
for (const v of variants) table[v] = {};
for (const b of node)
  variants.forEach((v, i) => {
    const l = b.results[dirs[i]!];
    table[v]![`node/${b.backend}`] = l === undefined ? null : { p50_ms: round(l.p50_ms), p99_ms: round(l.p99_ms) };
  });

const browser: { backend: string; ok: boolean; detail: string }[] = [];
let renderer: string | undefined;
try {
  const { path } = await locateChromium();
  const served = await servePage(out);
  const chrome = await chromium.launch({
    executablePath: path,
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-swiftshader'],
  });
  try {
    const page = await chrome.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 120_000 });
    renderer = await page.evaluate(() =>
      (window as unknown as { motionfuse: { webglRenderer(): Promise<string> } }).motionfuse.webglRenderer(),
    );
    for (const backend of ['webgl', 'wasm', 'cpu']) {
      try {
        for (const v of variants) {
          const r = await page.evaluate(
            async ({ backend, url, runs }) => {
              const mf = (window as unknown as { motionfuse: any }).motionfuse;
              await mf.setBackend(backend);
              await mf.load(url);
              return (await mf.benchmark(runs)) as { backend: string; p50_ms: number; p99_ms: number };
            },
            { backend, url: `/model/${v}/${fold}`, runs },
          );
          table[v]![`chromium/${backend}`] = { p50_ms: round(r.p50_ms), p99_ms: round(r.p99_ms) };
        }
        browser.push({ backend, ok: true, detail: backend === 'webgl' ? `renderer: ${renderer}` : '' });
      } catch (err) {
        browser.push({ backend, ok: false, detail: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      }
    }
  } finally {
    await chrome.close();
    await served.close();
  }
} catch (err) {
  browser.push({ backend: 'chromium', ok: false, detail: err instanceof Error ? err.message : String(err) });
}

process.stdout.write(
  `${JSON.stringify({
    bench: 'deploy-latency',
    out,
    fold,
    runs,
    batch: 1,
    node: node.map((b) => ({ backend: b.backend, ok: b.ok, detail: b.detail })),
    browser,
    latency: table,
  })}\n`,
);

function round(v: number): number {
  return Number(v.toFixed(3));
}
