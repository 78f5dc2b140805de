import * as tf from '@tensorflow/tfjs';
import { loadTrainedModel, type TrainedModel } from '../train/model-store.ts';

export interface Latency {
  p50_ms: number;
  p99_ms: number;
  runs: number;
}

/** The q-quantile (0..1) of sorted values, by linear interpolation between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (at - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/**
 * Batch-1 latency of exported models on the active backend: one prediction, from input tensors
 * to probabilities read back (dataSync). Every model first runs `warmup` untimed predictions
 * (kernel set-up, JIT), then the timed ones go round the models in turn, so that a machine
 * whose load changes (other processes share the cores) weighs on every model alike.
 */
export async function measureLatency(dirs: readonly string[], runs = 50, warmup = 10): Promise<Map<string, Latency>> {
  const models: { dir: string; trained: TrainedModel; xs: tf.Tensor[]; times: number[] }[] = [];
  try {
    for (const dir of dirs) {
      const trained = await loadTrainedModel(dir);
      // Fixed pseudo-random inputs of the model's own shapes: these networks' time does not depend on the values.
      const xs = trained.model.inputs.map((input) => {
        const shape = input.shape.map((d) => d ?? 1);
        const n = shape.reduce((a, b) => a * b, 1);
        return tf.tensor(
          Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5),
          shape,
        );
      });
      models.push({ dir, trained, xs, times: [] });
    }
    for (const m of models) for (let i = 0; i < warmup; i++) predictOnce(m.trained.model, m.xs);
    for (let r = 0; r < runs; r++)
      for (const m of models) {
        const started = performance.now();
        predictOnce(m.trained.model, m.xs);
        m.times.push(performance.now() - started);
      }
  } finally {
    for (const m of models) {
      tf.dispose(m.xs);
      m.trained.model.dispose();
    }
  }
  const out = new Map<string, Latency>();
  for (const m of models) {
    const sorted = [...m.times].sort((a, b) => a - b);
    out.set(m.dir, { p50_ms: quantile(sorted, 0.5), p99_ms: quantile(sorted, 0.99), runs });
  }
  return out;
}

function predictOnce(model: tf.LayersModel, xs: tf.Tensor[]): void {
  const out = tf.tidy(() => {
    const y = model.predict(xs) as tf.Tensor | tf.Tensor[];
    return tf.softmax(Array.isArray(y) ? (y[0] as tf.Tensor) : y);
  });
  out.dataSync();
  out.dispose();
}
