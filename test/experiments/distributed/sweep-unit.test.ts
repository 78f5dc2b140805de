import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { expandTrials } from '../../../src/experiments/expand-sweep.ts';
import { loadExperiment } from '../../../src/experiments/load-experiment.ts';
import {
  checkSweepUnit,
  configHash,
  runKey,
  trialReader,
  unitJobId,
  type SweepUnit,
} from '../../../src/experiments/distributed/sweep-unit.ts';

const dir = mkdtempSync(join(tmpdir(), 'mf-unit-'));
const TEXT =
  'name: unit\ndataset: { name: synthetic, subjects: 3, clipsPerClass: 1, video: false }\nsplit: { kind: group-k-fold, k: 3 }\ninputs: { imu: { placements: [wrist] } }\nmodel: { type: imu-only }\ntrain: { epochs: 1 }\nsweep:\n  grid:\n    train.learningRate: [0.001, 0.002]\n';

async function unitOf(file: string, trialIndex = 0): Promise<SweepUnit> {
  const loaded = await loadExperiment(file);
  const trial = expandTrials(loaded, { sweep: true })[trialIndex];
  if (trial === undefined) throw new Error('no trial');
  return {
    format: 'motionfuse-unit/1',
    run: runKey(join(dir, 'run')),
    unit: `${trial.id}/fold-2`,
    trialId: trial.id,
    fold: 1,
    repeat: 0,
    experiment: trial.experiment,
    configHash: configHash(trial.experiment),
    codeVersion: '0.1.0+abc',
    files: { sources: [file], sets: [], sweep: true },
  };
}

const Check = suite('checkSweepUnit');
const file = join(dir, 'sweep.yaml');
writeFileSync(file, TEXT);
const here = { codeVersion: '0.1.0+abc', readTrials: trialReader() };

Check('runs a unit of the same code whose files make the same trial', async () => {
  assert.is(await checkSweepUnit(await unitOf(file, 1), here), undefined);
});

Check('refuses a unit of another code version, naming both', async () => {
  const refusal = await checkSweepUnit(await unitOf(file), { ...here, codeVersion: '0.1.0+def' });
  assert.match(
    refusal?.message ?? '',
    /refused: this worker runs code 0\.1\.0\+def, the run was started with 0\.1\.0\+abc/,
  );
  assert.match(refusal?.hint ?? '', /Check out the coordinator's commit/);
});

Check('refuses a configuration that does not match its hash', async () => {
  const unit = await unitOf(file);
  const altered = { ...unit, experiment: { ...unit.experiment, train: { ...unit.experiment.train, epochs: 99 } } };
  assert.match((await checkSweepUnit(altered, here))?.message ?? '', /its configuration does not match its hash/);
});

Check('refuses a unit whose experiment file this worker cannot read', async () => {
  const unit = await unitOf(file);
  const elsewhere = { ...unit, files: { ...unit.files, sources: [join(dir, 'absent', 'sweep.yaml')] } };
  const refusal = await checkSweepUnit(elsewhere, here);
  assert.match(refusal?.message ?? '', /cannot read the experiment file .*absent\/sweep\.yaml/);
  assert.match(refusal?.hint ?? '', /runs only experiments it can read itself/);
});

Check("refuses a unit when this machine's copy of the file makes another trial", async () => {
  const unit = await unitOf(file);
  const copy = join(dir, 'copy.yaml');
  writeFileSync(copy, TEXT.replace('epochs: 1', 'epochs: 2'));
  const refusal = await checkSweepUnit({ ...unit, files: { ...unit.files, sources: [copy] } }, here);
  assert.match(refusal?.message ?? '', /the experiment files here make a different trial/);
});

const Keys = suite('runKey / unitJobId');

Keys('a run folder has one key; another folder of the same name another', () => {
  assert.is(runKey(join(dir, 'a', 'run-1')), runKey(join(dir, 'a', '.', 'run-1')));
  assert.is.not(runKey(join(dir, 'a', 'run-1')), runKey(join(dir, 'b', 'run-1')));
  assert.match(runKey(join(dir, 'a', 'run:1')), /^run_1-[0-9a-f]{12}$/);
});

Keys('a job id names the run and the unit, without the colon BullMQ refuses', () => {
  assert.is(unitJobId('r-1', 'abc/fold-2-r3'), 'r-1.abc.fold-2-r3');
});

Check.run();
Keys.run();
