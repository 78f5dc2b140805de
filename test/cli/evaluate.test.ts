import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motionfuse, motionfuseInProcess } from '../helpers/run-cli.ts';

/** `motionfuse evaluate` as a user runs it, on a tiny synthetic set: a sweep over the models, run into --out. */

interface Experiment {
  split: { kind: string; k: number };
  dataset: { subjects: number };
  inputs: { backbone?: { model: string } };
  train: {
    classWeights: string;
    augment: { copies: number; chain: { rotateImu: { p: number; maxDeg: number }; flip: { p: number } } };
  };
}
interface Fold {
  trialId: string;
  label: string;
  fold: number;
  result: {
    subjects: { train: string[]; test: string[] };
    trainRows: number;
    validationRows: number;
    testRows: number;
  };
}

/** The run folder --out: its resolved experiment and trials, and every fold by trial label, in fold order. */
async function readRun(out: string) {
  const config = JSON.parse(await readFile(join(out, 'experiment.json'), 'utf8')) as {
    experiment: Experiment;
    trials: { id: string; label: string; experiment: Experiment }[];
  };
  const folds = new Map<string, Fold['result'][]>();
  for (const t of config.trials) {
    const files = (await readdir(join(out, 'trials', t.id))).filter((f) => /^fold-\d+\.json$/.test(f)).sort();
    folds.set(
      t.label,
      await Promise.all(
        files.map(async (f) => (JSON.parse(await readFile(join(out, 'trials', t.id, f), 'utf8')) as Fold).result),
      ),
    );
  }
  return { ...config, folds };
}

let work = '';
const Evaluate = suite('motionfuse evaluate');
Evaluate.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'motionfuse-evaluate-'));
});
Evaluate.after(async () => {
  await rm(work, { recursive: true, force: true });
});

Evaluate(
  'compares the named models by group k-fold into a run folder: the table, the CSV and every fold with the resolved config',
  async () => {
    const out = join(work, 'run');
    const r = motionfuse(
      [
        'evaluate',
        '--workers',
        '0',
        '--models',
        'svm',
        'imu-only',
        '--subjects',
        '4',
        '--clips',
        '1',
        '--folds',
        '2',
        '--epochs',
        '2',
        '--out',
        out,
      ],
      {},
      300_000,
    );
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| variant \| folds \| accuracy % \| macro F1 % \| weighted F1 % \| jump error % \|/);
    assert.match(r.stdout, /\| svm \| 2 \| \d+\.\d ± \d+\.\d \|/);
    assert.match(r.stdout, /\| imu-only \|/);
    const run = await readRun(out);
    assert.equal(
      run.trials.map((t) => t.label),
      ['svm', 'imu-only'],
    );
    assert.is(run.experiment.split.k, 2);
    assert.is(run.experiment.dataset.subjects, 4);
    const environment = JSON.parse(await readFile(join(out, 'environment.json'), 'utf8')) as {
      starts: { tfjs: string }[];
    };
    assert.ok((environment.starts[0]?.tfjs ?? '').length > 0);
    for (const folds of run.folds.values()) {
      assert.is(folds.length, 2);
      for (const f of folds)
        assert.not.ok(
          f.subjects.test.some((s) => f.subjects.train.includes(s)),
          'a test athlete was trained on',
        );
    }
    const csv = await readFile(join(out, 'tables', 'variants.csv'), 'utf8');
    assert.match(csv, /^variant,dataset,folds,accuracy_mean/);
    assert.is(csv.trim().split('\n').length, 3);
  },
);

Evaluate(
  'the pretrained-backbone model computes MoveNet features once per clip into the cache, and the resolved config records backbone and class weights',
  async () => {
    const cache = join(work, 'cache');
    const args = (out: string) => [
      'evaluate',
      '--workers',
      '0',
      '--models',
      'pretrained-video',
      '--subjects',
      '2',
      '--clips',
      '1',
      '--folds',
      '2',
      '--epochs',
      '1',
      '--class-weights',
      'balanced',
      '--out',
      join(work, out),
    ];
    const first = motionfuse(args('a'), { MOTIONFUSE_CACHE: cache }, 300_000);
    assert.is(first.code, 0, first.stderr);
    const files = async () =>
      (await readdir(join(cache, 'features'), { recursive: true })).filter((f) => f.endsWith('.f32'));
    assert.is((await files()).length, 20, 'one cached feature file per clip (2 athletes x 10 actions)');
    // Without the prepared input set, the second run builds its inputs again, from the cached features.
    await rm(join(cache, 'input-sets'), { recursive: true, force: true });
    const second = motionfuse(args('b'), { MOTIONFUSE_CACHE: cache }, 300_000);
    assert.is(second.code, 0, second.stderr);
    assert.is((await files()).length, 20, 'the second run found every clip cached');
    const a = (await readRun(join(work, 'a'))).trials[0]?.experiment as Experiment;
    assert.equal(a.inputs.backbone, { model: 'movenet-lightning' });
    assert.is(a.train.classWeights, 'balanced');
    assert.equal(
      await readFile(join(work, 'b', 'tables', 'variants.csv'), 'utf8'),
      await readFile(join(work, 'a', 'tables', 'variants.csv'), 'utf8'),
      'cached features give the same results',
    );
  },
);

Evaluate(
  // An IMU-only network for one epoch: what this checks is rows, and a network that reads no key frames needs
  // no frames rendered (the SVM, which does, is the first test's).
  '--augment adds augmented copies of the training trials only: training rows double, test rows stay the originals',
  async () => {
    const out = join(work, 'augmented');
    const r = motionfuse(
      [
        'evaluate',
        '--workers',
        '0',
        '--models',
        'imu-only',
        '--epochs',
        '1',
        '--subjects',
        '3',
        '--clips',
        '1',
        '--folds',
        '3',
        '--augment',
        '1',
        '--augment-config',
        '{"rotateImu":{"p":1,"maxDeg":60}}',
        '--out',
        out,
      ],
      {},
      300_000,
    );
    assert.is(r.code, 0, r.stderr);
    const run = await readRun(out);
    const augment = run.experiment.train.augment;
    assert.is(augment.copies, 1);
    assert.equal(augment.chain.rotateImu, { p: 1, maxDeg: 60 });
    assert.is(augment.chain.flip.p, 0.5, 'the resolved chain, defaults filled in, is recorded');
    // 3 athletes x 10 actions: 1 athlete trains (10 trials + 10 copies), 1 validates and 1 tests (10 trials
    // each: copies are never validated or tested on).
    assert.equal(
      run.folds.get('imu-only')!.map((f) => [f.trainRows, f.validationRows, f.testRows]),
      [
        [20, 10, 10],
        [20, 10, 10],
        [20, 10, 10],
      ],
    );
  },
);

Evaluate('--split k-fold stratifies by class and shares athletes between training and test, and says so', async () => {
  const out = join(work, 'kfold');
  // The first test's athletes and takes: their key frames come from the input cache, not rendered again.
  const r = motionfuse(
    [
      'evaluate',
      '--workers',
      '0',
      '--models',
      'svm',
      '--subjects',
      '4',
      '--clips',
      '1',
      '--folds',
      '4',
      '--split',
      'k-fold',
      '--out',
      out,
    ],
    {},
    300_000,
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /over 4 folds \(k-fold stratified by class\)/);
  const run = await readRun(out);
  assert.is(run.experiment.split.kind, 'k-fold');
  const folds = run.folds.get('svm')!;
  assert.equal(
    folds.map((f) => f.testRows),
    [10, 10, 10, 10],
  );
  assert.ok(
    // Each class's four takes (one per athlete) land one in each fold: a fold tests several athletes, all trained on.
    folds.every((f) => f.subjects.test.length >= 2 && f.subjects.test.every((s) => f.subjects.train.includes(s))),
    'every athlete on both sides',
  );
});

Evaluate(
  'an unknown model, an impossible fold count or a folder holding a run is exit 2 with the choices',
  async () => {
    // The first as a process (exit code and output as a shell sees them), the rest in-process: option checks only.
    const unknown = motionfuse(['evaluate', '--models', 'resnet-9000']);
    assert.is(unknown.code, 2);
    assert.match(unknown.stderr, /unknown model 'resnet-9000'/);
    // The registry's models that a name alone makes (fusion needs `use`: an experiment file gives it).
    assert.match(unknown.stderr, /known models: video-only, imu-only, .*svm, single-frame-cnn, two-stream-cnn, lstm/);
    assert.not.match(unknown.stderr, /fusion,/);
    const folds = await motionfuseInProcess(['evaluate', '--subjects', '3', '--folds', '5']);
    assert.is(folds.code, 2);
    assert.match(folds.stderr, /--folds must be a whole number from 2 to the number of athletes \(3\), got 5/);
    const placement = await motionfuseInProcess(['evaluate', '--placements', 'wrist', 'knee']);
    assert.is(placement.code, 2);
    assert.match(placement.stderr, /--placements: 'knee' is not worn by the synthetic athletes/);
    assert.match(placement.stderr, /They wear: wrist, ankle, pelvis/);
    const badJson = await motionfuseInProcess(['evaluate', '--augment', '1', '--augment-config', '{rotate']);
    assert.is(badJson.code, 2);
    assert.match(badJson.stderr, /--augment-config is not JSON/);
    const badField = await motionfuseInProcess([
      'evaluate',
      '--augment',
      '1',
      '--augment-config',
      '{"rotateImu":{"maxDeg":500}}',
    ]);
    assert.is(badField.code, 2);
    assert.match(badField.stderr, /augmentation config: rotateImu\.maxDeg/);
    const badWorkers = await motionfuseInProcess(['evaluate', '--workers', '-1']);
    assert.is(badWorkers.code, 2);
    assert.match(badWorkers.stderr, /^error: --workers must be a whole number >= 0, got -1/);
    const taken = join(work, 'run');
    assert.ok(existsSync(join(taken, 'experiment.json')), 'the first test made a run there');
    const again = await motionfuseInProcess(['evaluate', '--models', 'svm', '--out', taken]);
    assert.is(again.code, 2);
    assert.match(again.stderr, /--out: .* holds a run already/);
  },
);
Evaluate.run();
