import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { buildFusionNetwork } from '../../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC, lossWeights, type Fusion } from '../../src/models/fusion-network-spec.ts';
import { buildModel } from '../../src/models/model-registry.ts';
import type { NetworkRecipe } from '../../src/models/model-recipe.ts';
import type { Modality } from '../../src/inputs/input-spec.ts';
import { saveAndReload } from '../helpers/round-trip.ts';

/** The fusion network: every modality mix and both fusions build, train a step and reload. */
const shapes: Record<Modality, number[]> = {
  video: [4, 16, 16, 3],
  flow: [3, 16, 16, 2],
  imu: [40, 12],
  pose: [10, 51],
  backbone: [4, 30],
  depthMaps: [16, 16, 3],
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

Fusion(
  'auxiliary heads: one classifier per modality beside the fused one, their losses weighted as asked',
  async () => {
    const spec = {
      ...small,
      modalities: ['imu', 'pose'] as Modality[],
      fusion: 'concat' as Fusion,
      auxiliaryLoss: 0.5,
    };
    assert.equal(lossWeights(spec), [1, 0.5, 0.5]);
    assert.is(lossWeights({ ...spec, auxiliaryLoss: 0 }), undefined, 'no auxiliary heads: one output');
    assert.is(lossWeights({ ...spec, modalities: ['imu'] }), undefined, 'one modality: nothing to add');
    const model = buildFusionNetwork(spec, shapes, 5, 1);
    assert.equal(
      model.outputs.map((o) => o.name.split('/')[0]),
      ['logits', 'aux_imu_logits', 'aux_pose_logits'],
    );
    const recipe = buildModel({ type: 'fusion', use: ['imu', 'pose'], auxiliaryLoss: 0.25 }) as NetworkRecipe;
    assert.equal(recipe.lossWeights, [1, 0.25, 0.25]);
    const { reloaded } = await saveAndReload(model);
    const xs = batch(spec.modalities, 3);
    const a = (model.predict(xs) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
    assert.equal(
      (reloaded.predict(xs) as tf.Tensor[]).map((t) => Array.from(t.dataSync())),
      a,
    );
    model.dispose();
    reloaded.dispose();
    tf.dispose(xs);
  },
);

Fusion("late fusion: a head per modality, and the first output's softmax is the mean of theirs", async () => {
  const spec = {
    ...small,
    modalities: ['imu', 'pose'] as Modality[],
    fusion: 'concat' as Fusion,
    heads: 'late' as const,
  };
  assert.equal(lossWeights(spec), [0, 1, 1], 'each head trained on its own loss, the mean on none');
  const model = buildFusionNetwork(spec, shapes, 4, 1);
  assert.equal(
    model.outputs.map((o) => o.name.split('/')[0]),
    ['logits', 'late_imu_logits', 'late_pose_logits'],
  );
  assert.not.ok(
    model.layers.some((l) => l.name === 'fuse'),
    'no layer joins the modalities before their heads',
  );
  const xs = batch(spec.modalities, 5);
  const [combined, imu, pose] = (model.predict(xs) as tf.Tensor[]).map((t) => tf.softmax(t).arraySync() as number[][]);
  combined!.forEach((row, i) =>
    row.forEach((p, c) => assert.ok(Math.abs(p - (imu![i]![c]! + pose![i]![c]!) / 2) < 1e-6, `sample ${i} class ${c}`)),
  );
  const recipe = buildModel({ type: 'late-fusion', use: ['imu', 'pose'] }) as NetworkRecipe;
  assert.equal(recipe.lossWeights, [0, 1, 1]);
  assert.throws(() => buildModel({ type: 'late-fusion', use: ['imu'] }), /use/);
  model.dispose();
  tf.dispose(xs);
});

Fusion('encoders named per modality replace the built-in ones, and the recipe loads their builders', async () => {
  const recipe = buildModel({
    type: 'fusion',
    use: ['imu', 'pose'],
    fusion: 'concat',
    encoders: { imu: { type: 'tcn', widths: [8, 8] }, pose: { type: 'stgcn', channels: [8], strides: [1] } },
  }) as NetworkRecipe;
  const model = await recipe.build({ imu: [40, 12], pose: [10, 60] }, 5, 1, {
    pose: { frames: 10, joints: 'kinect20' },
  });
  const names = model.layers.map((l) => l.name);
  // The temporal CNN pools over time itself (imu_mean), the graph convolution reads joints (pose_gcn1); the
  // built-in encoders' LSTM pooling and per-frame dense layer are gone.
  assert.ok(names.includes('imu_mean') && names.includes('pose_gcn1'), names.join(', '));
  assert.not.ok(
    names.some((n) => n === 'pose_features' || n.endsWith('_lstm')),
    names.join(', '),
  );
  assert.equal((model.predict(batch(['imu'], 2).concat(tf.zeros([2, 10, 60]))) as tf.Tensor).shape, [2, 5]);
  assert.throws(
    () => buildModel({ type: 'fusion', use: ['imu'], encoders: { imu: { type: 'stgcn' } } }),
    /encoders\.imu/,
  );
  model.dispose();
});

Fusion.run();
