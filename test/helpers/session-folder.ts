import { mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IMU_CHANNEL_LABELS,
  SESSION_FILES,
  SESSION_FORMAT,
  SESSION_STREAMS,
  type SessionFile,
  type SessionGapMarker,
  type SessionMarker,
} from '../../src/formats/session/session-layout.ts';
import { XdfWriter } from '../../src/formats/xdf/xdf-writer.ts';
import { writeLosslessVideo } from '../../src/video/lossless-video.ts';

/**
 * A 10-s lab session written straight with XdfWriter, as src/formats/session/session-layout.ts
 * says `motionfuse record` writes one, with numbers a test can work out by hand. Session time
 * is host time - H0 (session.json's startedHostTime).
 *
 * - `serial:/dev/sim#0` (wrist, 100 Hz): device time 50 + i/100 for i = 0..999 without
 *   300..319 (20 samples lost: a sequence-jump gap marker); its clock runs 100 ppm slow against
 *   the host: session time 0.2 + (i/100) * 1.0001. A ClockOffset chunk every second.
 * - `serial:/dev/sim#1` (ankle, 100 Hz): session time 0.105 + i/100, i = 0..999; device time
 *   10 + i/100 until i = 599, then the device clock resets to 0 (i/100 - 6; a clock-reset gap
 *   marker with samplesLost null).
 * - `video` (30 fps, 16x12 RGB, video.mkv): frame f at 0.05 + f/30, one camera frame dropped
 *   between frames 149 and 150 (f >= 150 are 1/30 s later). Frame f is filled with (7 f) mod 256
 *   in red, the column index in green, the row in blue.
 * - markers: 1.0 trial-start jump (subject ath1), 3.0 trial-stop, 3.5 note 'knee wobble',
 *   4.0 trial-start squat (never stopped), 6.0 trial-start run, 8.0 trial-stop.
 *
 * `crash: true` writes no 8.0 trial-stop and no stoppedAt, and cuts the file 5 bytes into its
 * last data chunk (the video's last 30 frame stamps), with no footers: a recorder killed.
 */
export const SESSION_H0 = 5000;
export const SIM0 = 'serial:/dev/sim#0';
export const SIM1 = 'serial:/dev/sim#1';

export interface SessionFolderOptions {
  id?: string;
  crash?: boolean;
  video?: boolean;
  ffmpeg?: string;
}

export function frameValue(f: number, x: number, y: number): [number, number, number] {
  return [(7 * f) % 256, x, y];
}

export async function writeSessionFolder(dir: string, options: SessionFolderOptions = {}): Promise<void> {
  const H0 = SESSION_H0;
  const withVideo = options.video !== false;
  mkdirSync(dir, { recursive: true });
  const xdfPath = join(dir, SESSION_FILES.xdf);
  const xdf = await XdfWriter.open(xdfPath, { clock: () => 0 });
  const imuInfo = (name: string, placement: string) => ({
    name,
    type: SESSION_STREAMS.imuType,
    channelCount: 6,
    nominalSrate: 100,
    channelFormat: 'float32' as const,
    sourceId: name,
    desc: { placement, channels: { channel: IMU_CHANNEL_LABELS.map((c) => ({ ...c })) } },
  });
  const a = xdf.addStream(imuInfo(SIM0, 'wrist'));
  const b = xdf.addStream(imuInfo(SIM1, 'ankle'));
  const v = withVideo
    ? xdf.addStream({
        name: SESSION_STREAMS.video.name,
        type: SESSION_STREAMS.video.type,
        channelCount: 1,
        nominalSrate: 30,
        channelFormat: 'int32',
        desc: { file: SESSION_FILES.video, width: 16, height: 12, source: 'test' },
      })
    : 0;
  const m = xdf.addStream({ ...SESSION_STREAMS.markers, channelCount: 1, nominalSrate: 0, channelFormat: 'string' });
  const g = xdf.addStream({ ...SESSION_STREAMS.gaps, channelCount: 1, nominalSrate: 0, channelFormat: 'string' });

  const hostA = (i: number) => H0 + 0.2 + (i / 100) * 1.0001;
  const deviceA = (i: number) => 50 + i / 100;
  const hostB = (i: number) => H0 + 0.105 + i / 100;
  const deviceB = (i: number) => (i < 600 ? 10 + i / 100 : i / 100 - 6);
  const hostFrame = (f: number) => H0 + 0.05 + f / 30 + (f >= 150 ? 1 / 30 : 0);
  const markers: [number, SessionMarker][] = [
    [1.0, { event: 'trial-start', label: 'jump', subject: 'ath1' }],
    [3.0, { event: 'trial-stop' }],
    [3.5, { event: 'note', text: 'knee wobble' }],
    [4.0, { event: 'trial-start', label: 'squat' }],
    [6.0, { event: 'trial-start', label: 'run' }],
    ...(options.crash === true ? [] : ([[8.0, { event: 'trial-stop' }]] as [number, SessionMarker][])),
  ];
  const gaps: [number, SessionGapMarker][] = [
    [
      hostA(320) - H0,
      {
        sensorId: SIM0,
        reason: 'sequence-jump',
        fromDeviceTime: deviceA(299),
        toDeviceTime: deviceA(320),
        samplesLost: 20,
      },
    ],
    [
      hostB(600) - H0,
      {
        sensorId: SIM1,
        reason: 'clock-reset',
        fromDeviceTime: deviceB(599),
        toDeviceTime: deviceB(600),
        samplesLost: null,
      },
    ],
  ];
  const imuValues = (idx: number[], phase: number) =>
    Float32Array.from(idx.flatMap((i) => [Math.sin(i / 10 + phase), i / 1000, 9.81, 0.5 * phase, -i / 500, 0.25]));
  for (let k = 0; k < 10; k++) {
    const ia = range(100 * k, 100 * k + 100).filter((i) => i < 300 || i >= 320);
    xdf.writeSamples(a, Float64Array.from(ia, deviceA), imuValues(ia, 0));
    const ca = 50 + k + 0.5;
    xdf.writeClockOffset(a, ca, H0 + 0.2 + (ca - 50) * 1.0001 - ca);
    const ib = range(100 * k, 100 * k + 100);
    xdf.writeSamples(b, Float64Array.from(ib, deviceB), imuValues(ib, 1));
    const cb = k < 6 ? 10.5 + k : k - 6 + 0.5;
    xdf.writeClockOffset(b, cb, k < 6 ? H0 - 9.9 + 0.005 : H0 + 6.105);
    for (const [t, gap] of gaps.filter(([t]) => t >= k && t < k + 1))
      xdf.writeSamples(g, Float64Array.of(H0 + t), [JSON.stringify(gap)]);
    for (const [t, marker] of markers.filter(([t]) => t >= k && t < k + 1))
      xdf.writeSamples(m, Float64Array.of(H0 + t), [JSON.stringify(marker)]);
    if (withVideo) {
      const frames = range(30 * k, 30 * k + 30);
      xdf.writeSamples(v, Float64Array.from(frames, hostFrame), frames);
    }
  }
  const dataBytes = statSync(xdfPath).size;
  await xdf.close();
  if (options.crash === true) truncateSync(xdfPath, dataBytes - 5);

  if (withVideo) {
    if (options.ffmpeg === undefined) throw new Error('writeSessionFolder(): video needs options.ffmpeg');
    const frames = new Uint8Array(300 * 12 * 16 * 3);
    for (let f = 0; f < 300; f++)
      for (let y = 0; y < 12; y++)
        for (let x = 0; x < 16; x++) frames.set(frameValue(f, x, y), ((f * 12 + y) * 16 + x) * 3);
    await writeLosslessVideo(
      options.ffmpeg,
      join(dir, SESSION_FILES.video),
      { frames, width: 16, height: 12, channels: 3 },
      30,
    );
  }
  const session: SessionFile = {
    format: SESSION_FORMAT,
    id: options.id ?? 'lab1',
    subject: 'ath0',
    startedAt: '2026-12-03T10:00:00.000Z',
    startedHostTime: H0,
    sensors: [
      { streamName: SIM0, sensorId: SIM0, spec: 'serial:/dev/sim#0', placement: 'wrist' },
      { streamName: SIM1, sensorId: SIM1, spec: 'serial:/dev/sim#1', placement: 'ankle' },
    ],
    ...(withVideo ? { video: { file: SESSION_FILES.video, source: 'test', streamName: 'video' } } : {}),
    ...(options.crash === true ? {} : { stoppedAt: '2026-12-03T10:00:10.300Z' }),
  };
  writeFileSync(join(dir, SESSION_FILES.session), `${JSON.stringify(session, null, 2)}\n`);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
