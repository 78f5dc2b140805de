import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/core/random.ts';
import { groupKFold } from '../../../src/data/splits/group-k-fold.ts';
import { syntheticDataset } from '../../../src/data/synthetic/synthetic-dataset.ts';

const Split = suite('group k-fold');
Split('subjects never straddle a split; every sample is tested once; folds are balanced', async () => {
  const refs = await syntheticDataset({ subjects: 12, clipsPerClass: 2 }).list();
  const folds = groupKFold(refs, 5, new SeededRandom(1));
  assert.is(folds.length, 5);
  const tested = folds.flatMap((f) => f.test);
  assert.is(tested.length, refs.length);
  assert.is(new Set(tested).size, refs.length);
  const subjectOf = new Map(refs.map((r) => [r.id, r.subject]));
  for (const f of folds) {
    const testSubjects = new Set(f.test.map((id) => subjectOf.get(id)));
    for (const id of f.train)
      assert.not.ok(testSubjects.has(subjectOf.get(id)), `fold ${f.index}: ${subjectOf.get(id)} on both sides`);
    assert.is(f.train.length + f.test.length, refs.length);
  }
  const sizes = folds.map((f) => f.test.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 20, `fold sizes ${sizes}`); // 12 subjects of 20 into 5 folds: 2 or 3 subjects each
  assert.equal(groupKFold(refs, 5, new SeededRandom(1)), folds, 'same seed, same folds');
});
Split('refuses what cannot be split by group', () => {
  assert.throws(() => groupKFold([{ id: 'a', label: 'x', meta: {} }], 2, new SeededRandom(1)), /'a' has no subject/);
  assert.throws(
    () => groupKFold([{ id: 'a', label: 'x', subject: 's', meta: {} }], 2, new SeededRandom(1)),
    /1 subjects cannot fill 2 folds/,
  );
});
Split.run();
