import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../../src/core/errors.ts';
import { setLogSink } from '../../../src/core/logger.ts';
import type { ImuStream, PoseStream, VideoStream } from '../../../src/core/stream.ts';
import { createDataset } from '../../../src/data/dataset-registry.ts';
import { UTD_MHAD_ACTIONS, utdMhadDataset, type UtdMhadDataset } from '../../../src/data/utd-mhad/utd-mhad-dataset.ts';

/** The error `fn` throws or rejects with, which must be a UserError. */
async function userError(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof UserError, `not a UserError: ${String(err)}`);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

const Options = suite('utdMhadDataset options');
Options('a root that does not exist is a UserError naming it, through the registry too', async () => {
  assert.match(
    await userError(() => utdMhadDataset({ root: '/no/such/utd-mhad' })),
    /utd-mhad data set: root: no such folder: \/no\/such\/utd-mhad/,
  );
  assert.match(
    await userError(() => createDataset({ name: 'utd-mhad', root: '/no/such/utd-mhad' })),
    /no such folder: \/no\/such\/utd-mhad/,
  );
});
Options('unknown options and bad values are UserErrors naming them', async () => {
  const root = tmpdir();
  assert.match(
    await userError(() => utdMhadDataset({ root, modality: ['depth'] } as never)),
    /unknown option modality/,
  );
  assert.match(await userError(() => utdMhadDataset({ root, modalities: ['rgb'] } as never)), /modalities\.0: /);
  assert.match(await userError(() => utdMhadDataset({ root, subjects: [9] })), /subjects\.0: /);
  assert.match(
    await userError(() => utdMhadDataset({ root, modalities: ['depth', 'depth'] })),
    /modalities: lists one twice/,
  );
});
Options.run();

const dir = join(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data/utd-mhad-sample');
const have = existsSync(dir);
if (!have) console.log(`utd-mhad data set tests: skipped (${dir} absent)`);
if (have) {
  const all = utdMhadDataset({ root: dir });
  const List = suite('utdMhadDataset list');
  List('lists 215 takes: 107 of s1 (a8_s1_t4 is missing in the release) and 108 of s2', async () => {
    const refs = await all.list();
    assert.is(refs.length, 215);
    assert.is(refs.filter((r) => r.subject === 's1').length, 107);
    assert.is(refs.filter((r) => r.subject === 's2').length, 108);
    assert.not.ok(refs.some((r) => r.id === 'a8_s1_t4'));
    assert.equal(refs[0], { id: 'a1_s1_t1', label: 'swipe_left', subject: 's1', meta: refs[0]?.meta });
    assert.is(refs.find((r) => r.id === 'a27_s2_t4')?.label, 'squat');
    assert.equal(await all.incomplete(), []);
  });
  List("has the 27 classes in the data set's order", () => {
    assert.is(all.classes.length, 27);
    assert.equal(all.classes, UTD_MHAD_ACTIONS);
    assert.is(all.classes[0], 'swipe_left');
    assert.is(all.classes[7], 'draw_x');
    assert.is(all.classes[21], 'jog');
    assert.is(all.classes[26], 'squat');
  });
  List('restricts to the subjects asked', async () => {
    const refs = await utdMhadDataset({ root: dir, subjects: [2] }).list();
    assert.is(refs.length, 108);
    assert.ok(refs.every((r) => r.subject === 's2'));
  });
  List('the cross-subject split trains on odd subjects and tests on even ones', async () => {
    const splits = await all.officialSplits?.();
    assert.ok(splits);
    assert.is(splits.length, 1);
    const [split] = splits;
    assert.is(split?.name, 'cross-subject');
    assert.is(split?.train.length, 107);
    assert.is(split?.test.length, 108);
    assert.ok(split?.train.every((id) => id.includes('_s1_')));
    assert.ok(split?.test.every((id) => id.includes('_s2_')));
  });
  List('leaves out and reports takes that lack an asked modality; a missing folder is a UserError', async () => {
    const root = mkdtempSync(join(tmpdir(), 'utd-mhad-'));
    try {
      for (const folder of ['Inertial', 'Skeleton']) mkdirSync(join(root, folder));
      for (const id of ['a1_s1_t1', 'a1_s1_t2'])
        symlinkSync(join(dir, 'Skeleton', `${id}_skeleton.mat`), join(root, 'Skeleton', `${id}_skeleton.mat`));
      symlinkSync(join(dir, 'Inertial', 'a1_s1_t1_inertial.mat'), join(root, 'Inertial', 'a1_s1_t1_inertial.mat'));
      const ds = utdMhadDataset({ root, modalities: ['inertial', 'skeleton'] });
      const lines: string[] = [];
      const previous = setLogSink((line) => lines.push(line));
      try {
        assert.equal(
          (await ds.list()).map((r) => r.id),
          ['a1_s1_t1'],
        );
      } finally {
        setLogSink(previous);
      }
      assert.equal(lines, [
        `[warn] utd-mhad: 1 take(s) under ${root} lack a modality asked for and are left out: a1_s1_t2 (no inertial)`,
      ]);
      assert.equal(await ds.incomplete(), [{ id: 'a1_s1_t2', missing: ['inertial'] }]);
      assert.is((await utdMhadDataset({ root, modalities: ['skeleton'] }).list()).length, 2);
      assert.match(
        await userError(() => utdMhadDataset({ root }).list()),
        new RegExp(`utd-mhad: ${root} has no Depth/ folder`),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  List.run();

  const Load = suite('utdMhadDataset load');
  const ref = async (ds: UtdMhadDataset, id: string) => {
    const found = (await ds.list()).find((r) => r.id === id);
    assert.ok(found, id);
    return found;
  };
  Load("loads a take's three modalities in SI units on one time base", async () => {
    const sample = await all.load(await ref(all, 'a1_s1_t1'));
    assert.is(sample.id, 'a1_s1_t1');
    assert.is(sample.label, 'swipe_left');
    assert.is(sample.subject, 's1');
    assert.equal(
      sample.streams.map((s) => s.kind),
      ['imu', 'pose', 'video'],
    );
    const [imu, pose, video] = sample.streams as [ImuStream, PoseStream, VideoStream];

    // Inertial: 160 samples, at rest |acc| near 9.8 m/s^2, gyro in rad/s (d_iner(1, 4) = 5.221374 deg/s).
    assert.is(imu.placement, 'wrist');
    assert.is(imu.t.length, 160);
    const acc = Math.hypot(imu.data[0] as number, imu.data[1] as number, imu.data[2] as number);
    assert.ok(Math.abs(acc - 9.8) < 0.5, `|acc| = ${acc}`);
    assert.ok(Math.abs((imu.data[3] as number) - (5.221374 * Math.PI) / 180) < 1e-6);
    for (let i = 0; i < imu.t.length; i++) {
      const gyro = Math.hypot(
        imu.data[i * 6 + 3] as number,
        imu.data[i * 6 + 4] as number,
        imu.data[i * 6 + 5] as number,
      );
      assert.ok(gyro < 35, `|gyro| = ${gyro} rad/s at ${i}`); // the sensor's range is 2000 deg/s
    }

    // Skeleton: 48 frames of 20 joints in metres, in front of the camera.
    assert.is(pose.joints, 'kinect20');
    assert.is(pose.dims, 3);
    assert.is(pose.t.length, 48);
    assert.ok(Math.abs((pose.data[0] as number) + 0.0458) < 1e-3 && Math.abs((pose.data[2] as number) - 2.83) < 1e-3); // head, frame 0
    for (let i = 0; i < pose.data.length; i++) {
      const v = pose.data[i] as number;
      assert.ok(i % 3 === 2 ? v > 0.5 && v < 5 : Math.abs(v) < 3, `coordinate ${i} = ${v} m`);
    }

    // Depth: 48 grey frames of 240 x 320; 2743 mm at row 120, column 160 of frame 0; 0 = no reading.
    assert.ok(video.decoded);
    assert.equal([video.decoded.height, video.decoded.width, video.decoded.channels], [240, 320, 1]);
    assert.is(video.t.length, 48);
    assert.is(video.decoded.frames[120 * 320 + 160], Math.round((2743 * 255) / 4000));
    assert.is(video.decoded.frames[0], 0);
    assert.is((video.meta['depthScale'] as { maxMm: number }).maxMm, 4000);

    // One take duration: T / 30 s; both streams start at 0 and cover it at their own spacing.
    const duration = 48 / 30;
    assert.is(sample.meta['duration'], duration);
    assert.equal([pose.t[0], video.t[0], imu.t[0]], [0, 0, 0]);
    assert.ok(Math.abs((pose.t[47] as number) - 47 / 30) < 1e-12);
    assert.ok(Math.abs((imu.t[159] as number) + duration / 160 - duration) < 1e-12);
    assert.ok(Math.abs(imu.rate - 160 / duration) < 1e-9);
    assert.is(imu.meta['nominalRateHz'], 50);
  });
  Load('puts the sensor on the thigh from action 22 on, and loads only the modalities asked', async () => {
    const inertial = utdMhadDataset({ root: dir, modalities: ['inertial'] });
    const sample = await inertial.load(await ref(inertial, 'a22_s2_t1'));
    assert.equal(
      sample.streams.map((s) => s.kind),
      ['imu'],
    );
    assert.is((sample.streams[0] as ImuStream).placement, 'thigh');
    assert.is(sample.label, 'jog');
    // The take's duration still comes from its skeleton's frame count.
    const skeleton = utdMhadDataset({ root: dir, modalities: ['skeleton'] });
    const pose = (await skeleton.load(await ref(skeleton, 'a22_s2_t1'))).streams[0] as PoseStream;
    assert.is(sample.meta['duration'], pose.t.length / 30);
  });
  Load('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    try {
      await all.load(await ref(all, 'a2_s1_t1'), { signal: controller.signal });
      assert.unreachable();
    } catch (err) {
      assert.is((err as Error).name, 'AbortError');
    }
  });
  Load.run();
}
