/**
 * Our XDF files read by a reference reader: libxdf (github.com/xdf-modules/libxdf, the C++ reader
 * of the XDF maintainers, used by SigViewer; Debian package libxdf-dev), through the small program
 * of test/helpers/libxdf-dump.cpp. Skips, saying why, where g++ or libxdf is missing.
 *
 * libxdf's Xdf::load_xdf adds clock offsets to the time stamps as it loads (the specification's
 * "simple incremental processing": each sample gets the latest offset collected before it, the
 * first offset before there is any), keeps every numeric format as float, and puts string samples
 * in Xdf::eventMap; the expectations below are worked out that way.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../src/core/run-tool.ts';
import { encodeXdf } from '../../src/formats/xdf/encode-xdf.ts';
import { parseXdf } from '../../src/formats/xdf/xdf-reader.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import { DEVICE_SIMULATOR_DEFAULTS } from '../../sensors/simulator/device-simulator.ts';
import { SerialSimulator } from '../../sensors/simulator/serial-simulator.ts';
import { findSocat } from '../../sensors/simulator/socat-pty.ts';
import { IMU_CHANNEL_LABELS } from '../../src/formats/session/session-layout.ts';
import { libxdfReader, type LibxdfStream } from '../helpers/libxdf-reader.ts';
import { PROJECT_ROOT } from '../helpers/run-cli.ts';
import {
  IMU_PER_TICK,
  SESSION_TICKS,
  readerStamps,
  writeSessionXdf,
  type WrittenStream,
} from '../helpers/session-xdf-file.ts';
import { walkXdf } from '../helpers/xdf-spec-walk.ts';

const reader = await libxdfReader();
if ('missing' in reader) console.log(`libxdf tests skipped: ${reader.missing}`);

const Libxdf = suite('our XDF files, read by libxdf');
const test = 'missing' in reader ? Libxdf.skip : Libxdf;

let dir = '';
Libxdf.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'motionfuse-libxdf-'));
});
Libxdf.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** [channel][sample] of a row-major [sample x channel] list. */
function byChannel(values: readonly (number | string)[], channels: number): number[][] {
  return Array.from({ length: channels }, (_, c) => values.filter((_, i) => i % channels === c) as number[]);
}

function checkInfo(read: LibxdfStream | undefined, written: WrittenStream): asserts read is LibxdfStream {
  assert.ok(read, written.name);
  assert.equal(
    [read.name, read.type, read.channel_format, read.channel_count, read.nominal_srate],
    [written.name, written.type, written.channelFormat, written.channelCount, written.nominalSrate],
    written.name,
  );
  assert.is(read.sample_count, written.stamps.length, `${written.name}: sample_count of the footer`);
  assert.equal(
    read.clock_times,
    written.clockOffsets.map((o) => o.time),
    `${written.name}: clock_times`,
  );
  assert.equal(
    read.clock_values,
    written.clockOffsets.map((o) => o.value),
    `${written.name}: clock_values`,
  );
}

test('reads a recorder-style session.xdf: streams, channels, samples, clock offsets, markers', async () => {
  if ('missing' in reader) return;
  const session = await writeSessionXdf(dir);
  const file = await reader.read(session.path);
  assert.is(file.version, 1);
  assert.not.match(file.log, /Unknown chunk/);
  assert.is(file.streams.length, 5);
  const [a, b, video, markers, gaps] = file.streams;

  checkInfo(a, session.imuA);
  checkInfo(b, session.imuB);
  for (const s of [a, b]) {
    assert.equal(
      s.channels,
      IMU_CHANNEL_LABELS.map((c) => ({ label: c.label, unit: c.unit, type: c.type })),
    );
  }
  // IMU A's offsets were collected at its samples 19, 119 and 219: samples up to 119 get the
  // first (-999.75; at equal times the earlier offset still holds), samples 120 on the second.
  const n = SESSION_TICKS * IMU_PER_TICK;
  const stampsA = readerStamps(session.imuA);
  assert.equal(
    a.time_stamps,
    stampsA.map((t, i) => t + (i < 120 ? -999.75 : -999.7505)),
  );
  assert.is(a.time_stamps.length, n);
  assert.ok(Math.abs((a.time_stamps[0] as number) - 0.25) < 1e-9, 'device 1000 s is host 0.25 s');
  assert.equal(a.time_series, byChannel(session.imuA.values, 6));
  assert.is(a.first_timestamp, a.time_stamps[0]);
  assert.is(a.last_timestamp, a.time_stamps.at(-1));
  // IMU B: both offsets -49.5; tick 3 was stored without time stamps, so libxdf counts 1 / 200 on.
  const stampsB = readerStamps(session.imuB);
  assert.equal(
    b.time_stamps,
    stampsB.map((t) => t + -49.5),
  );
  assert.ok(Math.abs((b.time_stamps[79] as number) - (50 + 79 / 200 - 49.5)) < 1e-9);
  assert.equal(b.time_series, byChannel(session.imuB.values, 6));

  checkInfo(video, session.video);
  assert.equal(video.time_stamps, session.video.stamps);
  assert.equal(video.time_series, [session.video.values]);
  assert.equal(video.time_series[0]?.slice(0, 4), [0, 1, 2, 3]);

  for (const [read, written] of [
    [markers, session.markers],
    [gaps, session.gaps],
  ] as const) {
    checkInfo(read, written);
    assert.equal(read.time_stamps, [], `${written.name}: libxdf keeps string samples as events`);
    assert.equal(
      read.events,
      written.values.map((text, i) => ({ text, time: written.stamps[i] })),
      written.name,
    );
  }
  assert.equal(JSON.parse(markers?.events[0]?.text ?? ''), { event: 'trial-start', label: 'jump', subject: 'S01' });
});

test('reads a file from encodeXdf in every numeric format, with and without time stamps', async () => {
  if ('missing' in reader) return;
  const path = join(dir, 'formats.xdf');
  await writeFile(
    path,
    encodeXdf([
      {
        // As in the maintainers' minimal.xdf: int16 x 3 at 10 Hz; here stored without time stamps.
        info: { name: 'SendDataC', type: 'EEG', channelCount: 3, nominalSrate: 10, channelFormat: 'int16' },
        timestamps: null,
        values: new Int16Array([192, 255, 238, 12, 22, 32, -13, -23, -33]),
        clockOffsets: [{ time: 0.15, value: 100 }],
      },
      {
        info: { name: 'd', type: 'T', channelCount: 2, nominalSrate: 0, channelFormat: 'double64' },
        timestamps: new Float64Array([5.5, 7.25]),
        values: new Float64Array([Math.PI, -1e30, 0.1, 42]),
      },
      {
        info: { name: 'i8', type: 'T', channelCount: 1, nominalSrate: 4, channelFormat: 'int8' },
        timestamps: new Float64Array([1, 1.25]),
        values: new Int8Array([-128, 127]),
      },
      {
        info: { name: 'i32', type: 'T', channelCount: 1, nominalSrate: 0, channelFormat: 'int32' },
        timestamps: new Float64Array([2]),
        values: new Int32Array([-70000]),
      },
      {
        info: { name: 'i64', type: 'T', channelCount: 2, nominalSrate: 0, channelFormat: 'int64' },
        timestamps: new Float64Array([3]),
        values: new BigInt64Array([-5n, 2n ** 40n]),
      },
      {
        info: { name: 'words', type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string' },
        timestamps: new Float64Array([0.5, 0.75]),
        values: ['Hello', 'Wörld <&>'],
      },
    ]),
  );
  const file = await reader.read(path);
  assert.not.match(file.log, /Unknown chunk/);
  assert.equal(
    file.streams.map((s) => [s.name, s.channel_format, s.channel_count, s.nominal_srate, s.sample_count]),
    [
      ['SendDataC', 'int16', 3, 10, 3],
      ['d', 'double64', 2, 0, 2],
      ['i8', 'int8', 1, 4, 2],
      ['i32', 'int32', 1, 0, 1],
      ['i64', 'int64', 2, 0, 1],
      ['words', 'string', 1, 0, 2],
    ],
  );
  const [int16, d, i8, i32, i64, words] = file.streams;
  // 0 + 0.1, + 0.1, + 0.1 counted from 0, then the one offset (100) added to each.
  assert.equal(int16?.time_stamps, [0.1 + 100, 0.1 + 0.1 + 100, 0.1 + 0.1 + 0.1 + 100]);
  assert.equal(int16?.time_series, [
    [192, 12, -13],
    [255, 22, -23],
    [238, 32, -33],
  ]);
  assert.equal(d?.time_stamps, [5.5, 7.25]);
  // libxdf stores every value as a C++ float.
  assert.equal(d?.time_series, [
    [Math.fround(Math.PI), Math.fround(0.1)],
    [Math.fround(-1e30), 42],
  ]);
  assert.equal(i8?.time_series, [[-128, 127]]);
  assert.equal(i32?.time_series, [[-70000]]);
  assert.equal(i64?.time_series, [[-5], [2 ** 40]]);
  assert.equal(words?.events, [
    { text: 'Hello', time: 0.5 },
    { text: 'Wörld <&>', time: 0.75 },
  ]);
});

/**
 * Time stamps as libxdf gives them: each plus the latest clock offset collected before it (the
 * first offset before there is any), as its Xdf::syncTimeStamps does for increasing time stamps.
 */
function libxdfSynced(stamps: ArrayLike<number>, offsets: readonly { time: number; value: number }[]): number[] {
  return Array.from(stamps, (t) => {
    let k = 0;
    while (k + 1 < offsets.length && (offsets[k + 1] as { time: number }).time < t) k++;
    return t + (offsets[k]?.value ?? 0);
  });
}

const socat = findSocat();
test('reads a session that `motionfuse record` recorded from the device simulator as our reader does', async () => {
  if ('missing' in reader) return;
  if (socat === undefined) {
    console.log('  (recorder file: skipped, socat is not installed; apt-get install socat)');
    return;
  }
  const link = join(dir, 'tty');
  const wave = (sensor: number) =>
    Float32Array.from({ length: 200 * 6 }, (_, i) => Math.sin((i / 6 / 200) * 2 * Math.PI + sensor) * 4);
  const sim = await SerialSimulator.start({
    link,
    seconds: Number.POSITIVE_INFINITY,
    speed: 1,
    unplugs: [],
    device: { ...DEVICE_SIMULATOR_DEFAULTS, sensors: [wave(0), wave(1)] },
  });
  let streaming: Promise<unknown> | undefined;
  try {
    const clip = join(dir, 'clip.mp4');
    const ffmpeg = (await locateFfmpeg()).path;
    await runTool(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=30', '-t', '5', clip]);
    const out = join(dir, 'recorded');
    const args = ['record', '--sensor', `serial:${link}`, '--placement', '#0=wrist', '--camera', clip];
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'src/cli/motionfuse.js'), ...args, '--out', out, '--seconds', '3', '--json'],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MOTIONFUSE_PROGRESS: 'off' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // The device starts streaming once the recorder has the port open (no backlog in the pty).
      if (streaming === undefined && stderr.includes('recording ')) streaming = sim.run();
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.is(code, 0, stderr);
    assert.is((JSON.parse(stdout) as { clean: boolean }).clean, true);

    const path = join(out, 'session.xdf');
    const bytes = await readFile(path);
    const walk = walkXdf(bytes);
    const tags = walk.chunks.map((c) => c.tag);
    assert.is(tags[0], 1, 'the FileHeader comes first');
    const lastData = Math.max(tags.lastIndexOf(3), tags.lastIndexOf(4));
    assert.ok(tags.slice(lastData + 1).every((t) => t === 6) && tags.indexOf(6) > lastData, 'footers come last');
    for (const c of walk.chunks) assert.is(c.numLengthBytes, c.length < 256 ? 1 : 4, `chunk at byte ${c.start}`);
    for (const [id, s] of walk.streams) assert.ok(s.footer, `stream ${id} has a StreamFooter`);

    const ours = parseXdf(bytes, path);
    assert.equal(ours.warnings, []);
    const lib = await reader.read(path);
    assert.not.match(lib.log, /Unknown chunk/);
    assert.equal(
      lib.streams.map((s) => [s.name, s.type, s.channel_format, s.channel_count]),
      ours.streams.map((s) => [s.info.name, s.info.type, s.info.channelFormat, s.info.channelCount]),
    );
    const imus = ours.streams.filter((s) => s.info.type === 'IMU');
    assert.is(imus.length, 2);
    assert.ok(ours.streams.some((s) => s.info.name === 'video' && s.timestamps.length > 0));
    ours.streams.forEach((s, k) => {
      const l = lib.streams[k] as LibxdfStream;
      const n = s.timestamps.length;
      assert.is(l.sample_count, n, `${s.info.name}: footer sample_count`);
      assert.is(walk.streams.get(s.id)?.samples.length, n, s.info.name);
      assert.equal(
        l.clock_times,
        s.clockOffsets.map((o) => o.time),
        s.info.name,
      );
      assert.equal(
        l.clock_values,
        s.clockOffsets.map((o) => o.value),
        s.info.name,
      );
      if (s.info.channelFormat === 'string') {
        assert.equal(
          l.events,
          (s.values as string[][]).map((row, i) => ({ text: row[0], time: s.timestamps[i] })),
        );
        return;
      }
      assert.equal(l.time_stamps, libxdfSynced(s.timestamps, s.clockOffsets), s.info.name);
      const c = s.info.channelCount;
      const values = Array.from(s.values as Float32Array | Int32Array, (v) => (Number.isFinite(v) ? v : null));
      assert.equal(
        l.time_series,
        Array.from({ length: c }, (_, j) => values.filter((_, i) => i % c === j)),
        s.info.name,
      );
    });
    for (const s of imus) {
      assert.ok(s.timestamps.length >= 300, `${s.info.name}: ${s.timestamps.length} samples in 3 s at 200 Hz`);
      assert.ok(s.clockOffsets.length >= 1, `${s.info.name} has ClockOffset chunks`);
      assert.equal(
        lib.streams[ours.streams.indexOf(s)]?.channels.map((ch) => ch['label']),
        IMU_CHANNEL_LABELS.map((ch) => ch.label),
      );
    }
  } finally {
    sim.stop();
    await streaming;
  }
});

Libxdf.run();
