import * as tf from '@tensorflow/tfjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fineTunePruned } from '../../src/deploy/fine-tune-pruned.ts';
import { modelArtifacts } from '../../src/deploy/model-artifacts.ts';
import { isPrunable, kernelSparsity, magnitudeMask, pruneModel } from '../../src/deploy/prune-kernels.ts';
import { imuInput } from '../../src/inputs/imu-input.ts';
import { TINY_SPEC, tinyImuModel, wristTake } from './tiny-imu-model.ts';

const Mask = suite('magnitudeMask');

Mask('zeros the smallest magnitudes, ties by position', () => {
  assert.equal(Array.from(magnitudeMask(Float32Array.from([0.5, -0.1, 2, 0.1, -3, 0.2]), 0.5)), [1, 0, 1, 0, 1, 0]);
  assert.equal(Array.from(magnitudeMask(Float32Array.from([1, 2]), 0)), [1, 1]);
});

Mask('names a bad sparsity', () => {
  assert.throws(() => magnitudeMask(new Float32Array(3), 1), /magnitudeMask\(\): sparsity must be in \[0, 1\), got 1/);
});

Mask('takes kernels, not biases or BatchNorm statistics', () => {
  assert.ok(isPrunable('imu_lstm/kernel') && isPrunable('imu_lstm/recurrent_kernel') && isPrunable('imu_conv1/kernel'));
  assert.not.ok(
    isPrunable('imu_lstm/bias') || isPrunable('imu_bn1/moving_variance') || isPrunable('imu_attention/context'),
  );
});

const Prune = suite('pruneModel + fineTunePruned');

Prune('prunes every kernel to the sparsity and fine-tuning keeps it', async () => {
  const trained = await tinyImuModel();
  const masks = pruneModel(trained.model, 0.5);
  const pruned = await modelArtifacts(trained.model);
  const asNamed = (a: typeof pruned) => a.weights.map((w) => ({ name: w.spec.name, values: w.values }));
  const sparsity = kernelSparsity(asNamed(pruned));
  assert.ok(Math.abs(sparsity - 0.5) < 1e-3, `sparsity ${sparsity}`);
  const takes = Array.from({ length: 12 }, (_, i) => wristTake(`t${i}`, i));
  const data = new Float32Array(takes.flatMap((t) => Array.from(imuInput(t, TINY_SPEC.imu!))));
  const set = {
    imu: { data, shape: [25, 7] },
    labels: Int32Array.from(takes.map((_, i) => i % 3)),
    ids: takes.map((t) => t.id),
    subjects: takes.map((t) => t.id),
    count: takes.length,
  };
  const before = tf.memory().numTensors;
  const losses = await fineTunePruned(
    trained.model,
    set,
    set.ids.map((_, i) => i),
    trained.pipeline,
    3,
    masks,
    {
      epochs: 2,
      batchSize: 6,
      learningRate: 0.01,
      seed: 1,
    },
  );
  assert.is(tf.memory().numTensors, before, 'fine-tuning leaks no tensor');
  assert.is(losses.length, 2);
  const tuned = await modelArtifacts(trained.model);
  assert.ok(Math.abs(kernelSparsity(asNamed(tuned)) - sparsity) < 1e-9, 'the mask held');
  // ...and training did move the kept weights.
  const kernel = (a: typeof pruned) => a.weights.find((w) => w.spec.name === 'logits/kernel')!.values;
  assert.ok(kernel(tuned).some((v, i) => v !== kernel(pruned)[i]));
  for (let i = 0; i < kernel(pruned).length; i++) if (kernel(pruned)[i] === 0) assert.is(kernel(tuned)[i], 0);
  masks.dispose();
  trained.model.dispose();
});

Mask.run();
Prune.run();
