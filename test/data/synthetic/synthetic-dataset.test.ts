import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sample } from '../../../src/core/sample.ts';
import { syntheticDataset } from '../../../src/data/synthetic/synthetic-dataset.ts';
import { syntheticTakeJobs, takeJobId } from '../../../src/data/synthetic/take-jobs.ts';

const Dataset = suite('synthetic data set adapter');
Dataset('class and subject counts match the request', async () => {
  const ds = syntheticDataset({ subjects: 6, clipsPerClass: 3, actions: ['jump', 'squat', 'run'] });
  const refs = await ds.list();
  assert.is(refs.length, 6 * 3 * 3);
  assert.equal(ds.classes, ['jump', 'squat', 'run']);
  for (const c of ds.classes) assert.is(refs.filter((r) => r.label === c).length, 18);
  assert.equal([...new Set(refs.map((r) => r.subject))], ['S01', 'S02', 'S03', 'S04', 'S05', 'S06']);
  assert.is(new Set(refs.map((r) => r.id)).size, refs.length, 'ids are unique');
});
Dataset('load gives the listed take, the same whatever the order; another seed gives other takes', async () => {
  const a = syntheticDataset({ subjects: 3, clipsPerClass: 2, actions: ['hop', 'pass'], video: false, seed: 5 });
  const b = syntheticDataset({ subjects: 3, clipsPerClass: 2, actions: ['hop', 'pass'], video: false, seed: 5 });
  const c = syntheticDataset({ subjects: 3, clipsPerClass: 2, actions: ['hop', 'pass'], video: false, seed: 6 });
  const refs = await a.list();
  const ref = refs[7] as (typeof refs)[number];
  const first = await a.load(ref);
  await b.load(refs[0] as (typeof refs)[number]); // b loads another take first
  const again = await b.load(ref);
  const other = await c.load(ref);
  assert.is(first.id, ref.id);
  assert.is(first.label, ref.label);
  assert.is(first.subject, ref.subject);
  const imu = (s: typeof first) => Array.from((s.streams.find((x) => x.kind === 'imu') as { data: Float32Array }).data);
  assert.equal(imu(first), imu(again));
  assert.not.equal(imu(first), imu(other));
});
Dataset(
  'list() is the take jobs in order; the parallel loader gives what load() gives, and refuses a foreign ref',
  async () => {
    const ds = syntheticDataset({
      subjects: 2,
      clipsPerClass: 1,
      actions: ['pass', 'hop'],
      video: false,
      duration: 1,
      seed: 4,
    });
    const refs = await ds.list();
    assert.equal(
      refs.map((r) => r.id),
      syntheticTakeJobs({ subjects: 2, clipsPerClass: 1, actions: ['pass', 'hop'] }).map(takeJobId),
    );
    const loader = (ds.openLoader as NonNullable<typeof ds.openLoader>)();
    try {
      const pooled = await Promise.all(refs.map((r) => loader.load(r)));
      const imu = (s: Sample) => Array.from((s.streams.find((x) => x.kind === 'imu') as { data: Float32Array }).data);
      for (const [i, ref] of refs.entries()) {
        const one = await ds.load(ref);
        assert.is(pooled[i]?.id, one.id);
        assert.equal(imu(pooled[i] as Sample), imu(one));
      }
      await loader.load({ id: 'x', label: 'jump', meta: {} }).then(
        () => assert.unreachable('loaded'),
        (err: unknown) =>
          assert.match((err as Error).message, /syntheticDataset.openLoader\(\).load\(\): 'x' is not a reference/),
      );
    } finally {
      await loader.close();
    }
  },
);
Dataset('bad options are clear errors', () => {
  assert.throws(() => syntheticDataset({ subjects: 0 }), /subjects must be a whole number 1-99, got 0/);
  assert.throws(() => syntheticDataset({ subjects: 100 }), /subjects must be a whole number 1-99, got 100/);
  assert.throws(() => syntheticDataset({ packetLoss: 1.5 }), /packetLoss must be 0-1, got 1.5/);
  assert.throws(() => syntheticDataset({ placements: ['wrist', 'nose' as 'wrist'] }), /unknown sensor placement nose/);
  assert.throws(() => syntheticDataset({ actions: ['jump', 'jump'] }), /actions lists one twice/);
  assert.throws(() => syntheticDataset({ actions: ['jump', 'dunk' as 'jump'] }), /unknown action dunk/);
  assert.throws(() => syntheticDataset({ clipsPerClass: 2.5 }), /clipsPerClass must be a whole number/);
});
Dataset.run();
