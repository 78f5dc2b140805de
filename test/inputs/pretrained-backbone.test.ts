import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { UserError } from '../../src/core/errors.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { loadBackbone } from '../../src/inputs/pretrained-backbone.ts';
import { saveTrainedModel } from '../../src/train/model-store.ts';

/** Frozen pretrained backbones: MoveNet from node_modules, and a user's model.json. */
const Backbone = suite('pretrained backbone');
let dir = '';
Backbone.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'motionfuse-backbone-'));
});
Backbone.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 192 px frame: a dark figure-like bar on a light background, or just the background. */
function frame(withFigure: boolean, shift = 0): Uint8Array {
  const f = new Uint8Array(192 * 192 * 3).fill(210);
  if (withFigure)
    for (let y = 30; y < 170; y++)
      for (let x = 80 + shift; x < 112 + shift; x++) f.fill(40, (y * 192 + x) * 3, (y * 192 + x) * 3 + 3);
  return f;
}

Backbone(
  'movenet-lightning loads from the installed package, gives 4 x 4 x 24 pooled FPN features, the same for the same frame and different for another',
  async () => {
    const b = await loadBackbone({ model: 'movenet-lightning' });
    assert.is(b.inputSize, 192);
    assert.is(b.featureSize, 4 * 4 * 24);
    const frames = new Uint8Array(3 * 192 * 192 * 3);
    frames.set(frame(true), 0);
    frames.set(frame(true), 192 * 192 * 3);
    frames.set(frame(false), 2 * 192 * 192 * 3);
    const f = b.features(frames, 3);
    assert.is(f.length, 3 * 384);
    assert.ok(f.every(Number.isFinite));
    const row = (i: number) => Array.from(f.subarray(i * 384, (i + 1) * 384));
    assert.equal(row(1), row(0), 'a frame gives the same features whatever its position in the batch');
    const diff = row(0).reduce((s, v, k) => s + Math.abs(v - (row(2)[k] as number)), 0);
    assert.ok(diff > 1, `a figure changes the features (L1 ${diff})`);
    const again = await loadBackbone({ model: 'movenet-lightning' });
    assert.is(again.id, b.id, 'the id depends on the weights and settings only');
    assert.is.not(
      (await loadBackbone({ model: 'movenet-lightning', grid: 2 })).id,
      b.id,
      'another pooling, another id',
    );
    b.dispose();
    again.dispose();
  },
);

Backbone("a user's layers model.json: the penultimate layer's output is the feature", async () => {
  const input = tf.input({ shape: [8, 8, 3] });
  const features = tf.layers.flatten().apply(
    tf.layers
      .conv2d({
        filters: 2,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      })
      .apply(input) as tf.SymbolicTensor,
  ) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
    .apply(features) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits });
  const modelDir = join(dir, 'user-model');
  await saveTrainedModel(modelDir, { model, classes: [], inputs: {}, pipeline: { modalities: [], standardisers: {} } });
  const b = await loadBackbone({ model: join(modelDir, 'model.json'), pixels: 'unit' });
  assert.is(b.inputSize, 8);
  assert.is(b.featureSize, 8 * 8 * 2);
  const pixels = new Uint8Array(8 * 8 * 3).map((_, i) => (i * 37) % 256);
  const expected = tf.tidy(() =>
    (
      tf
        .model({ inputs: input, outputs: features })
        .predict(tf.tensor4d(pixels, [1, 8, 8, 3], 'float32').div(255)) as tf.Tensor
    ).dataSync(),
  );
  const got = b.features(pixels, 1);
  Array.from(expected).forEach((v, k) =>
    assert.ok(Math.abs(v - (got[k] as number)) < 1e-5, `feature ${k}: ${got[k]} vs ${v}`),
  );
  b.dispose();
  model.dispose();
});

Backbone('a missing or broken model file is a clear error naming it', async () => {
  const missing = join(dir, 'nothing', 'model.json');
  const err = await loadBackbone({ model: missing }).catch((e: unknown) => e);
  assert.instance(err, UserError);
  assert.match((err as Error).message, missing);
  const broken = join(dir, 'broken.json');
  await writeFile(broken, '{"modelTopology": {}}');
  const err2 = await loadBackbone({ model: broken }).catch((e: unknown) => e);
  assert.instance(err2, UserError);
  assert.match((err2 as Error).message, /no weightsManifest/);
});

Backbone.run();
