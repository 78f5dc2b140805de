import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

const dir = mkdtempSync(join(tmpdir(), 'mf-run-'));
const RunExperiment = suite('runExperiment');
RunExperiment.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

RunExperiment('in this thread (workers 0): every fold written, models saved where asked and reloadable, tables and report made', async () => {
  const file = join(dir, 'models.yaml');
  writeFileSync(file, 'name: models\ndataset: { name: synthetic, subjects: 4, clipsPerClass: 1, video: false, actions: [jump, hop, squat] }\nsplit: { kind: group-k-fold, k: 2 }\ninputs: { imu: { placements: [wrist] } }\nmodel: { type: imu-only, lstmUnits: 8, imuFilters: [8] }\ntrain: { epochs: 2 }\nrun: { saveModels: true }\n');
  const summary = await runExperiment(await loadExperiment(file), { sweep: false, resultsRoot: join(dir, 'results'), workers: 0, environment: { test: true }, cacheDir: join(dir, 'cache'), codeVersion: 'test', progress: false });
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
  const foldFile = JSON.parse(readFileSync(join(summary.runDir, 'trials', trial, 'fold-1.json'), 'utf8')) as { result: { predictions: { ids: string[]; truth: number[]; predicted: number[] }; subjects: { train: string[]; test: string[] } } };
  assert.is(foldFile.result.predictions.ids.length, foldFile.result.predictions.predicted.length);
  assert.ok(foldFile.result.subjects.test.every((s) => !foldFile.result.subjects.train.includes(s)), 'no subject on both sides');
  assert.ok(existsSync(join(summary.runDir, 'tables', 'variants.md')));
  assert.is(summary.report, join(summary.runDir, 'report.html'));
  const config = JSON.parse(readFileSync(join(summary.runDir, 'experiment.json'), 'utf8')) as { trials: { experiment: { train: { batchSize: number } } }[] };
  assert.is(config.trials[0]?.experiment.train.batchSize, 32, 'the resolved configuration, defaults filled in');
});

RunExperiment('the same seed gives the same folds whatever the number of workers (and so of kernel threads)', async () => {
  const file = join(dir, 'workers.yaml');
  writeFileSync(file, 'name: workers\ndataset: { name: synthetic, subjects: 4, clipsPerClass: 1, actions: [jump, hop, squat] }\nsplit: { kind: group-k-fold, k: 2 }\ninputs: { imu: { placements: [wrist] }, video: { size: 32 } }\nmodel: { type: fused-attention-lstm, lstmUnits: 8, imuFilters: [8] }\ntrain: { epochs: 2 }\n');
  const loaded = await loadExperiment(file);
  const base = { sweep: false, environment: {}, cacheDir: join(dir, 'cache'), codeVersion: 'test', progress: false } as const;
  const folds = (runDir: string, trial: string) => [1, 2].map((k) => {
    const { result } = JSON.parse(readFileSync(join(runDir, 'trials', trial, `fold-${k}.json`), 'utf8')) as { result: { training: unknown; predictions: unknown } };
    return { training: result.training, predictions: result.predictions };
  });
  const { addon } = loadNativeAddon();
  const one = await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'one'), workers: 0 });
  const onAllCores = addon?.info().threads;
  // One worker held to one kernel thread (`run.threadsPerWorker`), then a worker per core.
  const single = await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'single'), workers: 1, threadsPerWorker: 1 });
  if (addon !== undefined) {
    // MOTIONFUSE_THREADS, when set, sizes the pool instead of 'auto'.
    if ((process.env['MOTIONFUSE_THREADS'] ?? '') === '') assert.is(onAllCores, availableParallelism(), 'a lone worker uses every core');
    assert.is(addon.info().threads, 1, 'threadsPerWorker: 1 holds the lone worker to one thread');
  }
  // The run records what it computed with.
  const started = (JSON.parse(readFileSync(join(single.runDir, 'environment.json'), 'utf8')) as { starts: { workers: number; nativeKernels: string }[] }).starts.at(-1);
  assert.is(started?.workers, 1);
  assert.match(started?.nativeKernels ?? '', addon === undefined ? /^not used: / : /, 1 thread per worker \(on the wasm backend\)$/);
  const two = await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'two'), workers: 2 });
  addon?.setThreads(0);
  const trial = one.trials[0]?.id as string;
  assert.equal(folds(single.runDir, trial), folds(one.runDir, trial));
  assert.equal(folds(two.runDir, trial), folds(one.runDir, trial));
});

RunExperiment.run();
