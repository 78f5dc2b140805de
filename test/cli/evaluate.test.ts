import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motionfuse } from '../helpers/run-cli.ts';

/** `motionfuse evaluate` as a user runs it, on a tiny synthetic set. */

let work = '';
const Evaluate = suite('motionfuse evaluate');
Evaluate.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'motionfuse-evaluate-'));
});
Evaluate.after(async () => {
  await rm(work, { recursive: true, force: true });
});

Evaluate('compares the named models by group k-fold and writes the table, the CSV and every fold with the resolved config', async () => {
  const out = join(work, 'run');
  const r = motionfuse(['evaluate', '--models', 'svm', 'imu-only', '--subjects', '4', '--clips', '1', '--folds', '2', '--epochs', '2', '--out', out], {}, 300_000);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| model \| accuracy % \| macro F1 % \| weighted F1 % \| jump error % \|/);
  assert.match(r.stdout, /\| svm \| \d+\.\d ± \d+\.\d \|/);
  assert.match(r.stdout, /\| imu-only \|/);
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { config: { folds: number; dataset: { subjects: number } }; environment: { tfjs: string }; results: { model: string; folds: { subjects: { train: string[]; test: string[] } }[] }[] };
  assert.equal(results.results.map((x) => x.model), ['svm', 'imu-only']);
  assert.is(results.config.folds, 2);
  assert.is(results.config.dataset.subjects, 4);
  assert.ok(results.environment.tfjs.length > 0);
  for (const m of results.results) {
    assert.is(m.folds.length, 2);
    for (const f of m.folds) assert.not.ok(f.subjects.test.some((s) => f.subjects.train.includes(s)), 'a test athlete was trained on');
  }
  const csv = await readFile(join(out, 'table.csv'), 'utf8');
  assert.match(csv, /^model,folds,accuracy_mean/);
  assert.is(csv.trim().split('\n').length, 3);
});

Evaluate('the pretrained-backbone model computes MoveNet features once per clip into the cache, and the resolved config records backbone and class weights', async () => {
  const cache = join(work, 'cache');
  const args = (out: string) => ['evaluate', '--models', 'pretrained-video', '--subjects', '2', '--clips', '1', '--folds', '2', '--epochs', '1', '--class-weights', 'balanced', '--out', join(work, out)];
  const first = motionfuse(args('a'), { MOTIONFUSE_CACHE: cache }, 300_000);
  assert.is(first.code, 0, first.stderr);
  const files = async () => (await readdir(join(cache, 'features'), { recursive: true })).filter((f) => f.endsWith('.f32'));
  assert.is((await files()).length, 20, 'one cached feature file per clip (2 athletes x 10 actions)');
  const second = motionfuse(args('b'), { MOTIONFUSE_CACHE: cache }, 300_000);
  assert.is(second.code, 0, second.stderr);
  assert.is((await files()).length, 20, 'the second run found every clip cached');
  const a = JSON.parse(await readFile(join(work, 'a', 'results.json'), 'utf8')) as { config: { inputs: { backbone?: { model: string } }; train: { classWeights: string } } };
  assert.equal(a.config.inputs.backbone, { model: 'movenet-lightning' });
  assert.is(a.config.train.classWeights, 'balanced');
  assert.equal(await readFile(join(work, 'b', 'table.csv'), 'utf8'), await readFile(join(work, 'a', 'table.csv'), 'utf8'), 'cached features give the same results');
});

Evaluate('--augment adds augmented copies of the training trials only: training rows double, test rows stay the originals', async () => {
  const out = join(work, 'augmented');
  const r = motionfuse(['evaluate', '--models', 'svm', '--subjects', '3', '--clips', '1', '--folds', '3', '--augment', '1', '--augment-config', '{"rotateImu":{"p":1,"maxDeg":60}}', '--out', out], {}, 300_000);
  assert.is(r.code, 0, r.stderr);
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { config: { augment: { copies: number; config: { rotateImu: { p: number; maxDeg: number }; flip: { p: number } } } }; results: { folds: { trainRows: number; testRows: number }[] }[] };
  assert.is(results.config.augment.copies, 1);
  assert.equal(results.config.augment.config.rotateImu, { p: 1, maxDeg: 60 });
  assert.is(results.config.augment.config.flip.p, 0.5, 'the resolved chain, defaults filled in, is recorded');
  // 3 athletes x 10 actions: 2 athletes train (20 trials + 20 copies), 1 tests (10 trials).
  assert.equal(results.results[0]!.folds.map((f) => [f.trainRows, f.testRows]), [[40, 10], [40, 10], [40, 10]]);
});

Evaluate('--split k-fold stratifies by class and shares athletes between training and test, and says so', async () => {
  const out = join(work, 'kfold');
  const r = motionfuse(['evaluate', '--models', 'svm', '--subjects', '3', '--clips', '2', '--folds', '3', '--split', 'k-fold', '--out', out], {}, 300_000);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /over 3 folds \(k-fold stratified by class\)/);
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { config: { split: string }; results: { folds: { subjects: { train: string[]; test: string[] }; testRows: number }[] }[] };
  assert.is(results.config.split, 'k-fold');
  const folds = results.results[0]!.folds;
  assert.equal(folds.map((f) => f.testRows), [20, 20, 20]);
  assert.ok(folds.every((f) => f.subjects.test.length === 3 && f.subjects.test.every((s) => f.subjects.train.includes(s))), 'every athlete on both sides');
});

Evaluate('an unknown model or an impossible fold count is exit 2 with the choices', () => {
  const unknown = motionfuse(['evaluate', '--models', 'resnet-9000']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown model 'resnet-9000'/);
  assert.match(unknown.stderr, /known models: svm, single-frame-cnn/);
  const folds = motionfuse(['evaluate', '--subjects', '3', '--folds', '5']);
  assert.is(folds.code, 2);
  assert.match(folds.stderr, /--folds must be a whole number from 2 to the number of athletes \(3\), got 5/);
  const placement = motionfuse(['evaluate', '--placements', 'wrist', 'knee']);
  assert.is(placement.code, 2);
  assert.match(placement.stderr, /--placements: 'knee' is not worn by the synthetic athletes/);
  assert.match(placement.stderr, /They wear: wrist, ankle, pelvis/);
  const badJson = motionfuse(['evaluate', '--augment', '1', '--augment-config', '{rotate']);
  assert.is(badJson.code, 2);
  assert.match(badJson.stderr, /--augment-config is not JSON/);
  const badField = motionfuse(['evaluate', '--augment', '1', '--augment-config', '{"rotateImu":{"maxDeg":500}}']);
  assert.is(badField.code, 2);
  assert.match(badField.stderr, /augmentation config: rotateImu\.maxDeg/);
});
Evaluate.run();
