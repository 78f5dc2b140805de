import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment } from '../src/experiments/load-experiment.ts';
import { runExperiment } from '../src/experiments/run-experiment.ts';

/**
 * A sweep of 4 trials x 3 folds (the IMU-only and fused attention-LSTM networks, two learning
 * rates each, 240 synthetic trials) run with each worker count in turn: seconds each, and the
 * speed-up over the first. The inputs are prepared before the timing (a warm input-set cache), so
 * the figure is the folds' own work.
 */
export async function benchSweepWorkers(args: { workers: number[]; epochs: number; clips: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'mf-bench-sweep-'));
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, `name: bench-sweep
dataset: { name: synthetic, subjects: 12, clipsPerClass: ${args.clips} }
split: { kind: group-k-fold, k: 3 }
inputs: { imu: { placements: [wrist] } }
model: { type: imu-only }
train: { epochs: ${args.epochs}, patience: ${args.epochs} }
sweep:
  grid:
    model.type: [imu-only, fused-attention-lstm]
    train.learningRate: [0.001, 0.002]
`);
  try {
    const loaded = await loadExperiment(file);
    const base = { sweep: true, environment: { bench: 'sweep-workers' }, cacheDir: join(dir, 'cache'), codeVersion: 'bench', progress: false } as const;
    // Prepares (and caches) the input sets; not timed.
    await runExperiment(loaded, { ...base, resultsRoot: join(dir, 'warm'), workers: 2 });
    const runs: { workers: number; seconds: number }[] = [];
    for (const workers of args.workers) {
      const started = performance.now();
      const summary = await runExperiment(loaded, { ...base, resultsRoot: join(dir, `w${workers}`), workers });
      runs.push({ workers: summary.workers, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) });
    }
    const first = runs[0]?.seconds ?? Number.NaN;
    return { sweep: '4 trials x 3 folds', clips: 12 * 10 * args.clips, epochs: args.epochs, runs: runs.map((r) => ({ ...r, speedup: Number((first / r.seconds).toFixed(2)) })) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
