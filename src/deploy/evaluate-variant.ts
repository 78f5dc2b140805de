import type { InputSet } from '../inputs/input-spec.ts';
import { predictProbabilities } from '../train/fit.ts';
import { classificationReport, type ClassificationReport } from '../train/metrics.ts';
import { loadTrainedModel } from '../train/model-store.ts';

/** An exported model's predictions on rows of `set` (its held-out fold), loaded as any user would load it. */
export async function evaluateExported(
  dir: string,
  set: InputSet,
  rows: readonly number[],
): Promise<{ report: ClassificationReport; probabilities: Float32Array }> {
  const trained = await loadTrainedModel(dir);
  try {
    const probabilities = await predictProbabilities(trained.model, set, rows, trained.pipeline);
    const k = trained.classes.length;
    const predicted = rows.map((_, i) => {
      let best = 0;
      for (let c = 1; c < k; c++)
        if ((probabilities[i * k + c] as number) > (probabilities[i * k + best] as number)) best = c;
      return best;
    });
    const truth = rows.map((r) => set.labels[r] as number);
    return { report: classificationReport(truth, predicted, trained.classes), probabilities };
  } finally {
    trained.model.dispose();
  }
}
