import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { experimentSchema } from '../../src/experiments/experiment-schema.ts';
import { crossValidationOptions, trialInputSpec } from '../../src/experiments/trial-plan.ts';

const experiment = (more: Record<string, unknown>) =>
  experimentSchema().parse({ name: 'x', dataset: { name: 'synthetic' }, ...more });

const InputSpecOfTrial = suite('trialInputSpec');
InputSpecOfTrial('depth maps: inputs.depthMaps.size (default 64), only for a model that reads them', () => {
  assert.equal(trialInputSpec(experiment({ model: { type: 'fusion', use: ['depthMaps'] } })), {
    depthMaps: { size: 64 },
  });
  const sized = experiment({ model: { type: 'fusion', use: ['depthMaps'] }, inputs: { depthMaps: { size: 32 } } });
  assert.equal(trialInputSpec(sized).depthMaps, { size: 32 });
  // Another model's spec has no depth maps, so its trial id and input set stay as they were.
  assert.is(trialInputSpec(experiment({ model: { type: 'imu-only' } })).depthMaps, undefined);
  const bad = (depthMaps: unknown) =>
    experimentSchema().safeParse({
      name: 'x',
      dataset: { name: 'synthetic' },
      model: { type: 'imu-only' },
      inputs: { depthMaps },
    }).success;
  assert.not.ok(bad({ size: 4 }));
  assert.not.ok(bad({ size: 64, bins: 3 }));
});
InputSpecOfTrial('pose: features and normalise only when not the defaults, so trial ids stay as they were', () => {
  const model = { type: 'fusion', use: ['pose'] };
  assert.equal(trialInputSpec(experiment({ model })).pose, { frames: 30, joints: 'coco17' });
  const written = experiment({ model, inputs: { pose: { features: ['position'], normalise: 'none' } } });
  assert.equal(trialInputSpec(written).pose, { frames: 30, joints: 'coco17' });
  const chosen = experiment({
    model,
    inputs: { pose: { joints: 'kinect20', features: ['position', 'bone'], normalise: 'body' } },
  });
  assert.equal(trialInputSpec(chosen).pose, {
    frames: 30,
    joints: 'kinect20',
    features: ['position', 'bone'],
    normalise: 'body',
  });
  const bad = (pose: unknown) =>
    experimentSchema().safeParse({ name: 'x', dataset: { name: 'synthetic' }, model, inputs: { pose } }).success;
  assert.not.ok(bad({ features: ['position', 'position'] }));
  assert.not.ok(bad({ features: [] }));
  assert.not.ok(bad({ features: ['acceleration'] }));
  assert.not.ok(bad({ normalise: 'height' }));
});
InputSpecOfTrial.run();

const Training = suite('crossValidationOptions');
Training('train.augment.poseBatch reaches the training options; absent, the options have no such key', () => {
  const model = { type: 'imu-only' };
  assert.not.ok('poseBatchAugment' in crossValidationOptions(experiment({ model })).train);
  const turned = experiment({ model, train: { augment: { poseBatch: { rotate: 30, scale: [0.9, 1.1] } } } });
  assert.equal(crossValidationOptions(turned).train.poseBatchAugment, { rotate: 30, scale: [0.9, 1.1] });
  assert.equal(
    crossValidationOptions(experiment({ model, train: { augment: { poseBatch: { rotate: 10 } } } })).train
      .poseBatchAugment,
    { rotate: 10, scale: [1, 1] },
  );
  const parses = (poseBatch: unknown) =>
    experimentSchema().safeParse({
      name: 'x',
      dataset: { name: 'synthetic' },
      model,
      train: { augment: { poseBatch } },
    }).success;
  assert.ok(parses({ rotate: 10, scale: [0.8, 1.2] }), 'a good one parses');
  assert.not.ok(parses({ rotate: 200 }));
  assert.not.ok(parses({ rotate: 10, scale: [1.2, 0.8] }));
  assert.not.ok(parses({ rotate: 10, shear: 1 }));
});
Training.run();
