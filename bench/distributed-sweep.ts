import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { whichTool } from '../src/core/run-tool.ts';
import { startFoldPool } from '../src/experiments/fold-pool.ts';
import { startQueueFoldPool } from '../src/experiments/distributed/queue-fold-pool.ts';
import { parseQueueUrl } from '../src/experiments/distributed/queue-url.ts';
import { loadExperiment } from '../src/experiments/load-experiment.ts';
import { runExperiment } from '../src/experiments/run-experiment.ts';

const bin = fileURLToPath(new URL('../src/cli/motionfuse.js', import.meta.url));

/**
 * A sweep of 4 trials x 3 folds run by the in-process runner with 1, 2 and 3 fold workers, and
 * through Redis with as many `motionfuse worker` processes (started and ready before the clock
 * starts; the coordinator is this process and trains nothing): seconds each, and the queue's
 * overhead per unit. Inputs are prepared beforehand; every kernel runs on one thread, so both
 * sides do the same arithmetic. Each side is timed `repeats` times, alternating, and the fastest
 * kept (a shared machine's other load only ever adds time); both keep their fold threads across
 * repeats, so from the second on both are warm and the difference is the queue's. Needs redis-server.
 */
export async function benchDistributedSweep(args: {
  workers: number[];
  epochs: number;
  clips: number;
  repeats: number;
}) {
  const redisServer = await whichTool('redis-server');
  if (redisServer === undefined) throw new Error('distributed-sweep: redis-server is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'mf-bench-dist-'));
  const file = join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    `name: bench-dist
dataset: { name: synthetic, subjects: 6, clipsPerClass: ${args.clips}, video: false }
split: { kind: group-k-fold, k: 3 }
inputs: { imu: { placements: [wrist] } }
model: { type: imu-only }
train: { epochs: ${args.epochs}, patience: ${args.epochs} }
sweep:
  grid:
    model.lstmUnits: [16, 32]
    train.learningRate: [0.001, 0.002]
`,
  );
  const env = {
    ...process.env,
    MOTIONFUSE_CACHE: join(dir, 'cache'),
    MOTIONFUSE_PROGRESS: 'off',
    MOTIONFUSE_THREADS: '1',
  };
  const port = await freePort();
  const redis = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
    stdio: 'ignore',
  });
  const queue = parseQueueUrl(`redis://127.0.0.1:${port}/0`);
  const children: ChildProcess[] = [];
  try {
    const loaded = await loadExperiment(file);
    // A worker says its code version, which the coordinator's units must carry.
    const probe = await startWorker(queue.url, env);
    children.push(probe.child);
    const codeVersion = probe.codeVersion;
    probe.child.kill('SIGTERM');
    const base = {
      sweep: true,
      environment: { bench: 'distributed-sweep' },
      cacheDir: join(dir, 'cache', 'input-sets'),
      codeVersion,
      progress: false,
      threadsPerWorker: 1,
    } as const;
    await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'warm'), workers: 1 });
    const runs: { workers: number; in_process_s: number; redis_s: number; overhead_per_unit_s: number }[] = [];
    for (const n of args.workers) {
      const workers = await Promise.all(Array.from({ length: n }, () => startWorker(queue.url, env)));
      children.push(...workers.map((w) => w.child));
      // The in-process side keeps one fold pool across its repeats, as a worker process keeps its threads.
      const pool = startFoldPool({ workers: n, threadsPerWorker: 1 });
      const kept = { ...pool, close: async () => {} };
      let local = Infinity;
      let distributed = Infinity;
      for (let r = 0; r < args.repeats; r++) {
        let started = performance.now();
        await runExperiment(loaded, {
          ...base,
          resultsRoot: join(dir, `local-${n}-${r}`),
          workers: n,
          startPool: () => kept,
        });
        local = Math.min(local, (performance.now() - started) / 1000);
        started = performance.now();
        await runExperiment(loaded, {
          ...base,
          resultsRoot: join(dir, `redis-${n}-${r}`),
          workers: n,
          startPool: (plan) =>
            startQueueFoldPool({
              queue,
              queueName: 'motionfuse',
              runDir: plan.runDir,
              codeVersion,
              files: { sources: [file], sets: [], sweep: true },
              finished: plan.finished,
              pollMs: 200,
            }),
        });
        distributed = Math.min(distributed, (performance.now() - started) / 1000);
      }
      await pool.close();
      for (const w of workers) w.child.kill('SIGTERM');
      runs.push({
        workers: n,
        in_process_s: Number(local.toFixed(2)),
        redis_s: Number(distributed.toFixed(2)),
        overhead_per_unit_s: Number(((distributed - local) / 12).toFixed(3)),
      });
    }
    return {
      sweep: '4 trials x 3 folds',
      units: 12,
      epochs: args.epochs,
      repeats: args.repeats,
      cores: availableParallelism(),
      runs,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    redis.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

function startWorker(url: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; codeVersion: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'worker', '--threads-per-worker', '1'], {
      env: { ...env, MOTIONFUSE_QUEUE: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\(code (\S+)\) takes units/.exec(out);
      if (m !== null) resolve({ child, codeVersion: m[1] as string });
    });
    child.once('exit', (code) => reject(new Error(`motionfuse worker exited (${code}):\n${out}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
