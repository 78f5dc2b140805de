import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { LogMeanProbabilities } from '../../src/models/layers/log-mean-probabilities.ts';

/** Late fusion's combination, on a case worked by hand. */
const Combine = suite('LogMeanProbabilities');
Combine.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

Combine("the mean of two heads' probabilities, as logits", () => {
  // Head 1: logits [ln 1, ln 3] -> probabilities [1/4, 3/4]; head 2: [0, 0] -> [1/2, 1/2].
  // Mean: [3/8, 5/8]; the layer gives their logs, whose softmax is the mean itself.
  const head1 = tf.tensor2d([[0, Math.log(3)]]);
  const head2 = tf.tensor2d([[0, 0]]);
  const out = new LogMeanProbabilities().apply([head1, head2]) as tf.Tensor;
  const values = Array.from(out.dataSync());
  assert.ok(Math.abs((values[0] as number) - Math.log(3 / 8)) < 1e-6, `${values}`);
  assert.ok(Math.abs((values[1] as number) - Math.log(5 / 8)) < 1e-6, `${values}`);
  // Weighted 3:1 towards head 1: [3/4 x 1/4 + 1/4 x 1/2, 3/4 x 3/4 + 1/4 x 1/2] = [5/16, 11/16].
  const weighted = new LogMeanProbabilities({ weights: [0.75, 0.25] }).apply([head1, head2]) as tf.Tensor;
  const w = Array.from(tf.exp(weighted).dataSync());
  assert.ok(Math.abs((w[0] as number) - 5 / 16) < 1e-6 && Math.abs((w[1] as number) - 11 / 16) < 1e-6, `${w}`);
  assert.throws(() => new LogMeanProbabilities({ weights: [0.5, 0.6] }), /sum to 1/);
  assert.equal(new LogMeanProbabilities({ weights: [0.75, 0.25], name: 'x' }).getConfig()['weights'], [0.75, 0.25]);
  tf.dispose([head1, head2, out, weighted]);
});

Combine.run();
