import type { SampleRef } from '../../core/dataset.ts';
import type { SeededRandom } from '../../core/random.ts';
import type { Fold } from './group-k-fold.ts';

/**
 * Plain k-fold for data without subjects (or when leakage across a person is not a concern),
 * stratified by class: each class's samples are shuffled (seeded) and dealt round-robin to the
 * folds, continuing from where the previous class stopped, so every fold holds each class in
 * proportion and fold sizes differ by at most one (scikit-learn's StratifiedKFold with shuffle).
 * Where subjects exist, prefer groupKFold: the same person in training and test inflates scores.
 */
export function stratifiedKFold(refs: readonly SampleRef[], k: number, rng: SeededRandom): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`stratifiedKFold(): k must be a whole number >= 2, got ${k}`);
  if (refs.length < k) throw new Error(`stratifiedKFold(): ${refs.length} samples cannot fill ${k} folds`);
  const byClass = new Map<string, string[]>();
  for (const ref of refs) byClass.set(ref.label, [...(byClass.get(ref.label) ?? []), ref.id]);
  const testOf: Set<string>[] = Array.from({ length: k }, () => new Set());
  let next = 0;
  for (const label of [...byClass.keys()].sort()) {
    for (const id of rng.shuffle([...(byClass.get(label) as string[])])) {
      (testOf[next] as Set<string>).add(id);
      next = (next + 1) % k;
    }
  }
  const all = refs.map((r) => r.id);
  return testOf.map((held, index) => ({
    index,
    train: all.filter((id) => !held.has(id)),
    test: all.filter((id) => held.has(id)),
  }));
}

/**
 * Splits given by a data set (UCF-101's and HMDB-51's official lists, UTD-MHAD's cross-subject
 * protocol) as folds over `refs`: an id a split names that is not among the refs is skipped (a
 * missing clip), and a sample on both sides of one split is an error.
 */
export function givenSplits(
  refs: readonly SampleRef[],
  splits: readonly { train: readonly string[]; test: readonly string[] }[],
): Fold[] {
  const known = new Set(refs.map((r) => r.id));
  return splits.map((split, index) => {
    const test = new Set(split.test.filter((id) => known.has(id)));
    const both = split.train.find((id) => test.has(id));
    if (both !== undefined)
      throw new Error(`split ${index + 1}: sample '${both}' is in both its training and its test list`);
    const fold: Fold = { index, train: split.train.filter((id) => known.has(id)), test: [...test] };
    if (fold.train.length === 0 || fold.test.length === 0)
      throw new Error(
        `split ${index + 1}: no ${fold.train.length === 0 ? 'training' : 'test'} sample of it is in the data set`,
      );
    return fold;
  });
}
