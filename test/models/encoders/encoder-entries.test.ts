import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { DEFAULT_DEPTH_MAPS_OPTIONS } from '../../../src/models/encoders/depth-maps-options.ts';
import { ENCODER_ENTRIES, encoderEntry, encodersSchema } from '../../../src/models/encoders/encoder-entries.ts';
import { DEFAULT_STGCN_OPTIONS } from '../../../src/models/encoders/stgcn-options.ts';
import { DEFAULT_TEMPORAL_CNN_OPTIONS } from '../../../src/models/encoders/temporal-cnn-options.ts';

/** The encoder entries: their schemas' defaults are the builders' own, and each modality offers the encoders that take it. */
const Entries = suite('encoder entries');

Entries("each entry's defaults are its builder's documented defaults", () => {
  assert.equal(encoderEntry('tcn').options.parse({}), DEFAULT_TEMPORAL_CNN_OPTIONS);
  assert.equal(encoderEntry('stgcn').options.parse({}), DEFAULT_STGCN_OPTIONS);
  assert.equal(encoderEntry('cnn2d').options.parse({}), DEFAULT_DEPTH_MAPS_OPTIONS);
  assert.equal(
    ENCODER_ENTRIES.map((e) => e.type),
    ['tcn', 'stgcn', 'cnn2d'],
  );
  assert.throws(() => encoderEntry('resnet'), /no encoder 'resnet'/);
});

Entries('per modality, only the encoders that take it; absent means the built-in one', () => {
  const schema = encodersSchema();
  assert.is(schema.parse(undefined), undefined, 'absent stays absent (trial ids of older files unchanged)');
  assert.equal(schema.parse({ pose: { type: 'stgcn' } }), { pose: { type: 'stgcn', ...DEFAULT_STGCN_OPTIONS } });
  assert.equal(schema.parse({ imu: { type: 'tcn', widths: [8] } }), {
    imu: { ...DEFAULT_TEMPORAL_CNN_OPTIONS, type: 'tcn', widths: [8] },
  });
  assert.not.ok(schema.safeParse({ imu: { type: 'stgcn' } }).success, 'a graph convolution needs joints');
  assert.not.ok(schema.safeParse({ video: { type: 'tcn' } }).success, 'video has no named encoder yet');
  assert.not.ok(schema.safeParse({ imu: { type: 'tcn', kernal: 3 } }).success, 'unknown keys are errors');
  assert.ok(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), 'representable as JSON Schema');
});

Entries('a fusion model reading depth maps gets the 2-D CNN when it names no encoder for them', async () => {
  const { buildModel } = await import('../../../src/models/model-registry.ts');
  const { selectBackend } = await import('../../../src/backend/select-backend.ts');
  const { setLogLevel } = await import('../../../src/core/logger.ts');
  setLogLevel('warn');
  await selectBackend('wasm');
  const recipe = buildModel({ type: 'fusion', use: ['depthMaps'] });
  assert.is(recipe.kind, 'network');
  if (recipe.kind !== 'network') return;
  const model = await recipe.build({ depthMaps: [16, 16, 3] }, 4, 1);
  assert.ok(
    model.layers.some((l) => l.name.startsWith('depthMaps_')),
    model.layers.map((l) => l.name).join(', '),
  );
  model.dispose();
});

Entries.run();
