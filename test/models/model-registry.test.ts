import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { UserError } from '../../src/core/errors.ts';
import { SVM_ENTRY } from '../../src/models/baselines/svm-entry.ts';
import { modelEntry } from '../../src/models/model-entry.ts';
import { buildModel, MODELS, ModelRegistry } from '../../src/models/model-registry.ts';

/** The models an experiment can name, by type. */

const Registry = suite('model registry');

Registry('holds the generic fusion network, its presets, late fusion and the baselines, in that order', () => {
  assert.equal(MODELS.types(), [
    'fusion',
    'video-only',
    'imu-only',
    'fused-concat',
    'fused-attention-lstm',
    'pretrained-video',
    'fused-pretrained',
    'late-fusion',
    'svm',
    'single-frame-cnn',
    'two-stream-cnn',
    'lstm',
  ]);
  assert.ok(
    MODELS.entries().every((e) => e.describe.length > 0),
    'every entry says what it is',
  );
});

Registry('the types a name alone makes leave out fusion and late-fusion, which need `use`', () => {
  assert.equal(
    MODELS.typesWithoutOptions(),
    MODELS.types().filter((t) => t !== 'fusion' && t !== 'late-fusion'),
  );
});

Registry('builds each model with the modalities it reads', () => {
  const read = (spec: { type: string; [k: string]: unknown }) => {
    const r = buildModel(spec);
    return [r.kind, r.name, [...r.modalities]];
  };
  assert.equal(read({ type: 'imu-only' }), ['network', 'imu-only', ['imu']]);
  assert.equal(read({ type: 'fused-attention-lstm' }), ['network', 'fused-attention-lstm', ['video', 'flow', 'imu']]);
  assert.equal(read({ type: 'fused-pretrained' }), ['network', 'fused-pretrained', ['backbone', 'imu']]);
  assert.equal(read({ type: 'fusion', use: ['pose', 'imu'] }), ['network', 'fusion', ['pose', 'imu']]);
  assert.equal(read({ type: 'svm', cost: 3 }), ['classic', 'svm', ['imu', 'video']]);
  // `use` narrows the SVM to the IMU (a data set without video, such as SisFall).
  assert.equal(read({ type: 'svm', use: ['imu'] }), ['classic', 'svm', ['imu']]);
  assert.equal(read({ type: 'two-stream-cnn' }), ['network', 'two-stream-cnn', ['video', 'flow']]);
});

Registry('an unknown type is a UserError that lists the registered ones', () => {
  try {
    buildModel({ type: 'resnet-9000' });
    assert.unreachable('built an unknown model');
  } catch (err) {
    assert.instance(err, UserError);
    assert.is((err as UserError).message, "unknown model 'resnet-9000'");
    assert.is((err as UserError).hint, `known models: ${MODELS.types().join(', ')}`);
  }
});

Registry('options are checked against the entry: a bad or unknown one is a UserError naming it', () => {
  assert.throws(
    () => buildModel({ type: 'svm', cost: -1 }),
    (err: unknown) => err instanceof UserError && /^model 'svm': cost: /.test(err.message),
  );
  assert.throws(
    () => buildModel({ type: 'svm', use: ['imu', 'imu'] }),
    (err: unknown) => err instanceof UserError && /^model 'svm': use: lists one twice/.test(err.message),
  );
  assert.throws(
    () => buildModel({ type: 'lstm', units: 8 }),
    (err: unknown) => err instanceof UserError && /^model 'lstm': .*units/.test(err.message),
  );
  assert.throws(
    () => buildModel({ type: 'fusion' }),
    (err: unknown) => err instanceof UserError && /^model 'fusion': use: /.test(err.message),
  );
});

Registry('registering a taken type is an error, and the first entry stays', () => {
  const registry = new ModelRegistry();
  registry.register(SVM_ENTRY);
  const impostor = modelEntry({
    type: 'svm',
    describe: 'another',
    options: z.strictObject({}),
    build: () => {
      throw new Error('not this one');
    },
  });
  assert.throws(() => registry.register(impostor), /the model type 'svm' is taken/);
  assert.throws(() => MODELS.register(SVM_ENTRY), /the model type 'svm' is taken/);
  assert.is(registry.entry('svm'), SVM_ENTRY);
  assert.equal(registry.types(), ['svm']);
});

Registry('a registry builds what is registered in it, with the defaults of its options filled in', () => {
  const registry = new ModelRegistry();
  let given: unknown;
  registry.register(
    modelEntry({
      type: 'tiny',
      describe: 'a test model',
      options: z.strictObject({ units: z.number().default(4) }),
      build: (options) => {
        given = options;
        return { kind: 'classic', name: 'tiny', modalities: ['imu'], fitPredict: async () => [] };
      },
    }),
  );
  assert.is(registry.build({ type: 'tiny' }).name, 'tiny');
  assert.equal(given, { units: 4 });
  assert.throws(() => registry.build({ type: 'svm' }), /unknown model 'svm'/);
});

Registry.run();
