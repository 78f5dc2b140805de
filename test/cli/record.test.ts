import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readXdf, type XdfStream } from '../../src/formats/xdf/xdf-reader.ts';
import type { SessionFile } from '../../src/formats/session/session-layout.ts';
import { whichTool } from '../../src/core/run-tool.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import { probeVideo } from '../../src/video/probe-video.ts';
import { hostNow } from '../../sensors/imu-packet.ts';
import { DEVICE_SIMULATOR_DEFAULTS, type DeviceSimulatorOptions } from '../../sensors/simulator/device-simulator.ts';
import { SerialSimulator } from '../../sensors/simulator/serial-simulator.ts';
import { findSocat, SocatPty } from '../../sensors/simulator/socat-pty.ts';
import { SerialSensor } from '../../sensors/serial/serial-sensor.ts';
import { motionfuseInProcess, PROJECT_ROOT } from '../helpers/run-cli.ts';
import { compareStream, sentSamples } from '../sensors/recorder/sent-samples.ts';

const socat = findSocat();
if (socat === undefined) console.log('  record tests: skipped (socat is not installed; apt-get install socat)');
const ffmpeg = (await locateFfmpeg()).path;
const ffprobe = await whichTool('ffprobe');
const bin = fileURLToPath(new URL('../../src/cli/motionfuse.js', import.meta.url));

/** A sensor's data: 1 s of a slow wave on every channel, distinct per sensor. */
function wave(sensor: number): Float32Array {
  const rows = 200;
  return Float32Array.from(
    { length: rows * 6 },
    (_, i) => Math.sin((i / 6 / rows) * 2 * Math.PI + sensor) * (i % 6 < 3 ? 9 : 2),
  );
}

const DEVICE: DeviceSimulatorOptions = { ...DEVICE_SIMULATOR_DEFAULTS, sensors: [0, 1, 2, 3].map(wave) };

/** A 160x120 test pattern clip at 10 fps, long enough to outlast the recording. */
function makeClip(dir: string, seconds: number): string {
  const path = join(dir, 'clip.mp4');
  const r = spawnSync(ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10`,
    '-t',
    String(seconds),
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  if (r.status !== 0) throw new Error(`making the test clip failed: ${String(r.stderr)}`);
  return path;
}

/** Starts `motionfuse record` as a user would and resolves once it says it is recording. */
async function startRecorder(
  args: string[],
): Promise<{ child: ChildProcessWithoutNullStreams; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, 'record', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, MOTIONFUSE_PROGRESS: 'off' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const started = Date.now();
  while (!err.includes('recording ')) {
    if (child.exitCode !== null || Date.now() - started > 30_000) throw new Error(`record did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, stdout: () => out, stderr: () => err };
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

/** Frames in a video file: decoded by ffmpeg, and by ffprobe -count_frames where it is installed. */
async function videoFrames(path: string): Promise<number> {
  const frames = (await probeVideo(ffmpeg, path)).frameCount;
  if (ffprobe !== undefined) {
    const r = spawnSync(
      ffprobe,
      [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=nb_read_frames',
        '-of',
        'csv=p=0',
        path,
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.is(Number(r.stdout.trim()), frames, 'ffprobe counts the same frames');
  }
  return frames;
}

const imuStreams = (streams: XdfStream[]) =>
  new Map(streams.filter((s) => s.info.type === 'IMU').map((s) => [Number(s.info.name.split('#').pop()), s]));

const Record = suite('motionfuse record');
const test = socat === undefined ? Record.skip : Record;

test('SIGKILL after 4 s: every sample sent up to 1 s before the kill is there, none corrupt, video frames stamped', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-record-'));
  const link = join(root, 'tty');
  const out = join(root, 'session');
  const sim = await SerialSimulator.start({ link, seconds: 30, speed: 1, unplugs: [], device: DEVICE });
  try {
    const clip = makeClip(root, 20);
    const { child } = await startRecorder(['--sensor', `serial:${link}`, '--camera', clip, '--out', out]);
    const simStart = hostNow();
    const running = sim.run();
    await new Promise((r) => setTimeout(r, 4000));
    const kill = hostNow();
    child.kill('SIGKILL');
    await exited(child);
    sim.stop();
    await running;
    const file = await readXdf(join(out, 'session.xdf'));
    const imu = imuStreams(file.streams);
    assert.is(imu.size, 4);
    // Sent by a second before the kill (less 50 ms for the simulator's 5 ms ticks and start-up).
    const mustHave = sentSamples(DEVICE, kill - 1 - simStart - 0.05);
    const mayHave = sentSamples(DEVICE, kill - simStart + 0.5);
    for (const [sensor, stream] of imu) {
      const required = mustHave.get(sensor) ?? [];
      assert.ok(required.length >= 500, `sensor ${sensor}: ${required.length} samples sent before kill - 1 s`);
      assert.equal(compareStream(stream, required, `sensor ${sensor}`), [], `sensor ${sensor}: all there`);
      // Nothing else: every recorded sample is one the simulator sent, with its exact values.
      const sent = mayHave.get(sensor) ?? [];
      const recorded = sent.filter((s) => stream.timestamps.some((t) => Math.round(t * 1e6) === s.deviceTimeUs));
      assert.is(recorded.length, stream.timestamps.length, `sensor ${sensor}: no sample that was not sent`);
      assert.equal(compareStream(stream, recorded, `sensor ${sensor}`), []);
      assert.is(stream.footer, undefined, 'no footer after a crash');
    }
    const video = file.streams.find((s) => s.info.name === 'video') as XdfStream;
    const stamps = Array.from(video.timestamps);
    assert.ok(stamps.length >= 25, `${stamps.length} frame stamps in 4 s at 10 fps`);
    assert.ok(
      stamps.every((t, i) => i === 0 || t > (stamps[i - 1] as number)),
      'frame stamps increase',
    );
    assert.equal(
      Array.from(video.values as Int32Array),
      stamps.map((_, i) => i),
    );
    // Stamps are held 0.6 s (FfmpegCamera) so that later frames refine the clock, and released
    // every 0.25 s: at most that is lost, plus a frame interval (10 fps).
    const behind = kill - (stamps.at(-1) as number);
    assert.ok(behind > 0 && behind < 1, `last frame stamp ${behind.toFixed(3)} s before the kill`);
    const session = JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')) as SessionFile;
    assert.is(session.stoppedAt, undefined);
    // ffmpeg stops with the recorder (its frame listing's pipe broke): the video stops growing.
    await new Promise((r) => setTimeout(r, 500));
    const size = statSync(join(out, 'video.mkv')).size;
    await new Promise((r) => setTimeout(r, 500));
    assert.is(statSync(join(out, 'video.mkv')).size, size, 'ffmpeg left no orphan recording');
  } finally {
    sim.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a clean stop (stdin quit) loses nothing; markers typed on stdin; frames in the XDF = frames in video.mkv', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-record-'));
  const link = join(root, 'tty');
  const out = join(root, 'session');
  const sim = await SerialSimulator.start({ link, seconds: 2, speed: 1, unplugs: [], device: DEVICE });
  try {
    const clip = makeClip(root, 20);
    const args = [
      '--sensor',
      `serial:${link}`,
      '--placement',
      '#0=wrist',
      '--camera',
      clip,
      '--out',
      out,
      '--label',
      'jump',
      '--json',
    ];
    const { child, stdout } = await startRecorder(args);
    const running = sim.run();
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.write('start jump\n');
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.write('note landed left foot first\nstop\nbogus\n');
    const log = await running;
    await new Promise((r) => setTimeout(r, 400));
    child.stdin.write('quit\n');
    assert.is(await exited(child), 0);
    assert.is(log.samples, 4 * 400);
    const summary = JSON.parse(stdout().trim().split('\n').at(-1) as string) as {
      clean: boolean;
      streams: { samples: number; lost: number; gaps: number; placement: string | null }[];
      video: { frames: number };
    };
    assert.ok(summary.clean);
    assert.equal(
      summary.streams.map((s) => [s.samples, s.lost, s.gaps]),
      [
        [400, 0, 0],
        [400, 0, 0],
        [400, 0, 0],
        [400, 0, 0],
      ],
    );
    assert.equal(
      summary.streams.map((s) => s.placement),
      ['wrist', null, null, null],
    );
    const file = await readXdf(join(out, 'session.xdf'));
    assert.equal(file.warnings, []);
    const sent = sentSamples(DEVICE, 2);
    for (const [sensor, stream] of imuStreams(file.streams)) {
      assert.is(stream.timestamps.length, 400);
      assert.equal(compareStream(stream, sent.get(sensor) ?? [], `sensor ${sensor}`), []);
      assert.ok(stream.footer !== undefined);
    }
    const markers = file.streams.find((s) => s.info.name === 'markers') as XdfStream;
    assert.equal(
      (markers.values as string[][]).map(([m]) => JSON.parse(m as string)),
      [
        { event: 'trial-start', label: 'jump' },
        { event: 'note', text: 'landed left foot first' },
        { event: 'trial-stop' },
      ],
    );
    const video = file.streams.find((s) => s.info.name === 'video') as XdfStream;
    assert.ok(video.footer !== undefined);
    assert.is(video.timestamps.length, summary.video.frames);
    assert.is(await videoFrames(join(out, 'video.mkv')), video.timestamps.length, 'one stamp per frame of video.mkv');
    const session = JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')) as SessionFile;
    assert.ok(session.stoppedAt !== undefined);
    assert.is(session.video?.file, 'video.mkv');
  } finally {
    sim.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

const Errors = suite('motionfuse record: errors');

Errors('an unknown sensor spec lists the known ones', async () => {
  const r = await motionfuseInProcess(['record', '--sensor', 'usb:/dev/x', '--out', join(tmpdir(), 'never-made')]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /unknown sensor spec 'usb:\/dev\/x'/);
  assert.match(r.stderr, /serial:PATH/);
});

Errors('a malformed --placement names itself', async () => {
  const r = await motionfuseInProcess([
    'record',
    '--sensor',
    'serial:/dev/null',
    '--placement',
    'wrist',
    '--out',
    join(tmpdir(), 'never-made'),
  ]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--placement 'wrist' is not SENSOR=PLACE/);
});

Errors('a port that does not exist is a UserError and leaves no folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-record-'));
  try {
    const r = await motionfuseInProcess([
      'record',
      '--sensor',
      `serial:${join(root, 'nope')}`,
      '--out',
      join(root, 's'),
    ]);
    assert.is(r.code, 2);
    assert.match(r.stderr, /cannot open .*nope: no such port/);
    assert.throws(() => statSync(join(root, 's')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const busy = socat === undefined ? Errors.skip : Errors;

busy('a port another program holds is a UserError that says so, and leaves no folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-record-'));
  const pty = await SocatPty.open(join(root, 'tty'));
  const holder = new SerialSensor({ path: join(root, 'tty') });
  try {
    await holder.start();
    const r = await motionfuseInProcess([
      'record',
      '--sensor',
      `serial:${join(root, 'tty')}`,
      '--out',
      join(root, 's'),
    ]);
    assert.is(r.code, 2);
    assert.match(r.stderr, /cannot open .*tty: the port is in use/);
    assert.match(r.stderr, /close the other program that has it open/);
    assert.throws(() => statSync(join(root, 's')));
  } finally {
    await holder.stop();
    await pty.close();
    rmSync(root, { recursive: true, force: true });
  }
});

Record.run();
Errors.run();
