import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { ADAM_UPDATE } from '../../src/backend/wasm-kernels/adam-update.ts';
import { FusedAdamOptimizer, adamOptimizer } from '../../src/train/fused-adam.ts';

/** Odd sizes: a scalar, less than one SIMD vector, a tail after vectors, and a long run. */
const SHAPES = [[1], [7], [3, 11], [10, 100]];
const TOLERANCE = 1e-4;
let made = 0;

/** Variables of SHAPES with values from `seed`, under fresh names. */
function variables(seed: number): tf.Variable[] {
  const rng = new SeededRandom(seed);
  const id = made++;
  return SHAPES.map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.variable(
      tf.tensor(
        Float32Array.from({ length: n }, () => rng.normal()),
        shape,
      ),
      true,
      `fa${id}_${i}`,
    );
  });
}

/** Gradients for `vars` at step `step`, the same for any set of variables of SHAPES. */
function gradients(vars: tf.Variable[], step: number): tf.NamedTensorMap {
  const rng = new SeededRandom(100 + step);
  const out: tf.NamedTensorMap = {};
  // Scales from 1e-3 to 10 so that sqrt(v) and epsilon both matter somewhere.
  vars.forEach((v, i) => {
    out[v.name] = tf.tensor(
      Float32Array.from({ length: v.size }, () => rng.normal() * 10 ** rng.int(-3, 1)),
      v.shape,
    );
  });
  return out;
}

function step(optimizer: tf.Optimizer, vars: tf.Variable[], k: number): void {
  const g = gradients(vars, k);
  optimizer.applyGradients(g);
  tf.dispose(Object.values(g));
}

async function assertSameState(
  fused: tf.Optimizer,
  a: tf.Variable[],
  stock: tf.Optimizer,
  b: tf.Variable[],
  when: string,
) {
  a.forEach((v, i) => {
    const err = relativeError(v.dataSync(), (b[i] as tf.Variable).dataSync());
    assert.ok(err < TOLERANCE, `${when}: variable ${i} relative error ${err.toExponential(2)}`);
  });
  const [wa, wb] = [await fused.getWeights(), await stock.getWeights()];
  assert.is(wa.length, wb.length);
  wa.forEach((w, i) => {
    const err = relativeError(w.tensor.dataSync(), (wb[i] as { tensor: tf.Tensor }).tensor.dataSync());
    assert.ok(err < TOLERANCE, `${when}: optimizer weight ${i} (${w.name}) relative error ${err.toExponential(2)}`);
  });
}

for (const set of WASM_KERNEL_SETS) {
  const FusedAdam = kernelSetSuite('FusedAdamOptimizer (wasm)', set);
  FusedAdam.before(async () => {
    await tf.setBackend('wasm');
  });

  FusedAdam('takes the first step of the worked example', () => {
    // lr 0.1, g 0.5: m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25 = 0.00025; bias-corrected 0.5 and 0.25,
    // so x = 1 - 0.1 * 0.5 / (sqrt(0.25) + 1e-7) = 0.9. A zero gradient leaves x and the moments at 0.
    const x = tf.variable(tf.tensor1d([1, 2]), true, `fa_worked_${set}`);
    const optimizer = adamOptimizer(0.1, 0.9, 0.999, 1e-7);
    const g = tf.tensor1d([0.5, 0]);
    // The list form of the gradients (minimize passes a map).
    optimizer.applyGradients([{ name: x.name, tensor: g }]);
    const [xs, m, v] = [x.dataSync(), ...optimizerMoments(optimizer)];
    assert.ok(Math.abs((xs[0] as number) - 0.9) < 1e-6, `x ${xs[0]}`);
    assert.is(xs[1], 2);
    assert.ok(Math.abs((m[0] as number) - 0.05) < 1e-8 && m[1] === 0, `m ${Array.from(m)}`);
    assert.ok(Math.abs((v[0] as number) - 0.00025) < 1e-9 && v[1] === 0, `v ${Array.from(v)}`);
    tf.dispose([x, g]);
    optimizer.dispose();
  });

  // The native set has the kernel; the JavaScript set leaves it out and the stock update runs.
  const fusedHere = set === 'native';
  FusedAdam(
    fusedHere ? 'runs one kernel for all the variables, not the stock ops' : 'runs the stock update',
    async () => {
      assert.is(tf.getKernel(ADAM_UPDATE, 'wasm') !== undefined, fusedHere);
      const vars = variables(1);
      const optimizer: tf.Optimizer = adamOptimizer(0.01);
      const g = gradients(vars, 0);
      const profile = await tf.profile(() => optimizer.applyGradients(g));
      const names = profile.kernels.map((k) => k.name);
      assert.is(names.filter((n) => n === ADAM_UPDATE).length, fusedHere ? 1 : 0);
      // Fused, only the accBeta bookkeeping is left besides: two products.
      assert.is(names.includes('Sqrt') || names.includes('RealDiv'), !fusedHere, names.join(' '));
      tf.dispose([...vars, ...Object.values(g)]);
      optimizer.dispose();
    },
  );

  if (fusedHere) {
    FusedAdam('the kernel names inputs of different sizes', () => {
      const [x, m] = [tf.zeros([2]), tf.zeros([3])];
      const scalar = tf.scalar(0.9);
      const inputs = {
        x0: x,
        m0: x,
        v0: x,
        grad0: x,
        x1: x,
        m1: m,
        v1: x,
        grad1: x,
        accBeta1: scalar,
        accBeta2: scalar,
      };
      const attrs = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, count: 2 };
      assert.throws(
        () => tf.engine().runKernel(ADAM_UPDATE, inputs, attrs),
        /MotionfuseAdamUpdate: x1 \[2\], m1 \[3\]/,
      );
      assert.throws(
        () => tf.engine().runKernel(ADAM_UPDATE, { ...inputs, m1: x }, { ...attrs, count: 3 }),
        /MotionfuseAdamUpdate: no input x2 \(count 3\)/,
      );
      tf.dispose([x, m, scalar]);
    });
  }

  FusedAdam('matches tf.train.adam over 5 steps, with the learning rate changed between steps', async () => {
    const [a, b] = [variables(2), variables(2)];
    const fused = adamOptimizer(0.02);
    const stock = tf.train.adam(0.02);
    for (let k = 0; k < 5; k++) {
      // The schedule in fit.ts sets the field; 0 must freeze the variables (moments still move).
      const lr = [0.02, 0.02, 0.01, 0, 0.005][k] as number;
      for (const o of [fused, stock]) (o as unknown as { learningRate: number }).learningRate = lr;
      const before = a.map((v) => v.dataSync().slice());
      step(fused, a, k);
      step(stock, b, k);
      await assertSameState(fused, a, stock, b, `step ${k + 1}`);
      if (lr === 0) a.forEach((v, i) => assert.equal(v.dataSync(), before[i], 'lr 0 moved a variable'));
      else assert.ok(a.every((v, i) => relativeError(v.dataSync(), before[i] as Float32Array) > 0));
    }
    tf.dispose([...a, ...b]);
    fused.dispose();
    stock.dispose();
  });

  FusedAdam("saves and loads tf.train.adam's optimizer state both ways", async () => {
    const [a, b] = [variables(3), variables(3)];
    const fused = adamOptimizer(0.01);
    for (let k = 0; k < 3; k++) step(fused, a, k);
    // Continue from the fused optimizer's state with a stock one on a copy of the variables.
    b.forEach((v, i) => v.assign(a[i] as tf.Variable));
    const saved = await fused.getWeights();
    assert.equal(
      saved.slice(1).map((w) => w.name),
      [...a.map((v) => `${v.name}/m`), ...a.map((v) => `${v.name}/v`)],
    );
    const stock = tf.train.adam(0.01);
    await stock.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    // And the other way: a fresh fused optimizer loads the stock one's state.
    const [c, d] = [variables(4), variables(4)];
    const stock2 = tf.train.adam(0.01);
    for (let k = 0; k < 3; k++) step(stock2, c, k);
    d.forEach((v, i) => v.assign(c[i] as tf.Variable));
    const fused2 = adamOptimizer(0.01);
    await fused2.setWeights((await stock2.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    for (let k = 3; k < 5; k++) {
      step(fused, a, k);
      step(stock, b, k);
      step(stock2, c, k);
      step(fused2, d, k);
    }
    await assertSameState(fused, a, stock, b, 'fused -> stock');
    await assertSameState(fused2, d, stock2, c, 'stock -> fused');
    assert.equal(fused.getConfig(), stock.getConfig());
    assert.is(FusedAdamOptimizer.className, 'Adam');
    tf.dispose([...a, ...b, ...c, ...d]);
    for (const o of [fused, stock, fused2, stock2]) o.dispose();
  });

  FusedAdam('leaks no tensor, and keeps the old buffers of a variable intact', () => {
    const vars = variables(5);
    const optimizer = adamOptimizer(0.01);
    step(optimizer, vars, 0);
    // A snapshot sharing the variable's buffer (as getWeights clones on our Identity) must not change.
    const snapshot = (vars[3] as tf.Variable).clone();
    const held = snapshot.dataSync().slice();
    const n = tf.memory().numTensors;
    for (let k = 1; k < 4; k++) step(optimizer, vars, k);
    assert.is(tf.memory().numTensors, n);
    assert.equal(snapshot.dataSync(), held);
    tf.dispose([snapshot, ...vars]);
    optimizer.dispose();
  });
  FusedAdam.run();
}

const Fallback = suite('FusedAdamOptimizer (cpu backend: the stock update)');
Fallback('matches tf.train.adam where the kernel is not registered', async () => {
  await tf.setBackend('cpu');
  assert.is(tf.getKernel(ADAM_UPDATE, 'cpu'), undefined);
  const [a, b] = [variables(6), variables(6)];
  const fused = adamOptimizer(0.01);
  const stock = tf.train.adam(0.01);
  for (let k = 0; k < 3; k++) {
    step(fused, a, k);
    step(stock, b, k);
  }
  a.forEach((v, i) => assert.equal(v.dataSync(), (b[i] as tf.Variable).dataSync()));
  tf.dispose([...a, ...b]);
  fused.dispose();
  stock.dispose();
  await tf.setBackend('wasm');
});
Fallback.run();

/** The first variable's m and v, as getWeights lists them (iterations, every m, every v). */
function optimizerMoments(optimizer: tf.Optimizer): [Float32Array, Float32Array] {
  const state = optimizer as unknown as {
    accumulatedFirstMoment: { variable: tf.Variable }[];
    accumulatedSecondMoment: { variable: tf.Variable }[];
  };
  return [
    state.accumulatedFirstMoment[0]?.variable.dataSync() as Float32Array,
    state.accumulatedSecondMoment[0]?.variable.dataSync() as Float32Array,
  ];
}
