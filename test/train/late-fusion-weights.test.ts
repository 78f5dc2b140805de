import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { emptyInputSet } from '../../src/inputs/model-inputs.ts';
import type { InputSpec } from '../../src/inputs/input-spec.ts';
import { LogMeanProbabilities } from '../../src/models/layers/log-mean-probabilities.ts';
import { buildModel } from '../../src/models/model-registry.ts';
import { planFolds, runFold } from '../../src/train/cross-validate.ts';
import { fitHeadWeights } from '../../src/train/late-fusion-weights.ts';
import { PAPER_TRAINING } from '../../src/train/paper-training.ts';

/** Two classes; each row's probabilities as [p(class 0), p(class 1)]. */
const probs = (...rows: [number, number][]) => Float32Array.from(rows.flat());

const Weights = suite('fitHeadWeights');

Weights('worked by hand: the grid point nearest the best weight on the simplex', () => {
  // Head A gives the true class 0.9 and 0.2, head B 0.5 and 0.5. With w on A the mean
  // log-likelihood is (log(0.5 + 0.4w) + log(0.5 - 0.3w)) / 2, largest at w = 0.05 / 0.24 = 0.208;
  // of the grid's 0.20 and 0.25, 0.20 is higher (0.58 x 0.44 = 0.2552 > 0.6 x 0.425 = 0.2550).
  const a = probs([0.9, 0.1], [0.8, 0.2]);
  const b = probs([0.5, 0.5], [0.5, 0.5]);
  const w = fitHeadWeights([a, b], [0, 1], 2);
  assert.ok(Math.abs((w[0] as number) - 0.2) < 1e-9 && Math.abs((w[1] as number) - 0.8) < 1e-9, `weights ${w}`);
});

Weights('a head that is always right takes all the weight; equal heads keep equal weights', () => {
  const right = probs([0.99, 0.01], [0.01, 0.99], [0.99, 0.01]);
  const wrong = probs([0.3, 0.7], [0.6, 0.4], [0.4, 0.6]);
  assert.equal(fitHeadWeights([wrong, right], [0, 1, 0], 2), [0, 1]);
  const same = probs([0.7, 0.3], [0.4, 0.6]);
  assert.equal(fitHeadWeights([same, same, same], [0, 1], 2), [1 / 3, 1 / 3, 1 / 3]);
  assert.throws(() => fitHeadWeights([same, probs([1, 0])], [0, 1], 2), /probabilities/);
});

const spec: InputSpec = {
  imu: { placements: ['wrist'], rate: 8, window: 1 },
  pose: { frames: 4, joints: 'kinect20' },
};

const Fold = suite('late fusion weighted on the validation group');
Fold.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});
Fold('the informative modality gets the larger weight, set in the model and written in the fold result', async () => {
  // 6 subjects x 12 takes: the skeleton tells the class, the IMU is noise.
  const n = 72;
  const set = emptyInputSet(spec, n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    set.labels[i] = cls;
    set.ids[i] = `t${i}`;
    set.subjects[i] = `S${Math.floor(i / 12)}`;
    for (let k = 0; k < 8; k++) {
      for (let c = 0; c < 6; c++) set.imu!.data[(i * 8 + k) * 7 + c] = Math.sin(i * 7.1 + k * 3.3 + c * 1.7);
      set.imu!.data[(i * 8 + k) * 7 + 6] = 1;
    }
    for (let v = 0; v < 4 * 60; v++) set.pose!.data[i * 240 + v] = (cls === 0 ? 1 : -1) + 0.3 * Math.sin(i + v);
  }
  const recipe = buildModel({
    type: 'late-fusion',
    use: ['imu', 'pose'],
    fusion: 'concat',
    combine: 'validation',
    encoders: { imu: { type: 'tcn', widths: [8] }, pose: { type: 'tcn', widths: [8] } },
  });
  assert.ok(recipe.kind === 'network' && recipe.fitHeadWeights === true);
  const options = { seed: 2, train: { ...PAPER_TRAINING, epochs: 6, batchSize: 16, learningRate: 0.01 } };
  const [plan] = planFolds(set, ['a', 'b'], { folds: 3, validationFolds: 2, seed: 2 });
  let layerWeights: readonly number[] | undefined;
  const result = await runFold(set, spec, ['a', 'b'], recipe, plan!, options, undefined, async (model) => {
    const layer = model.getLayer('logits');
    layerWeights = layer instanceof LogMeanProbabilities ? layer.weightsOfHeads : undefined;
  });
  const [imu, pose] = result.headWeights ?? [];
  assert.ok(pose !== undefined && imu !== undefined && pose > imu, `weights imu ${imu}, pose ${pose}`);
  assert.ok(Math.abs(imu + pose - 1) < 1e-9);
  assert.equal(layerWeights, result.headWeights, "the model's prediction uses them");
  // Without a validation group there is nothing to fit on: a clear error.
  const noValidation = { ...plan!, validation: [] };
  try {
    await runFold(set, spec, ['a', 'b'], recipe, noValidation, options);
    assert.unreachable('trained without validation rows');
  } catch (err) {
    assert.match(String(err), /no validation rows/);
  }
});

Weights.run();
Fold.run();
