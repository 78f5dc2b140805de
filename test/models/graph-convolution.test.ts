import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, relativeError, useWasmKernelSet } from '../helpers/tf-backends.ts';
import { registerWasmTrainingKernels } from '../../src/backend/wasm-kernels/register.ts';
import { reloadedDifference, saveAndReload } from '../helpers/round-trip.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { GraphConvolution } from '../../src/models/layers/graph-convolution.ts';

const [B, T, V, C, O, K] = [2, 3, 5, 4, 3, 3];

/** Random partitions with about a third of the entries zero, so the mask's zeros matter too. */
function randomPartitions(rng: SeededRandom): Float32Array[] {
  return Array.from({ length: K }, () =>
    Float32Array.from({ length: V * V }, () => (rng.next() < 0.35 ? 0 : rng.normal())),
  );
}

function randomArray(rng: SeededRandom, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

interface Dense {
  out: Float64Array;
  dx: Float64Array;
  dW: Float64Array;
  dBias: Float64Array;
  dMask: Float64Array;
}

/**
 * The layer's sum and the gradients of L = sum(out * r), by plain loops:
 *   out[b,t,v,o] = sum_k sum_w Abar_k[v,w] sum_c x[b,t,w,c] W_k[c,o] + bias[o],  Abar_k = A_k o M_k
 * W_k[c,o] is kernel row k*C + c; M_k[v,w] is edge_importance row v*K + k, column w.
 */
function dense(
  A: Float32Array[],
  M: Float32Array,
  W: Float32Array,
  bias: Float32Array,
  x: Float32Array,
  r: Float32Array,
): Dense {
  const at4 = (b: number, t: number, v: number, c: number, n: number) => ((b * T + t) * V + v) * n + c;
  const abar = (k: number, v: number, w: number) => (A[k] as Float32Array)[v * V + w]! * M[(v * K + k) * V + w]!;
  const xw = new Float64Array(K * B * T * V * O); // (x W_k)[b,t,w,o] per k
  for (let k = 0; k < K; k++)
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let w = 0; w < V; w++)
          for (let o = 0; o < O; o++) {
            let s = 0;
            for (let c = 0; c < C; c++) s += x[at4(b, t, w, c, C)]! * W[(k * C + c) * O + o]!;
            xw[k * B * T * V * O + at4(b, t, w, o, O)] = s;
          }
  const out = new Float64Array(B * T * V * O);
  const dx = new Float64Array(B * T * V * C);
  const dW = new Float64Array(K * C * O);
  const dBias = new Float64Array(O);
  const dMask = new Float64Array(V * K * V);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let v = 0; v < V; v++)
        for (let o = 0; o < O; o++) {
          const rv = r[at4(b, t, v, o, O)]!;
          let s = bias[o]!;
          dBias[o]! += rv;
          for (let k = 0; k < K; k++)
            for (let w = 0; w < V; w++) {
              const a = abar(k, v, w);
              const y = xw[k * B * T * V * O + at4(b, t, w, o, O)]!;
              s += a * y;
              dMask[(v * K + k) * V + w]! += (A[k] as Float32Array)[v * V + w]! * rv * y;
              for (let c = 0; c < C; c++) {
                dx[at4(b, t, w, c, C)]! += a * rv * W[(k * C + c) * O + o]!;
                dW[(k * C + c) * O + o]! += a * x[at4(b, t, w, c, C)]! * rv;
              }
            }
          out[at4(b, t, v, o, O)] = s;
        }
  return { out, dx, dW, dBias, dMask };
}

/** The layer's output and gradients of sum(out * r) for x and each trainable weight, in weight order. */
function layerGrads(layer: GraphConvolution, x: tf.Tensor4D, r: tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)) as tf.Scalar;
    const out = (layer.apply(x) as tf.Tensor).dataSync();
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => loss(x), vars);
    const dx = tf.grad(loss)(x);
    return [out, dx.dataSync(), ...vars.map((v) => (grads[v.name] as tf.Tensor).dataSync())].map((a) =>
      Float32Array.from(a),
    );
  });
}

const VARIANTS = [
  ...WASM_KERNEL_SETS.map((set) => ({ backend: 'wasm' as const, set, label: `wasm, ${set} kernels` })),
  { backend: 'cpu' as const, set: undefined, label: 'cpu' },
];

for (const { backend, set, label } of VARIANTS) {
  const Gcn = suite(`GraphConvolution on ${label}`);
  Gcn.before(async () => {
    await tf.setBackend(backend);
    if (set !== undefined) useWasmKernelSet(set);
  });
  Gcn.after(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  Gcn('matches the dense sum and its gradients (x, W, bias, edge importance)', () => {
    const rng = new SeededRandom(1);
    const A = randomPartitions(rng);
    const layer = new GraphConvolution({ filters: O, partitions: A, seed: 3 });
    const x = tf.tensor4d(randomArray(rng, B * T * V * C), [B, T, V, C]);
    const r = tf.tensor4d(randomArray(rng, B * T * V * O), [B, T, V, O]);
    (layer.apply(x) as tf.Tensor).dispose();
    const [W, M, bias] = [randomArray(rng, K * C * O), randomArray(rng, V * K * V), randomArray(rng, O)];
    layer.setWeights([tf.tensor2d(W, [K * C, O]), tf.tensor1d(bias), tf.tensor2d(M, [V * K, V])]);
    assert.equal(
      layer.trainableWeights.map((w) => w.originalName.split('/').pop()),
      ['kernel', 'bias', 'edge_importance'],
    );
    const want = dense(A, M, W, bias, x.dataSync() as Float32Array, r.dataSync() as Float32Array);
    const [out, dx, dW, dBias, dMask] = layerGrads(layer, x, r) as Float32Array[];
    const checks: [string, Float32Array, Float64Array][] = [
      ['output', out as Float32Array, want.out],
      ['dx', dx as Float32Array, want.dx],
      ['dW', dW as Float32Array, want.dW],
      ['dBias', dBias as Float32Array, want.dBias],
      ['dEdgeImportance', dMask as Float32Array, want.dMask],
    ];
    for (const [name, got, ref] of checks) {
      const e = relativeError(got, ref);
      assert.ok(e < 1e-4, `${name}: relative error ${e.toExponential(2)}`);
    }
    tf.dispose([x, r]);
    layer.dispose();
  });

  Gcn('without edge importance or bias: the dense sum with M = 1, and gradients for x and W only', () => {
    const rng = new SeededRandom(2);
    const A = randomPartitions(rng);
    const layer = new GraphConvolution({ filters: O, partitions: A, edgeImportance: false, useBias: false, seed: 4 });
    const x = tf.tensor4d(randomArray(rng, B * T * V * C), [B, T, V, C]);
    const r = tf.tensor4d(randomArray(rng, B * T * V * O), [B, T, V, O]);
    (layer.apply(x) as tf.Tensor).dispose();
    assert.is(layer.trainableWeights.length, 1);
    const W = layer.getWeights()[0]?.dataSync() as Float32Array;
    const ones = new Float32Array(V * K * V).fill(1);
    const want = dense(A, ones, W, new Float32Array(O), x.dataSync() as Float32Array, r.dataSync() as Float32Array);
    const [out, dx, dW] = layerGrads(layer, x, r) as Float32Array[];
    assert.ok(relativeError(out as Float32Array, want.out) < 1e-4, 'output');
    assert.ok(relativeError(dx as Float32Array, want.dx) < 1e-4, 'dx');
    assert.ok(relativeError(dW as Float32Array, want.dW) < 1e-4, 'dW');
    tf.dispose([x, r]);
    layer.dispose();
  });

  Gcn('leaks no tensor in a forward and backward pass', () => {
    const rng = new SeededRandom(5);
    const layer = new GraphConvolution({ filters: O, partitions: randomPartitions(rng), seed: 6 });
    const x = tf.tensor4d(randomArray(rng, B * T * V * C), [B, T, V, C]);
    const r = tf.ones([B, T, V, O]) as tf.Tensor4D;
    layerGrads(layer, x, r);
    const n = tf.memory().numTensors;
    layerGrads(layer, x, r);
    assert.is(tf.memory().numTensors, n);
    layer.dispose();
    // The kept adjacency goes with the layer.
    assert.is(tf.memory().numTensors, n - 4);
    tf.dispose([x, r]);
  });

  Gcn.run();
}

const Config = suite('GraphConvolution config');
Config.before(async () => {
  await tf.setBackend('wasm');
});

Config('survives a save and reload inside a model, partitions included', async () => {
  const rng = new SeededRandom(7);
  const input = tf.input({ shape: [T, V, C] });
  const output = new GraphConvolution({ filters: O, partitions: randomPartitions(rng), seed: 8 }).apply(
    input,
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  // Non-trivial mask and bias, so that a reload that lost them would show.
  const [kernel] = model.getWeights();
  model.setWeights([
    kernel as tf.Tensor,
    tf.tensor1d(randomArray(rng, O)),
    tf.tensor2d(randomArray(rng, V * K * V), [V * K, V]),
  ]);
  const { reloaded, artifacts } = await saveAndReload(model);
  assert.match(JSON.stringify(artifacts.modelTopology), /GraphConvolution/);
  const x = tf.tensor4d(randomArray(rng, B * T * V * C), [B, T, V, C]);
  assert.ok(reloadedDifference(model, reloaded, x) < 1e-6);
});

Config('getConfig and fromConfig give a layer with the same settings', () => {
  const partitions = [new Float32Array([0.5, 0.5, 0, 1]), new Float32Array([0, 0.25, 0.75, 0])];
  const layer = new GraphConvolution({ filters: 7, partitions, edgeImportance: false, useBias: false, seed: 9 });
  const copy = GraphConvolution.fromConfig(GraphConvolution, layer.getConfig()) as GraphConvolution;
  assert.equal(copy.partitions, [
    [0.5, 0.5, 0, 1],
    [0, 0.25, 0.75, 0],
  ]);
  assert.equal([copy.filters, copy.joints, copy.edgeImportance, copy.useBias], [7, 2, false, false]);
  assert.equal(copy.getConfig(), layer.getConfig());
});

Config('names what is wrong with its arguments and its input', () => {
  const ok = [new Float32Array(V * V)];
  assert.throws(() => new GraphConvolution({ filters: 0, partitions: ok }), /GraphConvolution\(\): filters must be/);
  assert.throws(
    () => new GraphConvolution({ filters: 2, partitions: [new Float32Array(4), new Float32Array(9)] }),
    /partitions must be one or more V x V matrices, got lengths \[4, 9\]/,
  );
  const layer = new GraphConvolution({ filters: 2, partitions: ok });
  assert.throws(
    () => layer.apply(tf.input({ shape: [T, V + 1, C] })),
    /GraphConvolution: expected input \[batch, time, 5, channels\]/,
  );
});

Config.run();
