import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../../src/core/errors.ts';
import { setLogSink } from '../../../src/core/logger.ts';
import type { ImuStream } from '../../../src/core/stream.ts';
import { createDataset } from '../../../src/data/dataset-registry.ts';
import { SISFALL_ACTIVITY_NAMES } from '../../../src/data/sisfall/sisfall-activities.ts';
import { sisfallDataset } from '../../../src/data/sisfall/sisfall-dataset.ts';
import { buildInputSets } from '../../../src/inputs/build-input-sets.ts';

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

/** A line as the release writes them: space-padded integers, `;`, CRLF. */
const line = (counts: readonly number[]) => `${counts.map((c) => String(c).padStart(4)).join(',')};\r\n`;

// Hand-worked counts (value = 2 range / 2^bits x counts):
//   ADXL345 +-16 g, 13 bit: 1/256 g a count, so 256 -> 1 g = 9.80665 m/s^2, -512 -> -19.6133;
//   ITG3200 +-2000 deg/s, 16 bit: 4000/65536 deg/s a count, so 16384 -> 1000 deg/s = 17.453293 rad/s,
//   -8192 -> -500 deg/s = -8.726646 rad/s;
//   MMA8451Q +-8 g, 14 bit: 1/1024 g a count, so 1024 -> 1 g, 2048 -> 2 g = 19.6133 m/s^2.
const ROW0 = [256, -512, 0, 16384, -8192, 0, 1024, 2048, -1024];
const ROW1 = [0, 0, 256, 0, 0, 16384, 0, 0, 1024];

const root = mkdtempSync(join(tmpdir(), 'sisfall-'));
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
write('SA01/D01_SA01_R01.txt', line(ROW0) + line(ROW1) + line(ROW1));
write('SA01/D19_SA01_R01.txt', line(ROW1) + line(ROW0));
write('SA01/D19_SA01_R02.txt', line(ROW0) + line(ROW1) + '\r\n');
write('SA01/F01_SA01_R01.txt', line(ROW0) + line(ROW1));
// Line 3, field 5 is not a number.
write('SA01/D05_SA01_R01.txt', line(ROW0) + line(ROW1) + '   1,   2,   3,   4,  x5,   6,   7,   8,   9;\r\n');
// Misplaced (another subject's file) and not a trial: both ignored.
write('SA01/D02_SE02_R01.txt', line(ROW0));
write('SA01/notes.txt', 'not a trial');
write('SE02/D01_SE02_R01.txt', line(ROW1) + line(ROW1));
write('Readme.txt', 'SisFall');

const Fixture = suite('sisfallDataset on a made-up folder');

// Every adapter over this folder warns of its misplaced file: the lines are kept, not printed.
const lines: string[] = [];
let previousSink: ReturnType<typeof setLogSink> | undefined;
Fixture.before(() => {
  previousSink = setLogSink((line) => lines.push(line));
});
Fixture.after(() => {
  if (previousSink !== undefined) setLogSink(previousSink);
  rmSync(root, { recursive: true, force: true });
});

Fixture('lists trials by subject folder, activity and trial, labels by code, without reading a file', async () => {
  const ds = sisfallDataset({ root });
  lines.length = 0;
  const refs = await ds.list();
  assert.equal(
    refs.map((r) => [r.id, r.label, r.subject, r.meta['trial']]),
    [
      ['D01_SA01_R01', 'D01', 'SA01', 1],
      ['D05_SA01_R01', 'D05', 'SA01', 1],
      ['D19_SA01_R01', 'D19', 'SA01', 1],
      ['D19_SA01_R02', 'D19', 'SA01', 2],
      ['F01_SA01_R01', 'F01', 'SA01', 1],
      ['D01_SE02_R01', 'D01', 'SE02', 1],
    ],
  );
  assert.is(refs[2]?.meta['activity'], 'Gently jump without falling (trying to reach a high object)');
  assert.is(ds.classes.length, 34);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^\[warn\] sisfall: 1 file\(s\) under .* in another subject's folder .*: SA01\/D02_SE02_R01\.txt$/,
  );
});

Fixture('activities and subjects select the samples and the classes', async () => {
  const adl = sisfallDataset({ root, activities: 'adl' });
  assert.equal(adl.classes, Object.keys(SISFALL_ACTIVITY_NAMES).slice(0, 19));
  assert.is(adl.classes[18], 'D19');
  assert.not.ok((await adl.list()).some((r) => r.label === 'F01'));
  const falls = sisfallDataset({ root, activities: 'falls' });
  assert.equal(
    (await falls.list()).map((r) => r.id),
    ['F01_SA01_R01'],
  );
  const jumps = await createDataset({ name: 'sisfall', root, activities: ['D19', 'D01'], subjects: ['SA01'] });
  assert.equal(jumps.classes, ['D01', 'D19']);
  assert.equal(
    (await jumps.list()).map((r) => r.id),
    ['D01_SA01_R01', 'D19_SA01_R01', 'D19_SA01_R02'],
  );
});

Fixture('loads one waist IMU stream at 200 Hz in m/s^2 and rad/s (ADXL345 + ITG3200)', async () => {
  const ds = sisfallDataset({ root });
  const ref = (await ds.list()).find((r) => r.id === 'D19_SA01_R02');
  const sample = await ds.load(ref!);
  assert.is(sample.label, 'D19');
  assert.is(sample.subject, 'SA01');
  assert.is(sample.streams.length, 1);
  const imu = sample.streams[0] as ImuStream;
  assert.is(imu.kind, 'imu');
  assert.is(imu.placement, 'waist');
  assert.is(imu.rate, 200);
  // Two rows: the blank line at the end is not a sample.
  assert.equal(Array.from(imu.t), [0, 0.005]);
  const expected = [9.80665, -19.6133, 0, 17.453293, -8.726646, 0, 0, 0, 9.80665, 0, 0, 17.453293];
  Array.from(imu.data).forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-4, `${i}: ${v}`));
});

Fixture('accelerometer: mma8451q takes columns 7-9 beside the gyroscope', async () => {
  const ds = sisfallDataset({ root, accelerometer: 'mma8451q' });
  const imu = (await ds.load((await ds.list())[0]!)).streams[0] as ImuStream;
  const expected = [9.80665, 19.6133, -9.80665, 17.453293, -8.726646, 0];
  expected.forEach((e, i) => assert.ok(Math.abs((imu.data[i] as number) - e) < 1e-4, `${i}: ${imu.data[i]}`));
});

Fixture('maxSeconds keeps the first seconds of a trial and no more', async () => {
  const ds = sisfallDataset({ root, maxSeconds: 0.01 });
  const ref = (await ds.list()).find((r) => r.id === 'D01_SA01_R01');
  const s = await ds.load(ref!);
  const imu = s.streams[0] as ImuStream;
  // Three rows at 200 Hz; 0.01 s is two of them.
  assert.equal(Array.from(imu.t), [0, 0.005]);
  assert.is(imu.data.length, 12);
  assert.is(s.meta['duration'], 0.01);
  assert.ok(Math.abs((imu.data[6 + 2] as number) - 9.80665) < 1e-4);
  assert.match(await userError(() => sisfallDataset({ root, maxSeconds: 0 })), /maxSeconds: /);
});

Fixture('a malformed line is a UserError naming the file, the line and the field', async () => {
  const ds = sisfallDataset({ root });
  const ref = (await ds.list()).find((r) => r.id === 'D05_SA01_R01');
  const message = await userError(() => ds.load(ref!));
  assert.ok(message.includes(join(root, 'SA01', 'D05_SA01_R01.txt:3')), message);
  assert.match(message, /column 5 .*'x5'/);
});

Fixture('a run leaves a corrupt or vanished trial out, names it, and reads the rest', async () => {
  const ds = sisfallDataset({ root, subjects: ['SA01'], activities: ['D01', 'D05', 'D19'] });
  const refs = await ds.list();
  const gone = { ...refs[0]!, meta: { ...refs[0]!.meta, file: 'SA01/D01_SA01_R09.txt' } };
  const { sets, skipped } = await buildInputSets(
    ds,
    [gone, ...refs.slice(1)],
    [{ imu: { placements: ['waist'], rate: 4, window: 1, span: 'recording' } }],
  );
  assert.equal(
    skipped.map((s) => s.id),
    ['D01_SA01_R01', 'D05_SA01_R01'],
  );
  assert.match(skipped[0]!.reason, /D01_SA01_R09\.txt: cannot be read \(ENOENT\)/);
  assert.match(skipped[1]!.reason, /D05_SA01_R01\.txt:3: column 5/);
  assert.equal(sets[0]!.ids, ['D19_SA01_R01', 'D19_SA01_R02']);
});

Fixture('bad options and an empty selection are UserErrors naming them', async () => {
  assert.match(await userError(() => sisfallDataset({ root: '/no/such/sisfall' })), /root: no such folder/);
  assert.match(await userError(() => sisfallDataset({ root, activities: ['D20'] } as never)), /activities/);
  assert.match(await userError(() => sisfallDataset({ root, subjects: ['S01'] })), /subjects\.0: must be a subject/);
  assert.match(await userError(() => sisfallDataset({ root, sensors: 2 } as never)), /unknown option sensors/);
  const none = sisfallDataset({ root, subjects: ['SE02'], activities: 'falls' });
  assert.match(await userError(() => none.list()), /no trial under .* for the activities and subjects asked/);
});

Fixture.run();

const sample = join(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data/sisfall-sample');
if (!existsSync(sample)) console.log(`sisfall sample tests: skipped (${sample} absent)`);
else {
  const Real = suite('sisfallDataset on the SisFall sample (SA01-SA05)');
  Real('lists the 79 ADL trials of each of the five subjects', async () => {
    const refs = await sisfallDataset({ root: sample, activities: 'adl' }).list();
    assert.is(refs.length, 5 * 79);
    for (const s of ['SA01', 'SA02', 'SA03', 'SA04', 'SA05'])
      assert.is(refs.filter((r) => r.subject === s).length, 79, s);
    assert.is(refs.filter((r) => r.label === 'D19').length, 25);
  });
  Real('reads D19_SA01_R01: 12 s at 200 Hz, the first row converted, about 1 g standing', async () => {
    const ds = sisfallDataset({ root: sample, activities: ['D19'], subjects: ['SA01'] });
    const s = await ds.load((await ds.list())[0]!);
    const imu = s.streams[0] as ImuStream;
    assert.is(s.id, 'D19_SA01_R01');
    assert.is(imu.t.length, 2400);
    // The file's first line: 3,-262,-22,-42,-8,-1,...: 3/256 g, -262/256 g, ..., -42 x 4000/65536 deg/s.
    const first = [0.114922, -10.036493, -0.842759, -0.0447411, -0.0085221, -0.0010653];
    first.forEach((e, i) => assert.ok(Math.abs((imu.data[i] as number) - e) < 1e-5, `${i}: ${imu.data[i]}`));
    // The first half-second, standing: the accelerometer reads gravity, within 10 %.
    let norm = 0;
    for (let i = 0; i < 100; i++) norm += Math.hypot(imu.data[i * 6]!, imu.data[i * 6 + 1]!, imu.data[i * 6 + 2]!);
    assert.ok(Math.abs(norm / 100 - 9.81) < 1, `${norm / 100}`);
  });
  Real.run();
}
