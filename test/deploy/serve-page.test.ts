/// <reference lib="dom" />
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { modelArtifacts, writeExportedModel } from '../../src/deploy/model-artifacts.ts';
import { servePage, servedModels } from '../../src/deploy/serve-page.ts';
import type { ImuStream } from '../../src/core/stream.ts';
import { imuInput } from '../../src/inputs/imu-input.ts';
import { predictProbabilities } from '../../src/train/fit.ts';
import { loadTrainedModel } from '../../src/train/model-store.ts';
import { chromiumOrReason } from '../helpers/report-browser.ts';
import { writeSessionFolder } from '../helpers/session-folder.ts';
import { savedTinyModel, TINY_SPEC, wristTake } from './tiny-imu-model.ts';

const Serve = suite('servePage');
// Files share a test worker: count what this file leaves, not what ran before it.
const tensorsBefore = tf.memory().numTensors;

const saved = await savedTinyModel(5);
const out = mkdtempSync(join(tmpdir(), 'mf-serve-'));
const artifacts = await modelArtifacts(saved.trained.model);
await writeExportedModel(join(out, 'float32', 'fold-1'), artifacts, 'float32', saved.dir);
await writeExportedModel(join(out, 'int8', 'fold-1'), artifacts, 'int8', saved.dir);
saved.trained.model.dispose();

const takes = [wristTake('a', 0.2), wristTake('b', 1.9), wristTake('c', 4.4)];

/** Node's probabilities for the takes: the input code, the standardisers and the model as `motionfuse` runs them. */
async function nodeProbabilities(dir: string): Promise<number[][]> {
  const trained = await loadTrainedModel(dir);
  const data = new Float32Array(takes.flatMap((t) => Array.from(imuInput(t, TINY_SPEC.imu!))));
  const set = {
    imu: { data, shape: [25, 7] },
    labels: new Int32Array(3),
    ids: ['a', 'b', 'c'],
    subjects: ['a', 'b', 'c'],
    count: 3,
  };
  const p = await predictProbabilities(trained.model, set, [0, 1, 2], trained.pipeline);
  trained.model.dispose();
  return [0, 1, 2].map((i) => Array.from(p.slice(i * 3, i * 3 + 3)));
}

Serve('lists the variants of a deploy folder and refuses one without models', async () => {
  assert.equal(
    (await servedModels(out)).map((m) => [m.name, m.url]),
    [
      ['float32 fold-1', '/model/float32/fold-1'],
      ['int8 fold-1', '/model/int8/fold-1'],
    ],
  );
  try {
    await servedModels(join(tmpdir(), 'mf-no-such-folder'));
    assert.unreachable('served a missing folder');
  } catch (err) {
    assert.match(String(err), /no such folder/);
  }
});

Serve('the page gives the same probabilities as Node (float32 within 1e-4, int8 the same classes)', async () => {
  const browser = await chromiumOrReason();
  if ('reason' in browser) {
    console.log(`  skipped the browser check: ${browser.reason}`);
    return;
  }
  const node32 = await nodeProbabilities(join(out, 'float32', 'fold-1'));
  const node8 = await nodeProbabilities(join(out, 'int8', 'fold-1'));
  const streams = takes.map((t) => {
    const s = t.streams[0] as ImuStream;
    return [
      { t: Array.from(s.t), data: Array.from(s.data), placement: s.placement, sensorId: s.sensorId, rate: s.rate },
    ];
  });
  const served = await servePage(out);
  const chrome = await chromium.launch({ executablePath: browser.path, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await chrome.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(served.url);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 60_000 });
    const run = (url: string, backend: string) =>
      page.evaluate(
        async ({ url, backend, streams }) => {
          const mf = (window as unknown as { motionfuse: any }).motionfuse;
          await mf.setBackend(backend);
          await mf.load(url);
          return streams.map((s: unknown) => mf.classifyStreams(s) as number[]);
        },
        { url, backend, streams },
      );
    const page32 = await run('/model/float32/fold-1', 'cpu');
    const page8 = await run('/model/int8/fold-1', 'wasm');
    for (let i = 0; i < 3; i++)
      for (let c = 0; c < 3; c++)
        assert.ok(
          Math.abs(page32[i]![c]! - node32[i]![c]!) < 1e-4,
          `take ${i} class ${c}: ${page32[i]![c]} vs ${node32[i]![c]}`,
        );
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    assert.equal(page8.map(argmax), node8.map(argmax));
    // A recorded session: the wrist sensor spans 9.991 s of host time (1000 samples at 100 Hz on a
    // clock 1.0001 fast, 20 lost), so 1 s windows half a second apart: 0.5 k + 1 <= 9.991, k = 0..17.
    const session = join(out, 'session');
    await writeSessionFolder(session, { video: false });
    const sensors = (
      JSON.parse(readFileSync(join(session, 'session.json'), 'utf8')) as {
        sensors: { streamName: string; placement?: string }[];
      }
    ).sensors;
    const placements = Object.fromEntries(sensors.map((s) => [s.streamName, s.placement]));
    const windows = await page.evaluate(
      ({ xdf, placements }) =>
        (window as unknown as { motionfuse: any }).motionfuse.classifySession(xdf, placements) as {
          start: number;
          label: string;
          probability: number;
        }[],
      { xdf: Array.from(readFileSync(join(session, 'session.xdf'))), placements },
    );
    assert.is(windows.length, 18);
    assert.equal(
      windows.slice(0, 3).map((w) => w.start),
      [0, 0.5, 1],
    );
    for (const w of windows) assert.ok(['jump', 'squat', 'run'].includes(w.label) && w.probability >= 1 / 3);
    assert.equal(errors, []);
  } finally {
    await chrome.close();
    await served.close();
  }
});

Serve('leaves no tensor behind in Node', () => {
  assert.is(tf.memory().numTensors, tensorsBefore);
});

Serve.run();
