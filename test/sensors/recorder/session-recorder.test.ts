import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors.ts';
import { locateFfmpeg } from '../../../src/video/ffmpeg-binary.ts';
import { probeVideo } from '../../../src/video/probe-video.ts';
import { readXdf, type XdfStream } from '../../../src/formats/xdf/xdf-reader.ts';
import type { SessionFile, SessionGapMarker } from '../../../src/formats/session/session-layout.ts';
import { SerialSensor } from '../../../sensors/serial/serial-sensor.ts';
import { DEVICE_SIMULATOR_DEFAULTS, type DeviceSimulatorOptions } from '../../../sensors/simulator/device-simulator.ts';
import { SerialSimulator, type SimulatorLog } from '../../../sensors/simulator/serial-simulator.ts';
import { findSocat } from '../../../sensors/simulator/socat-pty.ts';
import { PlacementRules } from '../../../sensors/recorder/placement-rules.ts';
import { SessionRecorder } from '../../../sensors/recorder/session-recorder.ts';
import type { RecordingSummary } from '../../../sensors/recorder/recording-summary.ts';
import { compareStream, sentSamples } from './sent-samples.ts';

const socat = findSocat();
if (socat === undefined)
  console.log('  session-recorder tests: skipped (socat is not installed; apt-get install socat)');

/** A sensor's data: 1 s of a slow wave on every channel, distinct per sensor. */
function wave(sensor: number): Float32Array {
  const rows = 200;
  return Float32Array.from(
    { length: rows * 6 },
    (_, i) => Math.sin((i / 6 / rows) * 2 * Math.PI + sensor) * (i % 6 < 3 ? 9 : 2),
  );
}

interface Recorded {
  dir: string;
  link: string;
  device: DeviceSimulatorOptions;
  log: SimulatorLog;
  summary: RecordingSummary;
  imu: Map<number, XdfStream>;
  markers: XdfStream;
  gaps: SessionGapMarker[];
  session: SessionFile;
  warnings: string[];
}

/** Records `seconds` of a simulated 4-sensor device in real time, marking a trial on the way, and reads it back. */
async function record(seconds: number, device: Partial<DeviceSimulatorOptions>): Promise<Recorded> {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-rec-'));
  const link = join(root, 'tty');
  const dir = join(root, 'session');
  const options: DeviceSimulatorOptions = { ...DEVICE_SIMULATOR_DEFAULTS, sensors: [0, 1, 2, 3].map(wave), ...device };
  const sim = await SerialSimulator.start({ link, seconds, speed: 1, unplugs: [], device: options });
  const recorder = await SessionRecorder.start({
    dir,
    sources: [new SerialSensor({ path: link, reconnectIntervalMs: 50 }, `serial:${link}`)],
    placements: PlacementRules.parse(['#0=wrist', `${link}#1=ankle`]),
    subject: 'S01',
  });
  const running = sim.run();
  await new Promise((r) => setTimeout(r, 300));
  recorder.startTrial('jump');
  await new Promise((r) => setTimeout(r, 300));
  recorder.note('good one');
  recorder.stopTrial();
  const log = await running;
  // Let the reader drain the pty: done when no sample came for 150 ms.
  for (let seen = -1, now = 0; seen !== now;) {
    seen = now;
    await new Promise((r) => setTimeout(r, 150));
    now = recorder.snapshot().sensors.reduce((n, s) => n + s.samples, 0);
  }
  const summary = await recorder.stop();
  const file = await readXdf(join(dir, 'session.xdf'));
  const imu = new Map<number, XdfStream>();
  for (const s of file.streams) if (s.info.type === 'IMU') imu.set(Number(s.info.name.split('#').pop()), s);
  const markers = file.streams.find((s) => s.info.name === 'markers') as XdfStream;
  const gapStream = file.streams.find((s) => s.info.name === 'gaps') as XdfStream;
  const gaps = (gapStream.values as string[][]).map(([json]) => JSON.parse(json as string) as SessionGapMarker);
  const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as SessionFile;
  return { dir: root, link, device: options, log, summary, imu, markers, gaps, session, warnings: file.warnings };
}

const Recorder = suite('SessionRecorder');
const test = socat === undefined ? Recorder.skip : Recorder;

test('a clean stop loses nothing: every sample sent is in the XDF with its values, footers, markers in order', async () => {
  const r = await record(1.5, {});
  try {
    assert.equal(r.warnings, []);
    assert.is(r.log.lost.length, 0);
    // 1.5 s at 200 Hz in frames of 10: 30 frames, 300 samples per sensor.
    assert.is(r.log.samples, 4 * 300);
    const sent = sentSamples(r.device, 1.5);
    assert.is(r.imu.size, 4);
    for (const [sensor, stream] of r.imu) {
      assert.is(stream.timestamps.length, 300, `sensor ${sensor}: samples`);
      assert.equal(compareStream(stream, sent.get(sensor) ?? [], `sensor ${sensor}`), []);
      assert.ok(stream.footer !== undefined, `sensor ${sensor}: footer`);
      assert.is(stream.info.nominalSrate, 200);
      assert.is(stream.info.channelFormat, 'float32');
      // About one ClockOffset a second: 1.5 s gives 2; each says host - device at a device time of the stream.
      assert.ok(
        stream.clockOffsets.length >= 2 && stream.clockOffsets.length <= 3,
        `${stream.clockOffsets.length} offsets`,
      );
      for (const o of stream.clockOffsets) {
        assert.ok(o.time >= (stream.timestamps[0] as number) && o.time <= (stream.timestamps.at(-1) as number));
        assert.ok(
          Math.abs(o.time + o.value - r.session.startedHostTime) < 5,
          'offset maps to the host clock of this session',
        );
      }
    }
    assert.equal(
      (r.markers.values as string[][]).map(([m]) => JSON.parse(m as string)),
      [
        { event: 'trial-start', label: 'jump', subject: 'S01' },
        { event: 'note', text: 'good one' },
        { event: 'trial-stop' },
      ],
    );
    assert.ok(
      (r.markers.timestamps[1] as number) - (r.markers.timestamps[0] as number) > 0.25,
      'markers on the host clock',
    );
    assert.equal(r.gaps, []);
    assert.ok(r.session.stoppedAt !== undefined);
    assert.equal(
      r.session.sensors.map((s) => [s.sensorId.split('#').pop(), s.placement, s.spec]),
      [
        ['0', 'wrist', `serial:${r.link}`],
        ['1', 'ankle', `serial:${r.link}`],
        ['2', undefined, `serial:${r.link}`],
        ['3', undefined, `serial:${r.link}`],
      ].sort(),
    );
    assert.equal(
      r.summary.sensors.map((s) => [s.samples, s.lost, s.gaps]),
      [
        [300, 0, 0],
        [300, 0, 0],
        [300, 0, 0],
        [300, 0, 0],
      ],
    );
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('with frames lost on the link, the gaps stream has each gap with the exact count the simulator dropped', async () => {
  const r = await record(1.5, { loss: 0.1, seed: 5 });
  try {
    assert.ok(r.log.lost.length >= 5, `frames dropped: ${r.log.lost.length}`);
    // 1.5 s at 200 Hz: frames of 10 samples starting at 0, 10, ..., 290.
    for (const [sensor, stream] of r.imu) {
      const id = stream.info.name;
      const runs: { from: number; count: number }[] = [];
      for (const f of r.log.lost.filter((l) => l.sensor === sensor)) {
        const run = runs.at(-1);
        if (run !== undefined && run.from + run.count === f.firstSample) run.count += f.count;
        else runs.push({ from: f.firstSample, count: f.count });
      }
      // A run at the very start has no frame before it to reveal it, one at the end none after it.
      const revealed = runs.filter((run) => run.from > 0 && run.from + run.count < 300);
      const reported = r.gaps.filter((g) => g.sensorId === id);
      assert.equal(
        reported.map((g) => g.samplesLost),
        revealed.map((run) => run.count),
        id,
      );
      assert.ok(reported.every((g) => g.reason === 'sequence-jump'));
      const lost = runs.reduce((n, run) => n + run.count, 0);
      assert.is(stream.timestamps.length, 300 - lost, `${id}: every frame not dropped is there`);
    }
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

const Folder = suite('SessionRecorder: what it refuses');

Folder('a folder that holds files is never recorded into', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-rec-'));
  try {
    mkdirSync(join(root, 'old'));
    writeFileSync(join(root, 'old', 'session.xdf'), 'XDF:');
    const err = await SessionRecorder.start({ dir: join(root, 'old'), sources: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, UserError);
    assert.match((err as Error).message, /already exists and is not empty \(session\.xdf\)/);
    assert.is(readFileSync(join(root, 'old', 'session.xdf'), 'utf8'), 'XDF:');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

Folder('a camera that cannot open is a UserError, and the new folder is removed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-rec-'));
  try {
    const err = await SessionRecorder.start({
      dir: join(root, 's'),
      sources: [],
      camera: { ffmpeg: 'ffmpeg', source: join(root, 'no-such-clip.mp4') },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, UserError);
    assert.match((err as Error).message, /camera .*no-such-clip\.mp4: no such file or device/);
    assert.not.ok(existsSync(join(root, 's')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

Folder('a failed start into an empty folder that was there leaves the folder, empty', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-rec-'));
  try {
    mkdirSync(join(root, 's'));
    const err = await SessionRecorder.start({
      dir: join(root, 's'),
      sources: [],
      camera: { ffmpeg: 'ffmpeg', source: join(root, 'no-such-clip.mp4') },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, UserError);
    assert.equal(readdirSync(join(root, 's')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const Camera = suite('SessionRecorder: camera');

Camera('a camera that stops on its own is a note in the markers; its frames stay stamped one per frame', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-rec-'));
  try {
    const ffmpeg = (await locateFfmpeg()).path;
    const clip = join(root, 'clip.mp4');
    // 0.8 s at 10 fps: 8 frames, played in real time, then ffmpeg ends by itself.
    const made = spawnSync(ffmpeg, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=10',
      '-t',
      '0.8',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    assert.is(made.status, 0);
    const recorder = await SessionRecorder.start({
      dir: join(root, 's'),
      sources: [],
      camera: { ffmpeg, source: clip },
    });
    for (let i = 0; i < 100 && recorder.snapshot().video?.running !== false; i++)
      await new Promise((r) => setTimeout(r, 50));
    const running = recorder.snapshot().video;
    assert.is(running?.running, false);
    assert.match(running?.stoppedWhy ?? '', /ffmpeg ended \(end of file\) after 8 frames/);
    recorder.note('still recording');
    await recorder.stop();
    const file = await readXdf(join(root, 's', 'session.xdf'));
    const markers = file.streams.find((x) => x.info.name === 'markers') as XdfStream;
    assert.equal(
      (markers.values as string[][]).map(([m]) => JSON.parse(m as string)),
      [
        { event: 'note', text: 'camera stopped: ffmpeg ended (end of file) after 8 frames' },
        { event: 'note', text: 'still recording' },
      ],
    );
    const video = file.streams.find((x) => x.info.name === 'video') as XdfStream;
    assert.equal(Array.from(video.values as Int32Array), [0, 1, 2, 3, 4, 5, 6, 7]);
    // 10 fps: the stamps are 100 ms apart, as the file's frame times.
    const steps = Array.from(video.timestamps.subarray(1), (t, i) => t - (video.timestamps[i] as number));
    assert.ok(
      steps.every((d) => Math.abs(d - 0.1) < 1e-6),
      steps.join(', '),
    );
    assert.equal(video.info.desc?.['width'], '64');
    assert.is((await probeVideo(ffmpeg, join(root, 's', 'video.mkv'))).frameCount, 8);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

Recorder.run();
Folder.run();
Camera.run();
