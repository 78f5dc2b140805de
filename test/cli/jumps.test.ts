import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COCO17_JOINTS } from '../../src/core/joint-sets.ts';
import { imuStream, poseStream } from '../../src/core/stream.ts';
import { writeRecording } from '../../src/data/recording/write-recording.ts';
import { countermovementJump, piecewiseTrace } from '../helpers/jump-traces.ts';
import { motionfuse } from '../helpers/run-cli.ts';

/**
 * `motionfuse jumps` on a tiny folder written here: a SisFall-format trial and a CSV export in g
 * and milliseconds, each with one countermovement jump of known flight, and a broken CSV.
 */
const Jumps = suite('motionfuse jumps');
let dir = '';

Jumps.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-jumps-'));
  mkdirSync(join(dir, 'SA01'));
  // SisFall: 200 Hz, ADXL345 counts of 1/256 g in columns 1-3, the sensor's y axis down.
  const a = piecewiseTrace(countermovementJump(0.3), 200);
  const counts = (v: number) => Math.round((v / 9.80665) * 256);
  const sisfall = Array.from(a.t, (_, k) => `${0},${-counts(a.acc[3 * k + 2] as number)},0,0,0,0,0,0,0;`);
  writeFileSync(join(dir, 'SA01', 'D19_SA01_R01.txt'), `${sisfall.join('\n')}\n`);
  // CSV: 100 Hz, time in ms, acceleration in g (full precision).
  const b = piecewiseTrace(countermovementJump(0.5), 100);
  const rows = Array.from(b.t, (t, k) => `${(t * 1000).toFixed(1)},0,0,${(b.acc[3 * k + 2] as number) / 9.80665}`);
  writeFileSync(join(dir, 'phone.csv'), `time_ms,ax_g,ay_g,az_g\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'broken.csv'), 'time_ms,ax_g,ay_g,az_g\n0,0,0,1\n10,0,oops,1\n');
  // A recording: a pelvis IMU whose clock runs 0.5 s ahead of the camera's, and a side-view pose
  // whose knees flex 20 deg per second of camera time.
  const c = piecewiseTrace(countermovementJump(0.4), 100);
  const data = new Float32Array(c.t.length * 6);
  c.t.forEach((_, k) => (data[k * 6 + 2] = c.acc[k * 3 + 2] as number));
  const frames = Float64Array.from({ length: 90 }, (_, i) => i / 30);
  const pose = Float32Array.from(
    Array.from(frames, (time) => {
      const bend = (20 * time * Math.PI) / 180;
      const p: Record<string, number[]> = {};
      for (const side of ['left', 'right']) {
        p[`${side}_shoulder`] = [100, 100];
        p[`${side}_hip`] = [100, 200];
        p[`${side}_knee`] = [100, 280];
        p[`${side}_ankle`] = [100 - 80 * Math.sin(bend), 280 + 80 * Math.cos(bend)];
      }
      return COCO17_JOINTS.flatMap((j) => p[j] ?? [100, 80]);
    }).flat(),
  );
  await writeRecording(join(dir, 'rec'), {
    id: 'rec',
    label: 'jump',
    streams: [
      imuStream({ rate: 100, t: c.t.map((x) => x + 0.5), data, sensorId: 'belt', placement: 'pelvis' }),
      poseStream({ rate: 30, t: frames, joints: 'coco17', dims: 2, data: pose }),
    ],
    events: [{ name: 'clock-offset/belt', value: 0.5, unit: 's' }],
    meta: {},
  });
});
Jumps.after(() => rmSync(dir, { recursive: true, force: true }));

Jumps('--json: one object per readable file, heights by g t^2 / 8; a broken file is named and skipped', () => {
  const csv = join(dir, 'jumps.csv');
  const r = motionfuse(['jumps', dir, '--json', '--csv', csv]);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { file: string; jumps: { flightTime: number; height: number }[] }[];
  assert.equal(
    out.map((o) => o.file.slice(dir.length + 1)),
    ['phone.csv', 'rec#belt', join('SA01', 'D19_SA01_R01.txt')],
  );
  const [phone, rec, trial] = out as ((typeof out)[number] & { jumps: { takeoff: number; angles?: any }[] })[];
  // The recording: take-off at 1.55 s of camera time, 2.05 s on the IMU's clock: knees at 31 deg.
  assert.ok(Math.abs(rec!.jumps[0]!.takeoff - 2.05) < 1e-3, `${rec!.jumps[0]!.takeoff}`);
  assert.ok(Math.abs(rec!.jumps[0]!.angles.takeoff.left_knee - 31) < 0.5, JSON.stringify(rec!.jumps[0]!.angles));
  assert.is(phone!.jumps.length, 1);
  // 0.5 s: 9.81 * 0.25 / 8 = 0.3066 m; 0.3 s: 9.81 * 0.09 / 8 = 0.1104 m (counts round to 1/256 g).
  assert.ok(Math.abs(phone!.jumps[0]!.height - 0.3066) < 0.003, `${phone!.jumps[0]!.height}`);
  assert.is(trial!.jumps.length, 1);
  assert.ok(Math.abs(trial!.jumps[0]!.height - 0.1104) < 0.003, `${trial!.jumps[0]!.height}`);
  assert.match(r.stderr, /skipped .*broken\.csv: .*broken\.csv:3 \(field 'ay_g'\): not a number: 'oops'/);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.is(lines.length, 4);
  assert.match(lines[0]!, /^file,placement,jump,kind,takeoff,landing,flightTime,height,/);
});

Jumps('the table has one row per jump; --plot writes a PNG per trace', () => {
  const plots = join(dir, 'plots');
  const r = motionfuse(['jumps', join(dir, 'phone.csv'), '--plot', plots, '--placement', 'wrist', '--mass', '70']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /phone\.csv +1 +jump +\d\.\d{3} +\d\.\d{3} +500 +30\.7/);
  assert.match(r.stdout, /1 jump\(s\) in 1 trace\(s\)/);
  assert.ok(existsSync(join(plots, 'phone.png')));
  // Energy: above the wrist equation's resting 7.28 / 3.5 = 2.08 METs, for the 3.2 s trace.
  const energy = /phone\.csv: ([\d.]+) kcal in 0\.1 min, ([\d.]+) METs on average/.exec(r.stdout);
  assert.ok(energy !== null, r.stdout);
  assert.ok(Number(energy[2]) > 2.08, energy[0]);
});

Jumps('nothing readable is a user error', () => {
  const r = motionfuse(['jumps', join(dir, 'broken.csv')]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /no readable IMU trace/);
});

Jumps.run();

/**
 * A video clip through MoveNet (a real clip from ../shared/data/video, nobody jumping in it; skipped,
 * saying so, when absent): it runs and reports, and a damaged clip beside it is named and skipped.
 */
const CLIP = fileURLToPath(
  new URL('../../../shared/data/video/tests_data_rawvideo_dataset_part_0.mp4', import.meta.url),
);
const Clips = suite('motionfuse jumps on video clips');
if (!existsSync(CLIP)) console.log(`jumps clip test: skipped (no real clip: ${CLIP} is absent)`);
(existsSync(CLIP) ? Clips : Clips.skip)('a folder of clips: one object per readable clip, placement video', () => {
  const clips = mkdtempSync(join(tmpdir(), 'motionfuse-jump-clips-'));
  try {
    copyFileSync(CLIP, join(clips, 'a.mp4'));
    writeFileSync(join(clips, 'b.mp4'), 'not a video\n');
    const r = motionfuse(['jumps', clips, '--json']);
    assert.is(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; placement: string; jumps: unknown[] }[];
    assert.is(out.length, 1);
    assert.is(out[0]!.file, join(clips, 'a.mp4'));
    assert.is(out[0]!.placement, 'video');
    assert.ok(Array.isArray(out[0]!.jumps));
    assert.match(r.stderr, /skipped .*b\.mp4: cannot read video/);
  } finally {
    rmSync(clips, { recursive: true, force: true });
  }
});

Clips.run();
