import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, onBackend, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { TemporalAttentionPooling } from '../../src/models/layers/temporal-attention-pooling.ts';
import { reloadedDifference, saveAndReload } from '../helpers/round-trip.ts';
import { attentionPoolingOps, attentionWeightsOps } from '../../src/models/ops/attention-pooling.ts';

const Attention = suite('TemporalAttentionPooling');
Attention.before(async () => {
  await tf.setBackend('wasm');
});

function randomInput(seed: number, shape: [number, number, number]): tf.Tensor3D {
  const rng = new SeededRandom(seed);
  return tf.tensor3d(
    Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => rng.normal()),
    shape,
  );
}

Attention('computes sum_t softmax_t(v . tanh(W h_t + b)) h_t', () => {
  const layer = new TemporalAttentionPooling({ units: 3, seed: 1 });
  const x = randomInput(2, [2, 5, 4]);
  const out = layer.apply(x) as tf.Tensor;
  assert.equal(out.shape, [2, 4]);
  const [W, b, v] = layer.getWeights().map((w) => w.arraySync()) as [number[][], number[], number[][]];
  const h = x.arraySync();
  const got = out.arraySync() as number[][];
  for (let n = 0; n < 2; n++) {
    const s = (h[n] as number[][]).map((ht) => {
      let score = 0;
      for (let u = 0; u < 3; u++) {
        let a = b[u] as number;
        for (let f = 0; f < 4; f++) a += (ht[f] as number) * ((W[f] as number[])[u] as number);
        score += Math.tanh(a) * ((v[u] as number[])[0] as number);
      }
      return score;
    });
    const m = Math.max(...s);
    const e = s.map((z) => Math.exp(z - m));
    const w = e.map((z) => z / e.reduce((p, q) => p + q, 0));
    for (let f = 0; f < 4; f++) {
      const want = (h[n] as number[][]).reduce((acc, ht, t) => acc + (w[t] as number) * (ht[f] as number), 0);
      assert.ok(
        Math.abs(((got[n] as number[])[f] as number) - want) < 1e-5,
        `out[${n}][${f}] = ${(got[n] as number[])[f]}, want ${want}`,
      );
    }
  }
  tf.dispose([x, out]);
  layer.dispose();
});

Attention('exposes weights over time that sum to 1 per sequence', () => {
  const layer = new TemporalAttentionPooling({ seed: 3 });
  const x = randomInput(4, [3, 7, 5]);
  (layer.apply(x) as tf.Tensor).dispose();
  const w = layer.attentionWeights(x);
  assert.equal(w.shape, [3, 7]);
  const sums = tf.sum(w, 1).arraySync() as number[];
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
  tf.dispose([x, w]);
  layer.dispose();
});

Attention('survives a save and reload inside a model (registered for serialisation)', async () => {
  const input = tf.input({ shape: [6, 4] });
  const output = new TemporalAttentionPooling({ units: 8, seed: 5 }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const { reloaded, artifacts } = await saveAndReload(model);
  assert.match(JSON.stringify(artifacts.modelTopology), /TemporalAttentionPooling/);
  const x = randomInput(6, [2, 6, 4]);
  assert.ok(reloadedDifference(model, reloaded, x) < 1e-6);
});

Attention('leaks no tensor', () => {
  const layer = new TemporalAttentionPooling({ seed: 7 });
  const x = randomInput(8, [2, 4, 3]);
  (layer.apply(x) as tf.Tensor).dispose();
  const n = tf.memory().numTensors;
  (layer.apply(x) as tf.Tensor).dispose();
  layer.attentionWeights(x).dispose();
  assert.is(tf.memory().numTensors, n);
  x.dispose();
  layer.dispose();
});

Attention('rejects input that is not [batch, time, features]', () => {
  const layer = new TemporalAttentionPooling();
  assert.throws(
    () => layer.apply(tf.zeros([2, 3])),
    /TemporalAttentionPooling: expected input \[batch, time, features\]/,
  );
});

Attention('has the same gradients on wasm as on the CPU backend', async () => {
  const grads = () => {
    const layer = new TemporalAttentionPooling({ units: 6, seed: 9 });
    const x = randomInput(10, [3, 9, 5]);
    const r = randomInput(11, [1, 3, 5]).reshape([3, 5]);
    (layer.apply(x) as tf.Tensor).dispose();
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar, vars);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, r)))(x);
    const out = [...vars.map((v) => g[v.name] as tf.Tensor), dx].map((t) => t.clone());
    layer.dispose();
    return out;
  };
  const ref = await onBackend('cpu', grads);
  const got = await onBackend('wasm', grads);
  ref.forEach((r, i) => assert.ok(relativeError(got[i] as Float32Array, r) < 1e-4, `gradient ${i}`));
});

Attention.run();

for (const set of WASM_KERNEL_SETS) {
  const PerSet = kernelSetSuite('TemporalAttentionPooling', set);
  PerSet.before(async () => {
    await tf.setBackend('wasm');
  });

  PerSet('predicts as the stock ops do, and the same after a save and reload', async () => {
    const input = tf.input({ shape: [50, 12] });
    const layer = new TemporalAttentionPooling({ units: 7, seed: 12 });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    const x = randomInput(13, [3, 50, 12]);
    const [W, b, v] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
    const got = model.predict(x) as tf.Tensor;
    const want = attentionPoolingOps(x, W, b, v);
    assert.ok(relativeError(got.dataSync(), want.dataSync()) < 1e-4);
    const weights = layer.attentionWeights(x);
    const stockWeights = attentionWeightsOps(x, W, b, v);
    assert.equal(weights.dataSync(), stockWeights.dataSync());
    tf.dispose([got, want, weights, stockWeights]);
    const { reloaded } = await saveAndReload(model);
    assert.ok(reloadedDifference(model, reloaded, x) < 1e-6);
  });

  PerSet.run();
}
