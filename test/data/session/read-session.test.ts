import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors.ts';
import { SeededRandom } from '../../../src/core/random.ts';
import { readSession, type SessionImu, type SessionVideo } from '../../../src/data/session/read-session.ts';
import { SESSION_FORMAT, type SessionFile } from '../../../src/formats/session/session-layout.ts';
import { XdfWriter } from '../../../src/formats/xdf/xdf-writer.ts';
import { locateFfmpeg } from '../../../src/video/ffmpeg-binary.ts';
import type { ImuPacket } from '../../../sensors/imu-packet.ts';
import { ImuStreamRecorder } from '../../../sensors/recorder/imu-stream-recorder.ts';
import { rejects } from '../../helpers/rejects.ts';
import { SIM0, SIM1, writeSessionFolder } from '../../helpers/session-folder.ts';

/** readSession on the hand-worked session of test/helpers/session-folder.ts, whole and cut by a crash. */
const Read = suite('readSession');
let dir = '';

Read.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-read-session-'));
  const ffmpeg = (await locateFfmpeg()).path;
  await writeSessionFolder(join(dir, 'clean'), { ffmpeg });
  await writeSessionFolder(join(dir, 'crash'), { ffmpeg, crash: true });
});
Read.after(() => rmSync(dir, { recursive: true, force: true }));

const near = (a: number | null | undefined, b: number, tol = 1e-6) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) < tol, `${a} is not ${b}`);

Read(
  'every stream on the session clock: the 100 ppm sensor mapped by its offsets, the reset sensor per segment',
  async () => {
    const s = await readSession(join(dir, 'clean'));
    assert.ok(s.clean);
    assert.equal(s.warnings, []);
    assert.equal(
      s.streams.map((x) => [x.name, x.kind, x.t.length]),
      [
        [SIM0, 'imu', 980],
        [SIM1, 'imu', 1000],
        ['video', 'video', 300],
        ['markers', 'markers', 6],
        ['gaps', 'gaps', 2],
      ],
    );
    const a = s.streams[0] as SessionImu;
    // Sample i at 0.2 + (i / 100) * 1.0001 s: i = 0, 299, 320 (after the 20 lost), 999.
    near(a.t[0], 0.2);
    near(a.t[299], 0.2 + 2.99 * 1.0001);
    near(a.t[300], 0.2 + 3.2 * 1.0001);
    near(a.t[979], 0.2 + 9.99 * 1.0001);
    assert.is(a.data[300 * 6], Math.fround(Math.sin(32)));
    assert.is(a.placement, 'wrist');
    near(a.clock[0]?.fit?.drift, 1e-4, 1e-9);
    assert.equal(a.gaps, [{ reason: 'sequence-jump', from: a.t[299], to: a.t[300], samplesLost: 20 }]);
    const b = s.streams[1] as SessionImu;
    assert.equal(
      b.clock.map((g) => [g.start, g.end, g.source]),
      [
        [0, 600, 'offsets'],
        [600, 1000, 'offsets'],
      ],
    );
    // 0.105 + i / 100 on both sides of the reset: the device went from 15.99 s back to 0.
    for (const i of [0, 599, 600, 999]) near(b.t[i], 0.105 + i / 100);
    assert.is(b.gaps.length, 1);
    assert.is(b.gaps[0]?.reason, 'clock-reset');
    near(b.gaps[0]?.from, 6.095);
    near(b.gaps[0]?.to, 6.105);
    assert.is(b.gaps[0]?.samplesLost, null);
    const v = s.streams[2] as SessionVideo;
    near(v.t[149], 0.05 + 149 / 30);
    near(v.t[150], 0.05 + 151 / 30);
    assert.is(v.gaps.length, 1);
    assert.is(v.gaps[0]?.samplesLost, 1);
    assert.equal([v.width, v.height, v.frame[299]], [16, 12, 299]);
    near(s.duration, 0.2 + 9.99 * 1.0001);
    assert.equal(
      s.markers.map((m) => [Math.round(m.t * 1e6) / 1e6, m.marker.event]),
      [
        [1, 'trial-start'],
        [3, 'trial-stop'],
        [3.5, 'note'],
        [4, 'trial-start'],
        [6, 'trial-start'],
        [8, 'trial-stop'],
      ],
    );
  },
);

Read('a session cut by a crash reads up to the cut, with warnings naming the files', async () => {
  const s = await readSession(join(dir, 'crash'));
  assert.not.ok(s.clean);
  assert.is(s.streams.find((x) => x.kind === 'video')?.t.length, 270);
  assert.is(s.streams[0]?.t.length, 980);
  assert.is(s.markers.length, 5);
  const w = s.warnings.join('\n');
  assert.match(w, /crash\/session\.xdf: file ends at byte \d+, inside the chunk/);
  assert.match(w, /crash\/session\.json has no stoppedAt: the recorder did not stop cleanly/);
});

Read('a missing or damaged session.json and a file that is not XDF are UserErrors naming the file', async () => {
  const bad = join(dir, 'bad');
  mkdirSync(bad, { recursive: true });
  await rejects(readSession(bad), /cannot read .*bad\/session\.json/);
  const json = JSON.parse(readFileSync(join(dir, 'clean', 'session.json'), 'utf8'));
  writeFileSync(join(bad, 'session.json'), JSON.stringify({ ...json, startedHostTime: 'x' }));
  await rejects(readSession(bad), /bad\/session\.json: field 'startedHostTime' must be a number of seconds, got "x"/);
  json.sensors[1].placement = 5;
  writeFileSync(join(bad, 'session.json'), JSON.stringify(json));
  await rejects(
    readSession(bad),
    /bad\/session\.json: field 'sensors\[1\]\.placement' must be a string when given, got 5/,
  );
  writeFileSync(join(bad, 'session.json'), '{"format": ');
  await rejects(readSession(bad), /bad\/session\.json is not valid JSON/);
  copyFileSync(join(dir, 'clean', 'session.json'), join(bad, 'session.json'));
  await rejects(readSession(bad), /cannot read XDF file .*bad\/session\.xdf/);
  writeFileSync(join(bad, 'session.xdf'), 'not xdf');
  try {
    await readSession(bad);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, /bad\/session\.xdf is not an XDF file/);
  }
});

Read.run();

/**
 * The whole clock chain on a known truth: packets of a 100 ppm device clock with up to 5 ms of
 * arrival jitter go through the recorder's own per-sensor writer (its DeviceClock and the
 * ClockOffset chunks it writes), into an XDF file, and back through readSession. Ten minutes of
 * 200 Hz in ten-sample packets, built in memory faster than real time.
 */
const Recorded = suite('readSession on the recorder clock offsets');
let recordedDir = '';

Recorded.before(() => {
  recordedDir = mkdtempSync(join(tmpdir(), 'motionfuse-recorded-clock-'));
});
Recorded.after(() => rmSync(recordedDir, { recursive: true, force: true }));

Recorded('a 100 ppm device clock with 5 ms arrival jitter over 10 minutes lands within 1 ms of host time', async () => {
  const H0 = 1_800_000_000; // epoch-scale host seconds, as hostNow() gives
  const rate = 200;
  const perPacket = 10;
  const packets = (600 * rate) / perPacket;
  // The device counts 1 + 100e-6 seconds per host second, from its own origin at 731.25 s.
  const hostOf = (i: number) => H0 + 0.5 + i / rate / (1 + 100e-6);
  const deviceOf = (i: number) => 731.25 + i / rate;
  const jitter = new SeededRandom(20).fork('arrival');
  const writer = await XdfWriter.open(join(recordedDir, 'session.xdf'), { clock: () => 0 });
  let stream: ImuStreamRecorder | undefined;
  for (let p = 0; p < packets; p++) {
    const first = p * perPacket;
    const packet: ImuPacket = {
      kind: 'imu',
      sensorId: 'sim#0',
      firstSample: first,
      deviceTime: Float64Array.from({ length: perPacket }, (_, k) => deviceOf(first + k)),
      acc: new Float32Array(perPacket * 3),
      gyro: new Float32Array(perPacket * 3),
      // Arrival: after the packet's last sample, late by 0 to 5 ms.
      hostTime: hostOf(first + perPacket - 1) + jitter.uniform(0, 0.005),
    };
    stream ??= new ImuStreamRecorder(writer, packet, 'serial:sim', 'wrist');
    stream.packet(packet);
  }
  await writer.close();
  const session: SessionFile = {
    format: SESSION_FORMAT,
    id: 'clock',
    startedAt: '2026-12-03T10:00:00.000Z',
    startedHostTime: H0,
    stoppedAt: '2026-12-03T10:10:01.000Z',
    sensors: [{ streamName: 'sim#0', sensorId: 'sim#0', spec: 'serial:sim', placement: 'wrist' }],
  };
  writeFileSync(join(recordedDir, 'session.json'), JSON.stringify(session));

  const imu = (await readSession(recordedDir)).streams[0] as SessionImu;
  assert.is(imu.t.length, 600 * rate);
  let worst = 0;
  for (let i = 0; i < imu.t.length; i++) worst = Math.max(worst, Math.abs((imu.t[i] as number) - (hostOf(i) - H0)));
  assert.ok(worst < 1e-3, `worst error ${(worst * 1e3).toFixed(3)} ms`);
  // Against a constant offset the error would reach 100 ppm x 300 s = 30 ms at the ends.
  assert.ok(Math.abs((imu.clock[0]?.fit?.drift as number) - -100e-6 / (1 + 100e-6)) < 2e-6);
});

Recorded.run();
