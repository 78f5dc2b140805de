import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { ACTIONS } from '../../src/data/synthetic/actions.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../src/data/synthetic/synthetic-take.ts';
import {
  buildLstmBaseline,
  buildSingleFrameCnn,
  buildTwoStreamCnn,
} from '../../src/models/baselines/baseline-networks.ts';
import { keyFrameFlows, loadOpticalFlow } from '../../src/video/optical-flow.ts';
import { svmFitPredict } from '../../src/models/baselines/svm-classifier.ts';
import { handCraftedFeatures } from '../../src/inputs/hand-features.ts';
import { buildInputSet } from '../../src/inputs/model-inputs.ts';
import { type InputSpec } from '../../src/inputs/input-spec.ts';
import { saveAndReload } from '../helpers/round-trip.ts';

/** The paper's baselines: single-frame CNN, LSTM, and the SVM on hand-crafted features. */
const Baselines = suite('baselines');
Baselines.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

Baselines('the single-frame CNN sees only the middle frame; the LSTM reads the raw IMU; both reload', async () => {
  const cnn = buildSingleFrameCnn([4, 16, 16, 3], 3, 1, [4, 8]);
  const clips = tf.randomNormal([2, 4, 16, 16, 3], 0, 1, 'float32', 3);
  // Changing every frame but the middle one (index 2) leaves the prediction unchanged.
  const others = tf.concat(
    [
      tf.randomNormal([2, 2, 16, 16, 3], 0, 1, 'float32', 4),
      tf.slice(clips, [0, 2], [-1, 1]),
      tf.randomNormal([2, 1, 16, 16, 3], 0, 1, 'float32', 5),
    ],
    1,
  );
  assert.equal(
    Array.from((cnn.predict(others) as tf.Tensor).dataSync()),
    Array.from((cnn.predict(clips) as tf.Tensor).dataSync()),
  );
  const lstm = buildLstmBaseline([30, 14], 3, 2);
  const imu = tf.randomNormal([2, 30, 14], 0, 1, 'float32', 6);
  assert.equal((lstm.predict(imu) as tf.Tensor).shape, [2, 3]);
  for (const [model, x] of [
    [cnn, clips],
    [lstm, imu],
  ] as const) {
    const { reloaded } = await saveAndReload(model);
    assert.equal(
      Array.from((reloaded.predict(x) as tf.Tensor).dataSync()),
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
    reloaded.dispose();
    model.dispose();
  }
  tf.dispose([clips, others, imu]);
});

Baselines(
  'hand-crafted features see a flight (free-fall share at the pelvis) and the SVM separates jumps from squats',
  () => {
    const options = { ...SYNTHETIC_DEFAULTS, seed: 9, video: false, pose: false, sensorOutage: 0 };
    const spec: InputSpec = { imu: { placements: ['pelvis'], rate: 100, window: 2 } };
    const samples = [];
    for (let s = 0; s < 4; s++)
      for (const action of ['jump', 'squat'] as const)
        for (let t = 0; t < 3; t++) samples.push(generateTake(options, generateSubject(options, s), action, t));
    const set = buildInputSet(samples, spec, ACTIONS);
    // Pelvis features: 6 channels x 5, then |a| mean, std, min, max, then the free-fall share.
    const freeFall = (row: number) => handCraftedFeatures(set, row)[34] as number;
    samples.forEach((s, i) => {
      if (s.label === 'jump') assert.ok(freeFall(i) > 0.1, `${s.id}: free fall ${freeFall(i)}`);
      // A quick squat's descent can touch 0.3 g for a few samples; a flight lasts 0.4-0.5 s.
      else assert.ok(freeFall(i) < 0.05, `${s.id}: free fall ${freeFall(i)}`);
    });
    const train = samples.flatMap((s, i) => (s.subject !== 'S04' ? [i] : []));
    const test = samples.flatMap((s, i) => (s.subject === 'S04' ? [i] : []));
    assert.equal(
      svmFitPredict(set, train, test),
      test.map((r) => set.labels[r]),
    );
  },
);
Baselines('optical flow finds a moving square; the two-stream CNN reads frames and flow and reloads', async () => {
  await loadOpticalFlow();
  const S = 32;
  const frames = new Uint8Array(3 * S * S * 3);
  const square = (k: number, x0: number) => {
    for (let y = 10; y < 18; y++)
      for (let x = x0; x < x0 + 8; x++) frames.fill(255, ((k * S + y) * S + x) * 3, ((k * S + y) * S + x) * 3 + 3);
  };
  [8, 11, 14].forEach((x0, k) => square(k, x0));
  const flow = keyFrameFlows(frames, 3, S);
  for (const pair of [0, 1]) {
    const at = (pair * S * S + 14 * S + 14) * 2;
    assert.ok(
      Math.abs(flow[at]! - 3) < 0.5 && Math.abs(flow[at + 1]!) < 0.5,
      `pair ${pair}: (${flow[at]}, ${flow[at + 1]})`,
    );
  }
  const model = buildTwoStreamCnn([3, 16, 16, 3], [2, 16, 16, 2], 4, 1, [4, 8]);
  const xs = [
    tf.randomNormal([2, 3, 16, 16, 3], 0, 1, 'float32', 1),
    tf.randomNormal([2, 2, 16, 16, 2], 0, 1, 'float32', 2),
  ];
  const y = model.predict(xs) as tf.Tensor;
  assert.equal(y.shape, [2, 4]);
  // The temporal stream matters: other flow, other logits.
  const other = model.predict([xs[0]!, tf.randomNormal([2, 2, 16, 16, 2], 0, 1, 'float32', 3)]) as tf.Tensor;
  assert.not.equal(Array.from(other.dataSync()), Array.from(y.dataSync()));
  const { reloaded } = await saveAndReload(model);
  assert.equal(Array.from((reloaded.predict(xs) as tf.Tensor).dataSync()), Array.from(y.dataSync()));
  reloaded.dispose();
  model.dispose();
});
Baselines.run();
