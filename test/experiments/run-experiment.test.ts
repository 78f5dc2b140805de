import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNativeAddon } from '../../src/backend/native/native-addon.ts';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { loadExperiment } from '../../src/experiments/load-experiment.ts';
import { runExperiment } from '../../src/experiments/run-experiment.ts';
import { loadTrainedModel } from '../../src/train/model-store.ts';
import { rejects } from '../helpers/rejects.ts';

const dir = mkdtempSync(join(tmpdir(), 'mf-run-'));
const RunExperiment = suite('runExperiment');
RunExperiment.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

RunExperiment(
  'in this thread (workers 0): every fold written, models saved where asked and reloadable, tables and report made',
  async () => {
    const file = join(dir, 'models.yaml');
    writeFileSync(
      file,
      'name: models\ndataset: { name: synthetic, subjects: 4, clipsPerClass: 1, video: false, actions: [jump, hop, squat] }\nsplit: { kind: group-k-fold, k: 2 }\ninputs: { imu: { placements: [wrist] } }\nmodel: { type: imu-only, lstmUnits: 8, imuFilters: [8] }\ntrain: { epochs: 2 }\nrun: { saveModels: true }\n',
    );
    const summary = await runExperiment(await loadExperiment(file), {
      sweep: false,
      resultsRoot: join(dir, 'results'),
      workers: 0,
      environment: { test: true },
      cacheDir: join(dir, 'cache'),
      codeVersion: 'test',
      progress: false,
    });
    assert.is(summary.workers, 0);
    assert.is(summary.ran.length, 2);
    assert.not.ok(summary.stopped);
    const trial = summary.trials[0]?.id as string;
    for (const fold of [1, 2]) {
      const saved = join(summary.runDir, 'trials', trial, `model-fold-${fold}`);
      assert.ok(existsSync(join(saved, 'model.json')), `model of fold ${fold}`);
      const trained = await loadTrainedModel(saved);
      assert.equal(trained.pipeline.modalities, ['imu']);
      assert.equal(trained.inputs.imu?.placements, ['wrist']);
      const out = trained.model.predict(tf.zeros([1, 200, 7])) as tf.Tensor;
      assert.equal(out.shape, [1, 3], 'one output per action asked for');
      assert.equal(trained.classes, ['jump', 'hop', 'squat']);
      tf.dispose(out);
      trained.model.dispose();
    }
    const foldFile = JSON.parse(readFileSync(join(summary.runDir, 'trials', trial, 'fold-1.json'), 'utf8')) as {
      result: {
        predictions: { ids: string[]; truth: number[]; predicted: number[] };
        subjects: { train: string[]; test: string[] };
      };
    };
    assert.is(foldFile.result.predictions.ids.length, foldFile.result.predictions.predicted.length);
    assert.ok(
      foldFile.result.subjects.test.every((s) => !foldFile.result.subjects.train.includes(s)),
      'no subject on both sides',
    );
    assert.ok(existsSync(join(summary.runDir, 'tables', 'variants.md')));
    assert.is(summary.report, join(summary.runDir, 'report.html'));
    const config = JSON.parse(readFileSync(join(summary.runDir, 'experiment.json'), 'utf8')) as {
      trials: { experiment: { train: { batchSize: number } } }[];
    };
    assert.is(config.trials[0]?.experiment.train.batchSize, 32, 'the resolved configuration, defaults filled in');
  },
);

RunExperiment(
  'the same seed gives the same folds whatever the number of workers (and so of kernel threads)',
  async () => {
    const file = join(dir, 'workers.yaml');
    writeFileSync(
      file,
      'name: workers\ndataset: { name: synthetic, subjects: 4, clipsPerClass: 1, actions: [jump, hop, squat] }\nsplit: { kind: group-k-fold, k: 2 }\ninputs: { imu: { placements: [wrist] }, video: { size: 32 } }\nmodel: { type: fused-attention-lstm, lstmUnits: 8, imuFilters: [8] }\ntrain: { epochs: 2 }\n',
    );
    const loaded = await loadExperiment(file);
    const base = {
      sweep: false,
      environment: {},
      cacheDir: join(dir, 'cache'),
      codeVersion: 'test',
      progress: false,
    } as const;
    const folds = (runDir: string, trial: string) =>
      [1, 2].map((k) => {
        const { result } = JSON.parse(readFileSync(join(runDir, 'trials', trial, `fold-${k}.json`), 'utf8')) as {
          result: { training: unknown; predictions: unknown };
        };
        return { training: result.training, predictions: result.predictions };
      });
    const { addon } = loadNativeAddon();
    const one = await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'one'), workers: 0 });
    const onAllCores = addon?.info().threads;
    // One worker held to one kernel thread (`run.threadsPerWorker`), then a worker per core.
    const single = await runExperiment(loaded, {
      ...base,
      resultsRoot: join(dir, 'single'),
      workers: 1,
      threadsPerWorker: 1,
    });
    if (addon !== undefined) {
      // MOTIONFUSE_THREADS, when set, sizes the pool instead of 'auto'.
      if ((process.env['MOTIONFUSE_THREADS'] ?? '') === '')
        assert.is(onAllCores, availableParallelism(), 'a lone worker uses every core');
      assert.is(addon.info().threads, 1, 'threadsPerWorker: 1 holds the lone worker to one thread');
    }
    // The run records what it computed with.
    const started = (
      JSON.parse(readFileSync(join(single.runDir, 'environment.json'), 'utf8')) as {
        starts: { workers: number; nativeKernels: string }[];
      }
    ).starts.at(-1);
    assert.is(started?.workers, 1);
    assert.match(
      started?.nativeKernels ?? '',
      addon === undefined ? /^not used: / : /, 1 thread per worker \(on the wasm backend\)$/,
    );
    const two = await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'two'), workers: 2 });
    addon?.setThreads(0);
    const trial = one.trials[0]?.id as string;
    assert.equal(folds(single.runDir, trial), folds(one.runDir, trial));
    assert.equal(folds(two.runDir, trial), folds(one.runDir, trial));
  },
);

const repeatsFile = (name: string, run = '') =>
  `name: ${name}\ndataset: { name: synthetic, subjects: 4, clipsPerClass: 1, video: false, actions: [jump, hop, squat] }\nsplit: { kind: group-k-fold, k: 2 }\ninputs: { imu: { placements: [wrist] } }\nmodel: { type: imu-only, lstmUnits: 8, imuFilters: [8] }\ntrain: { epochs: 2 }\n${run}`;
const inThread = {
  sweep: false,
  workers: 0,
  environment: {},
  cacheDir: join(dir, 'cache'),
  codeVersion: 'test',
  progress: false,
} as const;
interface SavedFold {
  repeat?: number;
  result: {
    seconds: number;
    subjects: unknown;
    predictions: { ids: string[] };
    training: { history: { loss: number }[] };
  };
}
const readFold = (runDir: string, trial: string, name: string) =>
  JSON.parse(readFileSync(join(runDir, 'trials', trial, `${name}.json`), 'utf8')) as SavedFold;
const withoutSeconds = ({ result: { seconds: _, ...rest } }: SavedFold) => rest;

RunExperiment(
  'run.repeats: every fold trains again with its own seed, the first as without repeats, reproducibly; tables count folds x repeats; resume goes by repeat',
  async () => {
    const plainFile = join(dir, 'plain.yaml');
    writeFileSync(plainFile, repeatsFile('plain'));
    const repeatedFile = join(dir, 'repeated.yaml');
    writeFileSync(repeatedFile, repeatsFile('repeated', 'run: { repeats: 2 }\n'));
    const plain = await runExperiment(await loadExperiment(plainFile), {
      ...inThread,
      resultsRoot: join(dir, 'plain'),
    });
    const repeated = await loadExperiment(repeatedFile);
    const twice = await runExperiment(repeated, { ...inThread, resultsRoot: join(dir, 'repeated-a') });
    const trial = twice.trials[0]?.id as string;
    assert.is(plain.trials[0]?.id, trial, 'run settings are not part of the trial id');
    assert.equal([...twice.ran].sort(), [
      `${trial}/fold-1`,
      `${trial}/fold-1-r2`,
      `${trial}/fold-2`,
      `${trial}/fold-2-r2`,
    ]);
    for (const k of [1, 2]) {
      const before = readFold(plain.runDir, trial, `fold-${k}`);
      const first = readFold(twice.runDir, trial, `fold-${k}`);
      const second = readFold(twice.runDir, trial, `fold-${k}-r2`);
      assert.is(before.repeat, undefined, 'a run without repeats writes its fold files as before');
      assert.equal([first.repeat, second.repeat], [0, 1]);
      assert.equal(withoutSeconds(first), withoutSeconds(before), `repeat 1 of fold ${k} is the fold without repeats`);
      assert.equal(second.result.subjects, first.result.subjects, 'the same folds');
      assert.equal(second.result.predictions.ids, first.result.predictions.ids, 'the same test samples');
      assert.not.equal(
        second.result.training.history.map((e) => e.loss),
        first.result.training.history.map((e) => e.loss),
        'another training seed',
      );
    }

    const again = await runExperiment(repeated, { ...inThread, resultsRoot: join(dir, 'repeated-b') });
    for (const name of ['fold-1', 'fold-1-r2', 'fold-2', 'fold-2-r2'])
      assert.equal(
        withoutSeconds(readFold(again.runDir, trial, name)),
        withoutSeconds(readFold(twice.runDir, trial, name)),
        `${name} reproduced`,
      );

    const csv = readFileSync(join(twice.runDir, 'tables', 'variants.csv'), 'utf8')
      .trim()
      .split('\n');
    const header = (csv[0] as string).split(',');
    const row = (csv[1] as string).split(',');
    const at = (column: string) => row[header.indexOf(column)];
    assert.equal([at('folds'), at('repeats'), at('runs')], ['2', '2', '4']);
    assert.match(readFileSync(join(twice.runDir, 'tables', 'variants.md'), 'utf8'), /\| imu-only \| 4 \(2 x 2\) \|/);
    assert.match(readFileSync(join(twice.runDir, 'report.html'), 'utf8'), /<th>runs \(folds x repeats\)<\/th>/);

    rmSync(join(twice.runDir, 'trials', trial, 'fold-2-r2.json'));
    const resumed = await runExperiment(repeated, {
      ...inThread,
      resultsRoot: join(dir, 'repeated-a'),
      resume: twice.runDir,
    });
    assert.equal(resumed.ran, [`${trial}/fold-2-r2`]);
    assert.equal([...resumed.reused].sort(), [`${trial}/fold-1`, `${trial}/fold-1-r2`, `${trial}/fold-2`]);
    assert.equal(
      withoutSeconds(readFold(twice.runDir, trial, 'fold-2-r2')),
      withoutSeconds(readFold(again.runDir, trial, 'fold-2-r2')),
    );
    await rejects(
      runExperiment(await loadExperiment(repeatedFile, { set: ['run.repeats=3'] }), {
        ...inThread,
        resultsRoot: join(dir, 'repeated-a'),
        resume: twice.runDir,
      }),
      /--resume: run\.repeats is 3 here but 2 in the run in /,
    );
  },
);

RunExperiment('report.reference must name a variant of a sweep; a run of one trial compares nothing', async () => {
  const file = join(dir, 'reference.yaml');
  const sweep = 'sweep: { ablations: { small: { model.lstmUnits: 4 }, large: { model.lstmUnits: 8 } } }\n';
  writeFileSync(file, repeatsFile('reference', `report: { reference: fused }\n${sweep}`));
  await rejects(
    runExperiment(await loadExperiment(file), { ...inThread, sweep: true, resultsRoot: join(dir, 'reference') }),
    /report\.reference: no variant is named 'fused'/,
  );
  const one = await runExperiment(await loadExperiment(file), { ...inThread, resultsRoot: join(dir, 'reference-one') });
  assert.ok(one.runDir.length > 0, 'the base configuration ran');
});

RunExperiment('late fusion weighted on the validation group without one stops before any training', async () => {
  const file = join(dir, 'late-validation.yaml');
  writeFileSync(
    file,
    repeatsFile('late-validation')
      .replace('split: { kind: group-k-fold, k: 2 }', 'split: { kind: group-k-fold, k: 2, validationFolds: 0 }')
      .replace(
        'model: { type: imu-only, lstmUnits: 8, imuFilters: [8] }',
        'model: { type: late-fusion, use: [imu, pose], combine: validation }',
      ),
  );
  await rejects(
    runExperiment(await loadExperiment(file), { ...inThread, resultsRoot: join(dir, 'late-validation') }),
    /model\.combine: validation .* split\.validationFolds is 0/,
  );
  assert.not.ok(existsSync(join(dir, 'late-validation')), 'no run folder was written');
});

RunExperiment.run();
