import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-file.ts';
import { startProgress } from '../core/progress.ts';
import { crossValidate, type CrossValidationOptions, type CrossValidationResult, type ModelRecipe } from './cross-validate.ts';
import type { InputSet, InputSpec } from '../inputs/model-inputs.ts';

/**
 * Cross-validates each model on one input set with the same folds, and writes the comparison:
 * results.json (every fold of every model), table.md and table.csv (mean and sample standard
 * deviation over folds of accuracy, macro F1, weighted F1 and the focus class's error).
 */
export interface EvaluationOptions extends CrossValidationOptions {
  focusClass: string;
  outDir: string;
  config: Record<string, unknown>;
  environment: Record<string, unknown>;
}

export async function evaluateModels(set: InputSet, spec: InputSpec, classes: readonly string[], recipes: readonly ModelRecipe[], options: EvaluationOptions): Promise<{ results: CrossValidationResult[]; table: string }> {
  const progress = startProgress({ label: 'evaluate', total: recipes.length * options.folds, unit: 'folds' });
  const results: CrossValidationResult[] = [];
  try {
    for (const recipe of recipes) {
      const result = await crossValidate(
        set, spec, classes, recipe, options,
        (fold, r) => progress.update(progress.value, `${recipe.name} fold ${fold + 1}/${options.folds} epoch ${r.epoch}${r.valAccuracy === undefined ? '' : ` val acc ${r.valAccuracy.toFixed(2)}`}`),
        (f) => progress.tick(1, `${recipe.name} fold ${f.fold + 1}/${options.folds} test acc ${f.report.accuracy.toFixed(2)}`),
      );
      results.push(result);
      // Written after every model, so a long comparison stopped part-way keeps what it finished.
      await writeJsonAtomic(join(options.outDir, 'results.json'), { config: options.config, environment: options.environment, results });
      await writeFileAtomic(join(options.outDir, 'table.md'), `${comparisonTable(results, options.focusClass)}\n`);
      await writeFileAtomic(join(options.outDir, 'table.csv'), comparisonCsv(results, options.focusClass));
    }
  } finally {
    progress.stop();
  }
  return { results, table: comparisonTable(results, options.focusClass) };
}

const pct = (m: { mean: number; std: number }) => `${(100 * m.mean).toFixed(1)} ± ${(100 * m.std).toFixed(1)}`;

/** Markdown: one row per model, mean ± sample std over folds, in percent. */
export function comparisonTable(results: readonly CrossValidationResult[], focusClass: string): string {
  const head = `| model | accuracy % | macro F1 % | weighted F1 % | ${focusClass} error % |\n| --- | --- | --- | --- | --- |`;
  const rows = results.map((r) => {
    const focus = r.summary.classError[focusClass];
    return `| ${r.model} | ${pct(r.summary.accuracy)} | ${pct(r.summary.macroF1)} | ${pct(r.summary.weightedF1)} | ${focus === undefined ? 'n/a' : pct(focus)} |`;
  });
  return [head, ...rows].join('\n');
}

function comparisonCsv(results: readonly CrossValidationResult[], focusClass: string): string {
  const lines = ['model,folds,accuracy_mean,accuracy_std,macro_f1_mean,macro_f1_std,weighted_f1_mean,weighted_f1_std,focus_class,focus_error_mean,focus_error_std'];
  for (const r of results) {
    const f = r.summary.classError[focusClass];
    lines.push([r.model, r.summary.folds, r.summary.accuracy.mean, r.summary.accuracy.std, r.summary.macroF1.mean, r.summary.macroF1.std, r.summary.weightedF1.mean, r.summary.weightedF1.std, focusClass, f?.mean ?? '', f?.std ?? ''].join(','));
  }
  return `${lines.join('\n')}\n`;
}
