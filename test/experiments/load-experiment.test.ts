import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/core/errors.ts';
import { experimentJsonSchema } from '../../src/experiments/experiment-schema.ts';
import { loadExperiment } from '../../src/experiments/load-experiment.ts';

const dir = mkdtempSync(join(tmpdir(), 'mf-experiment-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The ConfigError a file gives: its message, file, line and field. */
async function problem(path: string, set: string[] = []): Promise<ConfigError> {
  try {
    await loadExperiment(path, { set });
  } catch (err) {
    assert.instance(err, ConfigError);
    return err as ConfigError;
  }
  throw new Error(`${path} loaded without an error`);
}

const Load = suite('loadExperiment');

Load('fills every default and keeps what the file says', async () => {
  const { experiment } = await loadExperiment(
    file('ok.yaml', 'name: ok\ndataset: { name: synthetic, subjects: 4 }\nmodel: { type: imu-only, lstmUnits: 16 }\n'),
  );
  assert.is(experiment.name, 'ok');
  assert.equal(experiment.split, { kind: 'group-k-fold', k: 5, validationFolds: 5 });
  assert.equal(experiment.model, {
    type: 'imu-only',
    lstmUnits: 16,
    dropout: 0.5,
    modalityDropout: 0.25,
    videoFilters: [8, 16, 32, 32],
    flowFilters: [8, 16, 32],
    flowPool: 2,
    frameFeatures: 64,
    imuFilters: [64, 64],
  });
  assert.equal(
    {
      epochs: experiment.train.epochs,
      batch: experiment.train.batchSize,
      lr: experiment.train.learningRate,
      every: experiment.train.decayEvery,
      factor: experiment.train.decayFactor,
      patience: experiment.train.patience,
    },
    { epochs: 60, batch: 32, lr: 0.001, every: 10, factor: 0.5, patience: 10 },
  );
  assert.equal(experiment.report.focusClasses, ['jump']);
  assert.equal((experiment.dataset as { subjects?: number }).subjects, 4);
});

Load('malformed YAML: the file and the line', async () => {
  const err = await problem(file('broken.yaml', 'name: broken\ndataset: { name: synthetic\nmodel: { type: svm }\n'));
  assert.match(err.message, /broken\.yaml:\d+: not valid YAML/);
  assert.ok((err.location.line ?? 0) >= 2, `line ${err.location.line}`);
});

Load('a wrong type: file, line, field and the value given', async () => {
  const err = await problem(
    file('type.yaml', 'name: t\ndataset: { name: synthetic }\nmodel: { type: svm }\ntrain:\n  epochs: many\n'),
  );
  assert.equal(err.location, { file: join(dir, 'type.yaml'), line: 5, field: 'train.epochs' });
  assert.match(err.message, /expected number, received string, got "many"/);
});

Load('an unknown key: named, at its line', async () => {
  const err = await problem(
    file('key.yaml', 'name: k\ndataset: { name: synthetic }\nmodel:\n  type: imu-only\n  lstmUnitz: 32\n'),
  );
  assert.equal(err.location, { file: join(dir, 'key.yaml'), line: 5, field: 'model.lstmUnitz' });
  assert.match(err.message, /unknown key 'lstmUnitz' in 'model'/);
});

Load('an unknown model: the known ones listed', async () => {
  const err = await problem(file('model.yaml', 'name: m\ndataset: { name: synthetic }\nmodel:\n  type: resnet-9000\n'));
  assert.equal(err.location.line, 4);
  assert.match(
    err.message,
    /unknown model 'resnet-9000' \(known models: fusion, video-only, imu-only, .*svm, single-frame-cnn, two-stream-cnn, lstm\)/,
  );
});

Load('an unknown data set and a data set folder that does not exist', async () => {
  const unknown = await problem(file('ds.yaml', 'name: d\ndataset:\n  name: imagenet\nmodel: { type: svm }\n'));
  assert.equal(unknown.location.field, 'dataset.name');
  assert.match(
    unknown.message,
    /unknown data set 'imagenet' \(known: synthetic, recordings, sessions, utd-mhad, sisfall, ucf101, hmdb51, kinetics400, sports1m, video-folder\)/,
  );
  const missing = await problem(
    file('root.yaml', 'name: d\ndataset:\n  name: recordings\n  root: /no/such/folder\nmodel: { type: svm }\n'),
  );
  assert.equal(missing.location, { file: join(dir, 'root.yaml'), line: 4, field: 'dataset.root' });
  assert.match(missing.message, /no such folder: \/no\/such\/folder$/);
});

Load('extends: the base gives defaults, the file wins, and a problem in the base names the base', async () => {
  file(
    'base.yaml',
    'name: base\ndataset: { name: synthetic, subjects: 6 }\nmodel: { type: imu-only }\ntrain: { epochs: 7, patience: 3 }\n',
  );
  const { experiment, sources } = await loadExperiment(
    file('child.yaml', 'extends: base.yaml\nname: child\ntrain: { epochs: 9 }\n'),
  );
  assert.is(experiment.name, 'child');
  assert.is(experiment.train.epochs, 9);
  assert.is(experiment.train.patience, 3);
  assert.equal(
    sources.map((s) => s.file),
    [join(dir, 'child.yaml'), join(dir, 'base.yaml')],
  );
  file('badbase.yaml', 'name: b\ndataset: { name: synthetic }\nmodel: { type: imu-only }\ntrain:\n  patience: -2\n');
  const err = await problem(file('child2.yaml', 'extends: badbase.yaml\nname: c\n'));
  assert.equal(err.location, { file: join(dir, 'badbase.yaml'), line: 5, field: 'train.patience' });
  const missingBase = await problem(file('child3.yaml', 'extends: nothere.yaml\nname: c\n'));
  assert.equal(missingBase.location.field, 'extends');
  assert.match(missingBase.message, /no such file: .*nothere\.yaml/);
  const nameless = await problem(file('child4.yaml', 'extends: base.yaml\n'));
  assert.equal(nameless.location, { file: join(dir, 'child4.yaml'), line: 1, field: 'name' });
  assert.match(nameless.message, /name is missing/);
});

Load('--set overrides a field, with its value read as YAML; a bad one names the --set', async () => {
  const path = file('set.yaml', 'name: s\ndataset: { name: synthetic }\nmodel: { type: imu-only }\n');
  const { experiment } = await loadExperiment(path, {
    set: ['train.epochs=5', 'inputs.imu.placements=[wrist, ankle]', 'model.type=svm'],
  });
  assert.is(experiment.train.epochs, 5);
  assert.equal(experiment.inputs.imu.placements, ['wrist', 'ankle']);
  assert.is(experiment.model.type, 'svm');
  const err = await problem(path, ['train.epochs=abc']);
  assert.equal(err.location, { file: '--set train.epochs=abc', field: 'train.epochs' });
  const syntax = await problem(path, ['epochs']);
  assert.match(syntax.message, /must be key=value/);
});

Load('the JSON Schema describes the fields editors complete', () => {
  const schema = experimentJsonSchema() as { properties: Record<string, unknown>; required: string[] };
  assert.ok(['name', 'dataset', 'model', 'train', 'sweep', 'inputs', 'split'].every((k) => k in schema.properties));
  assert.equal([...schema.required].sort(), ['dataset', 'model', 'name']);
  assert.match(JSON.stringify(schema.properties['model']), /fused-attention-lstm/);
});

Load.run();
