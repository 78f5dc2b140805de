import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/core/errors.ts';
import { expandTrials, stableJson } from '../../src/experiments/expand-sweep.ts';
import { loadExperiment } from '../../src/experiments/load-experiment.ts';

const dir = mkdtempSync(join(tmpdir(), 'mf-sweep-'));
async function load(text: string, set: string[] = []) {
  const path = join(dir, `e${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return loadExperiment(path, { set });
}
const BASE = 'name: s\ndataset: { name: synthetic, subjects: 4 }\nmodel: { type: fusion, use: [imu] }\n';

const Sweep = suite('expandTrials');

Sweep('a grid makes every combination, in the order written, each resolved and labelled', async () => {
  const loaded = await load(
    `${BASE}sweep:\n  grid:\n    model.fusion: [concat, attention-lstm]\n    model.use: [[imu], [video, imu]]\n`,
  );
  const trials = expandTrials(loaded);
  assert.equal(
    trials.map((t) => t.label),
    [
      'fusion=concat use=imu',
      'fusion=concat use=video+imu',
      'fusion=attention-lstm use=imu',
      'fusion=attention-lstm use=video+imu',
    ],
  );
  assert.equal(trials[1]?.experiment.model, {
    ...trials[1]?.experiment.model,
    type: 'fusion',
    fusion: 'concat',
    use: ['video', 'imu'],
  });
  assert.equal(new Set(trials.map((t) => t.id)).size, 4);
  assert.equal(trials[3]?.overrides, { 'model.fusion': 'attention-lstm', 'model.use': ['video', 'imu'] });
});

Sweep('named ablations times the grid; without a sweep (or with sweep off) one trial named by its model', async () => {
  const loaded = await load(
    `${BASE}sweep:\n  ablations:\n    no-dropout: { model.dropout: 0, model.modalityDropout: 0 }\n    small: { model.lstmUnits: 8 }\n  grid:\n    train.epochs: [5, 10]\n`,
  );
  const trials = expandTrials(loaded);
  assert.equal(
    trials.map((t) => t.label),
    ['no-dropout epochs=5', 'no-dropout epochs=10', 'small epochs=5', 'small epochs=10'],
  );
  assert.is(trials[0]?.experiment.model.type === 'fusion' && trials[0].experiment.model.modalityDropout, 0);
  const base = expandTrials(loaded, { sweep: false });
  assert.equal(
    base.map((t) => t.label),
    ['fusion'],
  );
  assert.equal(expandTrials(await load(BASE)).length, 1);
});

Sweep('a sweep over model types labels by the type; equal configurations run once', async () => {
  const loaded = await load(
    `${BASE.replace('{ type: fusion, use: [imu] }', '{ type: svm }')}sweep:\n  grid:\n    model.type: [svm, lstm, svm]\n`,
  );
  assert.equal(
    expandTrials(loaded).map((t) => t.label),
    ['svm', 'lstm'],
  );
});

Sweep('the trial id depends on what decides results, not on key order, names or scheduling', async () => {
  const a = expandTrials(await load(`${BASE}run: { workers: 1 }\n`))[0]?.id;
  const b = expandTrials(
    await load(
      `model: { use: [imu], type: fusion }\ndataset: { subjects: 4, name: synthetic }\nname: other\ndescription: same thing\n`,
    ),
  )[0]?.id;
  const c = expandTrials(await load(BASE, ['train.epochs=3']))[0]?.id;
  assert.is(a, b);
  assert.is.not(a, c);
  assert.is(stableJson({ b: 1, a: [2, { d: 1, c: 0 }] }), '{"a":[2,{"c":0,"d":1}],"b":1}');
});

Sweep('settings of inputs a model does not read do not make another trial', async () => {
  const loaded = await load(
    `${BASE}sweep:\n  grid:\n    model.use: [[imu], [video, imu]]\n    inputs.video.size: [32, 48]\n`,
  );
  assert.equal(
    expandTrials(loaded).map((t) => t.label),
    ['use=imu size=32', 'use=video+imu size=32', 'use=video+imu size=48'],
  );
});

Sweep('a bad sweep value is a ConfigError at its line in the sweep block', async () => {
  const loaded = await load(`${BASE}sweep:\n  grid:\n    model.fusion: [concat, late]\n`);
  try {
    expandTrials(loaded);
    assert.unreachable('expanded a bad value');
  } catch (err) {
    assert.instance(err, ConfigError);
    const e = err as ConfigError;
    assert.is(e.location.line, 6);
    assert.match(e.message, /model\.fusion \(set by the sweep\)/);
    assert.match(e.message, /"late"/);
  }
  try {
    expandTrials(await load(`${BASE}sweep:\n  ablations:\n    wide:\n      model.lstmUnitz: 128\n`));
    assert.unreachable('expanded an unknown key');
  } catch (err) {
    assert.is((err as ConfigError).location.line, 7);
    assert.match((err as Error).message, /unknown key 'lstmUnitz'.*ablation 'wide'|ablation 'wide'.*lstmUnitz/);
  }
});

Sweep.run();
