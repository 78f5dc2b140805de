import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImuStream, VideoStream } from '../../../src/core/stream.ts';
import { readRecording } from '../../../src/data/recording/read-recording.ts';
import { recordingsDataset } from '../../../src/data/recording/recordings-dataset.ts';
import { cutSession } from '../../../src/data/session/cut-session.ts';
import { readSession } from '../../../src/data/session/read-session.ts';
import { locateFfmpeg } from '../../../src/video/ffmpeg-binary.ts';
import { rejects } from '../../helpers/rejects.ts';
import { frameValue, SIM0, SIM1, writeSessionFolder } from '../../helpers/session-folder.ts';

/** cutSession: the labelled trials of the hand-worked session as recording folders. */
const Cut = suite('cutSession');
let dir = '';
let ffmpeg = '';

Cut.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-cut-session-'));
  ffmpeg = (await locateFfmpeg()).path;
  await writeSessionFolder(join(dir, 'lab1'), { ffmpeg });
});
Cut.after(() => rmSync(dir, { recursive: true, force: true }));

Cut(
  'each trial reads back with readRecording: its streams, its time span, its frames; a re-run skips them',
  async () => {
    const session = await readSession(join(dir, 'lab1'));
    const out = join(dir, 'trials');
    const first = await cutSession(session, out, { ffmpeg });
    assert.equal(
      first.trials.map((c) => [c.dir.slice(out.length + 1), c.status]),
      [
        ['lab1-01-jump', 'written'],
        ['lab1-02-squat', 'written'],
        ['lab1-03-run', 'written'],
      ],
    );
    const jump = await readRecording(join(out, 'lab1-01-jump'), { decodeVideo: true, ffmpeg });
    assert.equal([jump.id, jump.label, jump.subject], ['lab1-01-jump', 'jump', 'ath1']);
    assert.equal(
      jump.streams.map((s) => [s.kind, s.kind === 'imu' ? `${s.sensorId}@${s.placement}` : '', s.t.length]),
      [
        ['imu', `${SIM0}@wrist`, 200],
        ['imu', `${SIM1}@ankle`, 200],
        ['video', '', 60],
      ],
    );
    // [1, 3] s: wrist samples i = 80..279 at 0.2 + (i / 100) * 1.0001; ankle i = 90..289 at 0.105 + i / 100;
    // frames 29..88 at 0.05 + f / 30.
    const [a, b, v] = jump.streams as [ImuStream, ImuStream, VideoStream];
    const near = (x: number | undefined, y: number) => assert.ok(Math.abs((x as number) - y) < 1e-6, `${x} vs ${y}`);
    near(a.t[0], 0.2 + 0.8 * 1.0001);
    near(a.t[199], 0.2 + 2.79 * 1.0001);
    near(b.t[0], 1.005);
    near(b.t[199], 2.995);
    near(v.t[0], 0.05 + 29 / 30);
    near(v.t[59], 0.05 + 88 / 30);
    const px = (f: number, x: number, y: number) =>
      Array.from(v.decoded!.frames.subarray(((f * 12 + y) * 16 + x) * 3, ((f * 12 + y) * 16 + x) * 3 + 3));
    assert.equal(px(0, 3, 5), frameValue(29, 3, 5));
    assert.equal(px(59, 15, 11), frameValue(88, 15, 11));
    // The squat holds the camera's dropped frame; the run, the ankle sensor's clock reset.
    const squat = JSON.parse(readFileSync(join(out, 'lab1-02-squat', 'take.json'), 'utf8'));
    assert.equal(
      squat.events.map((e: { name: string; value?: number }) => [e.name, e.value]),
      [['gap video (dropped-frames)', 1]],
    );
    assert.is(squat.meta.endedBy, 'next-start');
    const run = JSON.parse(readFileSync(join(out, 'lab1-03-run', 'take.json'), 'utf8'));
    assert.equal(
      run.events.map((e: { name: string }) => e.name),
      [`gap ${SIM1} (clock-reset)`],
    );

    const again = await cutSession(session, out, { ffmpeg });
    assert.equal(
      again.trials.map((c) => c.status),
      ['skipped', 'skipped', 'skipped'],
    );
    assert.equal(readdirSync(out).sort(), ['lab1-01-jump', 'lab1-02-squat', 'lab1-03-run']);

    // The recordings data set takes the cut trials as they are.
    const recordings = recordingsDataset({ root: out });
    assert.equal(recordings.classes, ['jump', 'run', 'squat']);
    assert.equal(
      (await recordings.list()).map((r) => [r.id, r.label, r.subject]),
      [
        ['lab1-01-jump', 'jump', 'ath1'],
        ['lab1-02-squat', 'squat', 'ath0'],
        ['lab1-03-run', 'run', 'ath0'],
      ],
    );
  },
);

Cut('a sensor without a placement is a UserError naming session.json and the sensor', async () => {
  const nov = join(dir, 'noplace');
  await writeSessionFolder(nov, { video: false });
  const json = JSON.parse(readFileSync(join(nov, 'session.json'), 'utf8'));
  delete json.sensors[1].placement;
  writeFileSync(join(nov, 'session.json'), JSON.stringify(json));
  await rejects(
    cutSession(await readSession(nov), join(dir, 'noplace-out')),
    /noplace\/session\.json: sensor 'serial:\/dev\/sim#1' \(stream 'serial:\/dev\/sim#1'\) has placement null, not one of wrist/,
  );
});

Cut.run();
