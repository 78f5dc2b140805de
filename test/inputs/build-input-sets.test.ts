import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DatasetAdapter, SampleRef } from '../../src/core/dataset.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Sample } from '../../src/core/sample.ts';
import type { VideoStream } from '../../src/core/stream.ts';
import { syntheticDataset } from '../../src/data/synthetic/synthetic-dataset.ts';
import { buildInputSets, streamsRead } from '../../src/inputs/build-input-sets.ts';
import type { InputSet, InputSpec } from '../../src/inputs/input-spec.ts';

/** A data set's samples to input sets: rows in list order, unreadable samples left out, augmented copies. */

const SPEC: InputSpec = { imu: { placements: ['wrist'], rate: 50, window: 1 } };
const OTHER: InputSpec = { imu: { placements: ['wrist', 'ankle'], rate: 25, window: 1 } };
const synthetic = () =>
  syntheticDataset({
    subjects: 2,
    clipsPerClass: 2,
    actions: ['run', 'jump'],
    video: false,
    pose: false,
    duration: 1,
    seed: 3,
  });
const AUGMENT = { copies: 2, config: { rotateImu: { p: 1, maxDeg: 30 } }, seed: 7 };

/** The adapter without its parallel loader: samples one at a time through load(). */
function oneByOne(
  adapter: DatasetAdapter,
  fail: (ref: SampleRef) => Error | undefined = () => undefined,
): DatasetAdapter & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    name: adapter.name,
    classes: adapter.classes,
    loaded,
    list: () => adapter.list(),
    load: async (ref) => {
      loaded.push(ref.id);
      const err = fail(ref);
      if (err !== undefined) throw err;
      return adapter.load(ref);
    },
  };
}

const rowOf = (set: InputSet, r: number) =>
  Array.from((set.imu as { data: Float32Array }).data.subarray(r * 50 * 7, (r + 1) * 50 * 7));

const Build = suite('buildInputSets');

Build(
  'rows follow the refs and labels index the classes; the parallel loader and load() give the same bits',
  async () => {
    const adapter = synthetic();
    const refs = await adapter.list();
    let told = 0;
    const pooled = await buildInputSets(adapter, refs, [SPEC, OTHER], { onSample: () => told++ });
    const serial = oneByOne(adapter);
    const plain = await buildInputSets(serial, refs, [SPEC, OTHER]);
    assert.is(told, refs.length);
    assert.equal(
      serial.loaded,
      refs.map((r) => r.id),
      'loaded one at a time, in list order',
    );
    assert.equal(
      pooled.sets[0]?.ids,
      refs.map((r) => r.id),
    );
    assert.equal(
      Array.from(pooled.sets[0]?.labels ?? []),
      refs.map((r) => adapter.classes.indexOf(r.label)),
    );
    assert.equal(
      Array.from(pooled.sets[0]?.labels ?? []),
      [0, 0, 1, 1, 0, 0, 1, 1],
      'classes in the order asked for: run, jump',
    );
    for (const k of [0, 1]) assert.equal((pooled.sets[k] as InputSet).imu?.data, (plain.sets[k] as InputSet).imu?.data);
    assert.equal(pooled.skipped, []);
  },
);

Build('augmented copies follow the originals, each pointing at its original', async () => {
  const adapter = synthetic();
  const refs = await adapter.list();
  const { sets } = await buildInputSets(adapter, refs, [SPEC], { augment: AUGMENT });
  const set = sets[0] as InputSet;
  assert.is(set.count, refs.length * 3);
  assert.equal(set.ids.slice(refs.length, refs.length + 4), [
    `${refs[0]?.id}~aug1`,
    `${refs[0]?.id}~aug2`,
    `${refs[1]?.id}~aug1`,
    `${refs[1]?.id}~aug2`,
  ]);
  assert.equal(Array.from(set.augmentedFrom ?? []), [...refs.map(() => -1), ...refs.flatMap((_, i) => [i, i])]);
  assert.not.equal(rowOf(set, refs.length), rowOf(set, 0), 'a copy is rotated');
});

Build(
  'a sample that cannot be read is left out with its copies and named; the rest are the same bits, copies re-pointed',
  async () => {
    const adapter = synthetic();
    const refs = await adapter.list();
    const whole = (await buildInputSets(adapter, refs, [SPEC], { augment: AUGMENT })).sets[0] as InputSet;
    const broken = oneByOne(adapter, (ref) =>
      ref.id === refs[1]?.id ? new UserError(`cannot read ${ref.id}`) : undefined,
    );
    const { sets, skipped } = await buildInputSets(broken, refs, [SPEC], { augment: AUGMENT });
    const set = sets[0] as InputSet;
    assert.equal(skipped, [{ id: refs[1]?.id, reason: `cannot read ${refs[1]?.id}` }]);
    const n = refs.length;
    const keptRows = [0, 2, 3, 4, 5, 6, 7, n, n + 1, ...[2, 3, 4, 5, 6, 7].flatMap((i) => [n + 2 * i, n + 2 * i + 1])];
    assert.equal(
      set.ids,
      keptRows.map((r) => whole.ids[r]),
    );
    assert.equal(
      Array.from(set.labels),
      keptRows.map((r) => whole.labels[r]),
    );
    assert.equal(Array.from(set.augmentedFrom ?? []), [
      ...Array(n - 1).fill(-1),
      ...Array.from({ length: n - 1 }, (_, i) => [i, i]).flat(),
    ]);
    keptRows.forEach((r, j) => assert.equal(rowOf(set, j), rowOf(whole, r), `row ${j}`));
  },
);

Build(
  "an error that is not the user's stops the build and the loader is closed; no readable sample is a UserError",
  async () => {
    const adapter = synthetic();
    const refs = await adapter.list();
    let closed = false;
    const bug: DatasetAdapter = {
      ...oneByOne(adapter),
      openLoader: () => ({
        load: async () => {
          throw new Error('a bug');
        },
        close: async () => {
          closed = true;
        },
      }),
    };
    await buildInputSets(bug, refs, [SPEC]).then(
      () => assert.unreachable('built'),
      (err: unknown) => assert.not.instance(err, UserError),
    );
    assert.ok(closed, 'the loader was closed');
    const unreadable = oneByOne(adapter, (ref) => new UserError(`cannot read ${ref.id}`));
    await buildInputSets(unreadable, refs, [SPEC]).then(
      () => assert.unreachable('built'),
      (err: unknown) => {
        assert.instance(err, UserError);
        assert.match((err as Error).message, /data set 'synthetic': no sample could be read/);
      },
    );
  },
);

Build('augmenting a sample whose video is still on disk is a UserError that says so', async () => {
  const adapter = synthetic();
  const refs = await adapter.list();
  const onDisk: VideoStream = {
    kind: 'video',
    t: new Float64Array(0),
    meta: {},
    source: { path: 'clip.mp4', startFrame: 0, endFrame: 10 },
  } as unknown as VideoStream;
  const lazy: DatasetAdapter = {
    ...oneByOne(adapter),
    load: async (ref): Promise<Sample> => {
      const s = await adapter.load(ref);
      return { ...s, streams: [...s.streams, onDisk] };
    },
  };
  await buildInputSets(lazy, refs, [SPEC], { augment: AUGMENT }).then(
    () => assert.unreachable('built'),
    (err: unknown) => {
      assert.instance(err, UserError);
      assert.match(
        (err as Error).message,
        /augmented copies need decoded video, and data set 'synthetic' gives sample '.*' its video on disk/,
      );
    },
  );
  assert.is(
    (await buildInputSets(lazy, refs, [SPEC])).sets[0]?.count,
    refs.length,
    'without copies the video on disk is no matter',
  );
});

Build(
  'the loader is told which streams the specs read, and the synthetic set renders no frames for an IMU-only run',
  async () => {
    const video = { count: 4, size: 32, threshold: { kind: 'top', count: 4 }, fill: 'pad' } as const;
    assert.equal([...streamsRead([SPEC])], ['imu']);
    assert.equal([...streamsRead([SPEC, { video }])].sort(), ['imu', 'video']);
    assert.equal([...streamsRead([{ flow: { source: 'video-key-frames' } }])], ['video']);
    assert.equal([...streamsRead([{ depthMaps: { size: 32 } }])], ['video']);
    assert.equal([...streamsRead([{ video: { ...video, crop: 'person' } }])].sort(), ['pose', 'video']);
    assert.equal([...streamsRead([{ pose: { frames: 8 } }])], ['pose']);
    const adapter = syntheticDataset({
      subjects: 1,
      clipsPerClass: 1,
      actions: ['jump'],
      duration: 1,
      size: 32,
      seed: 3,
    });
    const [ref] = await adapter.list();
    const kinds = async (streams?: ReadonlySet<'imu' | 'video' | 'pose'>) => {
      const loader = adapter.openLoader!(streams);
      try {
        return await loader.load(ref!);
      } finally {
        await loader.close();
      }
    };
    const imuOnly = await kinds(new Set(['imu']));
    const every = await kinds();
    assert.not.ok(
      imuOnly.streams.some((s) => s.kind === 'video'),
      'no frames rendered',
    );
    assert.ok(
      every.streams.some((s) => s.kind === 'video'),
      'frames when nobody says',
    );
    const imu = (s: Sample) => s.streams.filter((x) => x.kind === 'imu');
    assert.equal(imu(imuOnly), imu(every), 'the IMU streams are the same either way');
  },
);

Build.run();
