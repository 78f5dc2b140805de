import type { SampleRef } from '../../core/dataset.ts';
import type { SeededRandom } from '../../core/random.ts';

/**
 * k-fold cross-validation by group (subject): every group's samples fall in exactly one test
 * fold, so no person is on both sides of a split. Groups are shuffled (seeded), then dealt
 * largest first to the fold with the fewest samples so far, which balances fold sizes when
 * groups differ in size (as scikit-learn's GroupKFold does, plus the shuffle).
 */
export interface Fold {
  index: number;
  train: string[];
  test: string[];
}

export function groupKFold(refs: readonly SampleRef[], k: number, rng: SeededRandom): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`groupKFold(): k must be a whole number >= 2, got ${k}`);
  const groups = new Map<string, string[]>();
  for (const ref of refs) {
    if (ref.subject === undefined) throw new Error(`groupKFold(): sample '${ref.id}' has no subject to group by`);
    const list = groups.get(ref.subject) ?? [];
    list.push(ref.id);
    groups.set(ref.subject, list);
  }
  if (groups.size < k) throw new Error(`groupKFold(): ${groups.size} subjects cannot fill ${k} folds`);
  // Shuffle, then a stable sort by size: equal-sized groups keep their shuffled order.
  const order = rng
    .shuffle([...groups.keys()].sort())
    .sort((a, b) => (groups.get(b) as string[]).length - (groups.get(a) as string[]).length);
  const testOf: string[][] = Array.from({ length: k }, () => []);
  for (const g of order) {
    let target = 0;
    for (let f = 1; f < k; f++) if ((testOf[f] as string[]).length < (testOf[target] as string[]).length) target = f;
    (testOf[target] as string[]).push(...(groups.get(g) as string[]));
  }
  const all = refs.map((r) => r.id);
  return testOf.map((test, index) => {
    const held = new Set(test);
    return { index, train: all.filter((id) => !held.has(id)), test: all.filter((id) => held.has(id)) };
  });
}
