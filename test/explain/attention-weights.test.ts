import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import '../helpers/tf-backends.ts';
import { attentionOverTime } from '../../src/explain/attention-weights.ts';
import { buildFusionNetwork } from '../../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC } from '../../src/models/fusion-network-spec.ts';
import { SeededRandom } from '../../src/core/random.ts';

const Attention = suite('attentionOverTime');
Attention.before(async () => {
  await tf.setBackend('wasm');
});

const SPEC = { ...DEFAULT_FUSION_SPEC, imuFilters: [4], lstmUnits: 4, frameFeatures: 4, videoFilters: [2] };

function imuBatch(seed: number, n: number): tf.Tensor {
  const rng = new SeededRandom(seed);
  return tf.tensor(
    Float32Array.from({ length: n * 16 * 7 }, () => rng.normal()),
    [n, 16, 7],
  );
}

Attention('rows sum to 1 and pool the sequence exactly as the layer does; predictions unchanged', () => {
  const model = buildFusionNetwork({ ...SPEC, modalities: ['imu'] }, { imu: [16, 7] }, 3, 5);
  const x = imuBatch(1, 3);
  const before = model.predict(x) as tf.Tensor;
  const expected = Float32Array.from(before.dataSync());
  const n0 = tf.memory().numTensors;
  const [imu, ...rest] = attentionOverTime(model, [x]);
  assert.is(tf.memory().numTensors, n0, 'leaks no tensor');
  assert.equal(rest, []);
  assert.ok(imu !== undefined);
  assert.is(imu.modality, 'imu');
  assert.is(imu.layer, 'imu_attention');
  assert.is(imu.samples, 3);
  assert.is(imu.steps, 8, '16 steps max-pooled once: 8');
  for (let s = 0; s < 3; s++) {
    const row = imu.weights.subarray(s * 8, (s + 1) * 8);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `row ${s} sums to 1`);
    assert.ok(row.every((w) => w > 0));
  }
  // The layer's input h_t and output, from the model itself: output = sum_t w_t h_t.
  const layer = model.getLayer('imu_attention');
  const probe = tf.model({
    inputs: model.inputs,
    outputs: [layer.input as tf.SymbolicTensor, layer.output as tf.SymbolicTensor],
  });
  const [h, pooled] = probe.predict(x) as [tf.Tensor3D, tf.Tensor2D];
  const hs = h.arraySync();
  const out = pooled.arraySync();
  for (let s = 0; s < 3; s++)
    for (let f = 0; f < 4; f++) {
      let sum = 0;
      for (let t = 0; t < 8; t++)
        sum += (imu.weights[s * 8 + t] as number) * ((hs[s] as number[][])[t] as number[])[f]!;
      assert.ok(Math.abs(sum - (out[s] as number[])[f]!) < 1e-5, `sample ${s} feature ${f}`);
    }
  const after = model.predict(x) as tf.Tensor;
  assert.equal(Array.from(after.dataSync()), Array.from(expected), 'the model predicts as before');
  assert.not.ok(Object.prototype.hasOwnProperty.call(layer, 'call'), 'the layer is restored');
  tf.dispose([x, before, after, h, pooled]);
  model.dispose();
});

Attention('one entry per attention-pooled modality; a mean-pooled model has none', () => {
  const fused = buildFusionNetwork(
    { ...SPEC, modalities: ['video', 'imu'] },
    { video: [2, 8, 8, 3], imu: [16, 7] },
    2,
    5,
  );
  const v = tf.zeros([1, 2, 8, 8, 3]);
  const x = imuBatch(2, 1);
  assert.equal(
    attentionOverTime(fused, [v, x]).map((a) => [a.modality, a.steps]),
    [
      ['video', 2],
      ['imu', 8],
    ],
  );
  const mean = buildFusionNetwork({ ...SPEC, modalities: ['imu'], fusion: 'concat' }, { imu: [16, 7] }, 2, 5);
  assert.equal(attentionOverTime(mean, [x]), []);
  tf.dispose([v, x]);
  fused.dispose();
  mean.dispose();
});

Attention.run();
