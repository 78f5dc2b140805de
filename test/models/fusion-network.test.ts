import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { buildFusionNetwork } from '../../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC, type Fusion } from '../../src/models/fusion-network-spec.ts';
import type { Modality } from '../../src/inputs/input-spec.ts';
import { saveAndReload } from '../helpers/round-trip.ts';

/** The fusion network: every modality mix and both fusions build, train a step and reload. */
const shapes: Record<Modality, number[]> = {
  video: [4, 16, 16, 3],
  flow: [3, 16, 16, 2],
  imu: [40, 12],
  pose: [10, 51],
  backbone: [4, 30],
};
const small = {
  ...DEFAULT_FUSION_SPEC,
  lstmUnits: 8,
  videoFilters: [4, 8],
  frameFeatures: 8,
  flowFilters: [4],
  imuFilters: [8, 8],
};
const batch = (modalities: readonly Modality[], n: number) =>
  modalities.map((m, i) => tf.randomNormal([n, ...shapes[m]], 0, 1, 'float32', 10 + i));

const Fusion = suite('fusion network');
Fusion.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

for (const fusion of ['attention-lstm', 'concat'] as Fusion[]) {
  // ['imu', 'video', 'flow']: the network groups features by sensor, yet its inputs follow the spec.
  for (const modalities of [
    ['video', 'imu'],
    ['video'],
    ['imu'],
    ['video', 'flow'],
    ['imu', 'video', 'flow'],
    ['backbone', 'imu'],
    ['video', 'imu', 'pose'],
  ] as Modality[][]) {
    Fusion(
      `${fusion} over ${modalities.join(' + ')}: logits per class, a training step changes the weights, a reload predicts the same`,
      async () => {
        const model = buildFusionNetwork({ ...small, modalities, fusion }, shapes, 5, 1);
        const xs = batch(modalities, 6);
        const logits = model.predict(xs) as tf.Tensor;
        assert.equal(logits.shape, [6, 5]);
        assert.equal(
          model.inputs.map((i) => i.name.replace(/_\d+$/, '')),
          modalities,
        );
        const before = model.trainableWeights.map((w) => w.read().dataSync().slice());
        const optimizer = tf.train.adam(0.01);
        const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32'), 5);
        optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(labels, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
        );
        const moved = model.trainableWeights.filter((w, i) =>
          w
            .read()
            .dataSync()
            .some((v, k) => v !== before[i]![k]),
        ).length;
        assert.is(moved, model.trainableWeights.length, 'every trainable weight moved');
        const { reloaded } = await saveAndReload(model);
        const a = (model.predict(xs) as tf.Tensor).dataSync();
        const b = (reloaded.predict(xs) as tf.Tensor).dataSync();
        assert.equal(Array.from(b), Array.from(a));
        tf.dispose([...xs, logits, labels]);
        optimizer.dispose();
        model.dispose();
        reloaded.dispose();
      },
    );
  }
}
Fusion('the flow branch reads a pooled field: its CNN sees the flow at half size, the frames at full size', () => {
  const model = buildFusionNetwork({ ...small, modalities: ['video', 'flow'], fusion: 'attention-lstm' }, shapes, 5, 1);
  assert.equal(model.getLayer('flow_downsample').outputShape, [null, 8, 8, 2]);
  assert.equal(model.getLayer('flow_conv1').outputShape, [null, 8, 8, 4]);
  assert.equal(model.getLayer('video_conv1').outputShape, [null, 16, 16, 4]);
  assert.throws(() => model.getLayer('flow_conv2'), /flow_conv2/);
  model.dispose();
});

Fusion.run();
