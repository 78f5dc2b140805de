import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPLANATIONS_FORMAT, type FoldExplanations } from '../explain/fold-explanations.ts';
import { buildModel } from '../models/model-registry.ts';
import type { SectionFold } from '../report/jumping-error-figures.ts';
import { jumpingErrorSection } from '../report/jumping-error-section.ts';
import type { Figure } from '../report/report-figures.ts';
import { explanationsFolder } from './explain-fold.ts';
import type { FoldFile, ResultsStore } from './results-store.ts';

/** Misses drawn per focus class in the report (every one is in the explain files). */
const MAX_SHOWN = 8;

/**
 * The jumping-error section of a run's report, where the experiment has `report.explain`: the
 * folds of every variant, and every explained variant's files, the preferred first (the reference
 * variant where it has them, else the first with video and IMU, else the first explained); the
 * strip PNGs inlined as data: URLs so the page stays one file. Undefined: nothing to show.
 */
export function jumpingSectionOf(
  store: ResultsStore,
  folds: readonly FoldFile[],
  labelWithoutFraction: (variant: string) => string,
): { html: string; figures: Figure[] } | undefined {
  const { experiment, trials } = store.config;
  if (experiment.report.explain === undefined) return undefined;
  const explained = trials.flatMap((t) => {
    const files = folds
      .filter((f) => f.trialId === t.id && (f.repeat ?? 0) === 0)
      .map((f) => ({ fold: f.fold, path: store.explainPath(t.id, f.fold) }))
      .filter((f) => existsSync(f.path))
      .map((f) => ({ ...f, file: JSON.parse(readFileSync(f.path, 'utf8')) as FoldExplanations }))
      .filter((f) => f.file.format === EXPLANATIONS_FORMAT);
    return files.length === 0 ? [] : [{ trial: t, files }];
  });
  if (explained.length === 0) return undefined;
  const reference = experiment.report.reference;
  const preferred =
    explained.find((e) => e.trial.label === reference) ??
    explained.find((e) => ['video', 'imu'].every((m) => e.files[0]?.file.modalities.includes(m))) ??
    (explained[0] as (typeof explained)[number]);
  const ordered = [preferred, ...explained.filter((e) => e !== preferred)];
  const images = new Map<string, string>();
  for (const { trial, files } of ordered)
    for (const { fold, path, file } of files)
      for (const miss of file.misses) {
        if (miss.strip === undefined) continue;
        const png = join(explanationsFolder(path), miss.strip);
        if (existsSync(png))
          images.set(
            `${trial.label}/${fold}/${miss.strip}`,
            `data:image/png;base64,${readFileSync(png).toString('base64')}`,
          );
      }
  const modalitiesOf = new Map(trials.map((t) => [t.id, modalities(t.experiment.model)]));
  const sectionFolds: SectionFold[] = folds
    .filter((f) => (f.repeat ?? 0) === 0)
    .map((f) => ({
      variant: f.label,
      fold: f.fold,
      report: f.result.report,
      modalities: modalitiesOf.get(f.trialId) ?? [],
      trainFraction: trials.find((t) => t.id === f.trialId)?.experiment.train.fraction ?? 1,
    }));
  return jumpingErrorSection({
    focusClasses: experiment.report.focusClasses,
    folds: sectionFolds,
    explained: ordered.map((e) => ({ variant: e.trial.label, explanations: e.files.map((f) => f.file) })),
    images,
    maxShown: MAX_SHOWN,
    labelWithoutFraction,
  });
}

function modalities(model: Parameters<typeof buildModel>[0]): string[] {
  try {
    const recipe = buildModel(model);
    return recipe.kind === 'classic' ? [] : [...recipe.modalities];
  } catch {
    return [];
  }
}
