import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment } from '../src/experiments/load-experiment.ts';
import { runExperiment } from '../src/experiments/run-experiment.ts';

/** One timed configuration: `workers` fold workers, each with `threads` kernel threads (undefined: 'auto'). */
export interface SweepConfig {
  workers: number;
  threads?: number;
}

/** '2' (two workers, threads 'auto') or '1x1' (one worker with one kernel thread). */
export function parseSweepConfig(text: string): SweepConfig {
  const m = /^(\d+)(?:x(\d+))?$/.exec(text.trim());
  if (m === null) throw new Error(`a configuration is WORKERS or WORKERSxTHREADS (e.g. 2 or 1x1), got '${text}'`);
  return { workers: Number(m[1]), ...(m[2] === undefined ? {} : { threads: Number(m[2]) }) };
}

/**
 * A sweep of 4 trials x 3 folds (the IMU-only and fused attention-LSTM networks, two learning
 * rates each, 240 synthetic takes) run with each configuration in turn: seconds each, and the
 * speed-up of each over every earlier one. The inputs are prepared before the timing (a warm
 * input-set cache), so the figure is the folds' own work.
 */
export async function benchSweepWorkers(args: { configs: SweepConfig[]; epochs: number; clips: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'mf-bench-sweep-'));
  const file = join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    `name: bench-sweep
dataset: { name: synthetic, subjects: 12, clipsPerClass: ${args.clips} }
split: { kind: group-k-fold, k: 3 }
inputs: { imu: { placements: [wrist] } }
model: { type: imu-only }
train: { epochs: ${args.epochs}, patience: ${args.epochs} }
sweep:
  grid:
    model.type: [imu-only, fused-attention-lstm]
    train.learningRate: [0.001, 0.002]
`,
  );
  try {
    const loaded = await loadExperiment(file);
    const base = {
      sweep: true,
      environment: { bench: 'sweep-workers' },
      cacheDir: join(dir, 'cache'),
      codeVersion: 'bench',
      progress: false,
    } as const;
    // Prepares (and caches) the input sets; not timed.
    await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'warm'), workers: 2 });
    const runs: {
      config: string;
      workers: number;
      threads_per_worker: number | 'auto';
      seconds: number;
      speedup_over?: Record<string, number>;
    }[] = [];
    for (const [k, config] of args.configs.entries()) {
      const started = performance.now();
      const summary = await runExperiment(loaded, {
        ...base,
        resultsRoot: join(dir, `run${k}`),
        workers: config.workers,
        ...(config.threads === undefined ? {} : { threadsPerWorker: config.threads }),
      });
      const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
      const name = `${summary.workers} worker${summary.workers === 1 ? '' : 's'} x ${config.threads ?? 'auto'} thread${config.threads === 1 ? '' : 's'}`;
      const speedupOver = Object.fromEntries(runs.map((r) => [r.config, Number((r.seconds / seconds).toFixed(2))]));
      runs.push({
        config: name,
        workers: summary.workers,
        threads_per_worker: config.threads ?? 'auto',
        seconds,
        ...(runs.length > 0 ? { speedup_over: speedupOver } : {}),
      });
    }
    return {
      sweep: '4 trials x 3 folds',
      clips: 12 * 10 * args.clips,
      epochs: args.epochs,
      cores: availableParallelism(),
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
