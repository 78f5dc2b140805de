import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SampleRef } from '../../../src/core/dataset.ts';
import { SeededRandom } from '../../../src/core/random.ts';
import { givenSplits, stratifiedKFold } from '../../../src/data/splits/stratified-k-fold.ts';

/** Stratified k-fold (data without subjects) and a data set's own splits. */
const Splits = suite('stratified k-fold and given splits');
const refs: SampleRef[] = Array.from({ length: 53 }, (_, i) => ({
  id: `c${i}`,
  label: i < 30 ? 'jump' : i < 45 ? 'run' : 'kick',
  meta: {},
}));

Splits('every sample is tested exactly once, fold sizes differ by at most one, and each class is spread evenly', () => {
  const folds = stratifiedKFold(refs, 5, new SeededRandom(3));
  assert.is(folds.length, 5);
  const tested = folds.flatMap((f) => f.test).sort();
  assert.equal(tested, refs.map((r) => r.id).sort());
  const sizes = folds.map((f) => f.test.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  for (const label of ['jump', 'run', 'kick']) {
    const perFold = folds.map((f) => f.test.filter((id) => refs.find((r) => r.id === id)?.label === label).length);
    assert.ok(Math.max(...perFold) - Math.min(...perFold) <= 1, `${label} per fold ${perFold}`);
  }
  for (const f of folds) {
    assert.is(f.train.length + f.test.length, refs.length);
    assert.not.ok(f.test.some((id) => f.train.includes(id)));
  }
  assert.equal(stratifiedKFold(refs, 5, new SeededRandom(3)), folds, 'same seed, same folds');
  assert.not.equal(stratifiedKFold(refs, 5, new SeededRandom(4)), folds, 'another seed, other folds');
});

Splits('given splits keep the listed samples, skip ids the data set lacks, and refuse a sample on both sides', () => {
  const folds = givenSplits(refs, [
    { train: ['c0', 'c1', 'missing'], test: ['c2', 'gone'] },
    { train: ['c2'], test: ['c0', 'c1'] },
  ]);
  assert.equal(folds, [
    { index: 0, train: ['c0', 'c1'], test: ['c2'] },
    { index: 1, train: ['c2'], test: ['c0', 'c1'] },
  ]);
  assert.throws(() => givenSplits(refs, [{ train: ['c0', 'c1'], test: ['c1'] }]), /sample 'c1' is in both/);
  assert.throws(() => givenSplits(refs, [{ train: ['c0'], test: ['nope'] }]), /no test sample/);
  assert.throws(() => stratifiedKFold(refs, 1, new SeededRandom(1)), /k must be/);
});

Splits.run();
