import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseQueueUrl } from '../../../src/experiments/distributed/queue-url.ts';
import { configHash, runKey, unitJobId, type SweepUnit } from '../../../src/experiments/distributed/sweep-unit.ts';
import { startUnitWorker } from '../../../src/experiments/distributed/unit-worker.ts';
import { expandTrials } from '../../../src/experiments/expand-sweep.ts';
import { loadExperiment } from '../../../src/experiments/load-experiment.ts';
import { findRedisServer, startRedisServer } from '../../helpers/redis-server.ts';

const redis = await findRedisServer();
if ('missing' in redis) console.log(`unit worker tests skipped: ${redis.missing}`);
const UnitWorker = suite('startUnitWorker');

('path' in redis ? UnitWorker : UnitWorker.skip)(
  'refuses a unit of another code version: says why, puts the unit back on the queue for another worker, trains nothing',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf-unit-worker-'));
    const file = join(dir, 'one.yaml');
    writeFileSync(
      file,
      'name: one\ndataset: { name: synthetic, subjects: 3, clipsPerClass: 1, video: false }\nsplit: { kind: group-k-fold, k: 3 }\ninputs: { imu: { placements: [wrist] } }\nmodel: { type: imu-only }\n',
    );
    const trial = expandTrials(await loadExperiment(file), { sweep: false })[0];
    if (trial === undefined) throw new Error('no trial');
    const server = await startRedisServer((redis as { path: string }).path, { password: 'pw-1' });
    const queue = parseQueueUrl(server.url);
    const connection = new Redis(queue.url, { maxRetriesPerRequest: null });
    const jobs = new Queue<SweepUnit>('refusals', { connection });
    const lines: string[] = [];
    try {
      const unit: SweepUnit = {
        format: 'motionfuse-unit/1',
        run: runKey(join(dir, 'run')),
        unit: `${trial.id}/fold-1`,
        trialId: trial.id,
        fold: 0,
        repeat: 0,
        experiment: trial.experiment,
        configHash: configHash(trial.experiment),
        codeVersion: '0.1.0+coordinator',
        files: { sources: [file], sets: [], sweep: false },
      };
      const id = unitJobId(unit.run, unit.unit);
      await jobs.add('unit', unit, { jobId: id });
      let refused: (message: string) => void = () => {};
      const refusal = new Promise<string>((resolve) => (refused = resolve));
      const worker = await startUnitWorker({
        queue,
        queueName: 'refusals',
        concurrency: 1,
        cacheDir: join(dir, 'cache'),
        codeVersion: '0.1.0+worker',
        lockDuration: 1000,
        log: (line) => lines.push(line),
        onRefusal: (r) => refused(r.message),
      });
      const message = await refusal;
      await worker.close();
      assert.match(
        message,
        /refused: this worker runs code 0\.1\.0\+worker, the run was started with 0\.1\.0\+coordinator/,
      );
      assert.is(await jobs.getJobState(id), 'waiting', 'the unit is back on the queue');
      assert.not.ok(
        lines.some((l) => /: started \(attempt/.test(l)),
        'nothing trained',
      );
      assert.not.ok(lines.join('\n').includes('pw-1'), 'no password in the log');
    } finally {
      await jobs.close();
      connection.disconnect();
      await server.stop();
    }
  },
);

UnitWorker.run();
