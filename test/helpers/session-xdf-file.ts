import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { XdfStreamInfo } from '../../src/formats/xdf/xdf-stream-input.ts';
import { XdfWriter } from '../../src/formats/xdf/xdf-writer.ts';
import {
  IMU_CHANNEL_LABELS,
  SESSION_FILES,
  SESSION_STREAMS,
  type SessionGapMarker,
  type SessionMarker,
} from '../../src/formats/session/session-layout.ts';

/**
 * A small session.xdf written the way the recorder writes one (src/formats/session/session-layout.ts):
 * two IMU streams (float32 x 6, device time stamps, ClockOffset chunks), the `video` frame stream
 * (int32, host clock), the `markers` and `gaps` string streams (JSON samples), Boundary chunks
 * forced by the writer's clock, and the footers of a clean stop. Returns what was written, so that
 * tests can hold any reader's result against it.
 *
 * The session runs 11 ticks (k = 0..10) of the writer's clock at k / 10 s, with a Boundary chunk
 * due every 0.5 s: one comes before the first data chunk of tick 5 and of tick 10. Per tick, in
 * this order: 20 samples of IMU A, 20 of IMU B (stored without time stamps at tick 3), 3 video
 * frames, a ClockOffset of A at ticks 0, 5, 10 and of B at ticks 0 and 10, a marker at ticks 2, 8
 * and 9, a gap at tick 6.
 */
export interface WrittenStream {
  id: number;
  name: string;
  type: string;
  channelFormat: 'float32' | 'int32' | 'string';
  channelCount: number;
  nominalSrate: number;
  sourceId: string;
  /** Per sample: the time stamp written, or null when the sample was stored without one. */
  stamps: (number | null)[];
  /** Row-major [samples x channels]. */
  values: (number | string)[];
  clockOffsets: { time: number; value: number }[];
}

export interface SessionXdf {
  path: string;
  bytes: Buffer;
  fileHeader: Record<string, string>;
  imuA: WrittenStream;
  imuB: WrittenStream;
  video: WrittenStream;
  markers: WrittenStream;
  gaps: WrittenStream;
}

export const SESSION_TICKS = 11;
export const IMU_PER_TICK = 20;
export const FRAMES_PER_TICK = 3;
export const BOUNDARY_TICKS = [5, 10];
export const SENSOR_A = 'serial:/dev/pts/7#0';
export const SENSOR_B = 'serial:/dev/pts/7#1';

/** Float32-exact test values (multiples of 1/8). */
function imuValue(sample: number, channel: number, sensor: number): number {
  return ((sample * 3 + channel * 5 + sensor * 7) % 64) / 8 - 4;
}

export async function writeSessionXdf(dir: string): Promise<SessionXdf> {
  const path = join(dir, SESSION_FILES.xdf);
  let now = 0;
  const fileHeader = { datetime: '2026-12-03T14:00:00.000Z' };
  const xdf = await XdfWriter.open(path, { fileHeader, boundaryEverySeconds: 0.5, clock: () => now });
  // Stream info as sensors/recorder gives it (desc: channels, placement, sensor, clock).
  const imuInfo = (sensorId: string, placement: string): XdfStreamInfo => ({
    name: sensorId,
    type: SESSION_STREAMS.imuType,
    channelCount: 6,
    nominalSrate: 200,
    channelFormat: 'float32',
    sourceId: sensorId,
    desc: {
      channels: { channel: IMU_CHANNEL_LABELS.map((c) => ({ label: c.label, unit: c.unit, type: c.type })) },
      placement,
      sensor: { id: sensorId, spec: 'serial:/dev/pts/7' },
      clock: 'device',
    },
  });
  const videoInfo: XdfStreamInfo = {
    ...SESSION_STREAMS.video,
    channelCount: 1,
    nominalSrate: 30,
    channelFormat: 'int32',
    sourceId: 'camera:clip.mp4',
    desc: { file: SESSION_FILES.video, width: 64, height: 48, source: 'clip.mp4', clock: 'host' },
  };
  const markerInfo = (stream: { name: string; type: string }): XdfStreamInfo => ({
    ...stream,
    channelCount: 1,
    nominalSrate: 0,
    channelFormat: 'string',
    sourceId: `motionfuse-recorder:${stream.name}`,
    desc: { clock: 'host' },
  });
  const add = (info: XdfStreamInfo): WrittenStream => ({
    id: xdf.addStream(info),
    name: info.name,
    type: info.type,
    channelFormat: info.channelFormat as WrittenStream['channelFormat'],
    channelCount: info.channelCount,
    nominalSrate: info.nominalSrate,
    sourceId: info.sourceId ?? '',
    stamps: [],
    values: [],
    clockOffsets: [],
  });
  const imuA = add(imuInfo(SENSOR_A, 'wrist'));
  const imuB = add(imuInfo(SENSOR_B, 'ankle'));
  const video = add(videoInfo);
  const markers = add(markerInfo(SESSION_STREAMS.markers));
  const gaps = add(markerInfo(SESSION_STREAMS.gaps));

  const marks: Record<number, SessionMarker> = {
    2: { event: 'trial-start', label: 'jump', subject: 'S01' },
    8: { event: 'trial-stop' },
    9: { event: 'note', text: 'élan & <ok> "quoted"' },
  };
  const gap: SessionGapMarker = {
    sensorId: SENSOR_B,
    reason: 'sequence-jump',
    fromDeviceTime: 50.5,
    toDeviceTime: 50.52,
    samplesLost: 3,
  };
  const offsetsA: Record<number, number> = { 0: -999.75, 5: -999.7505, 10: -999.751 };
  const offsetsB: Record<number, number> = { 0: -49.5, 10: -49.5 };

  for (let k = 0; k < SESSION_TICKS; k++) {
    now = k / 10;
    for (const [target, sensor, origin] of [
      [imuA, 0, 1000],
      [imuB, 1, 50],
    ] as const) {
      const stamps = new Float64Array(IMU_PER_TICK);
      const values = new Float32Array(IMU_PER_TICK * 6);
      for (let i = 0; i < IMU_PER_TICK; i++) {
        const n = k * IMU_PER_TICK + i;
        stamps[i] = origin + n / 200;
        for (let c = 0; c < 6; c++) values[i * 6 + c] = imuValue(n, c, sensor);
      }
      const bare = target === imuB && k === 3;
      xdf.writeSamples(target.id, bare ? null : stamps, values);
      target.stamps.push(...(bare ? new Array<null>(IMU_PER_TICK).fill(null) : Array.from(stamps)));
      target.values.push(...Array.from(values));
    }
    const frames = new Int32Array(FRAMES_PER_TICK).map((_, j) => k * FRAMES_PER_TICK + j);
    const frameTimes = Float64Array.from(frames, (f) => 0.25 + f / 30);
    xdf.writeSamples(video.id, frameTimes, frames);
    video.stamps.push(...Array.from(frameTimes));
    video.values.push(...Array.from(frames));
    for (const [target, offsets] of [
      [imuA, offsetsA],
      [imuB, offsetsB],
    ] as const) {
      const value = offsets[k];
      if (value === undefined) continue;
      // Collection time on the stream's own (device) clock: its latest sample.
      const time = target.stamps.findLast((s) => s !== null) ?? 0;
      xdf.writeClockOffset(target.id, time, value);
      target.clockOffsets.push({ time, value });
    }
    const mark = marks[k];
    if (mark !== undefined) {
      const t = 0.3 + k / 10;
      xdf.writeSamples(markers.id, new Float64Array([t]), [JSON.stringify(mark)]);
      markers.stamps.push(t);
      markers.values.push(JSON.stringify(mark));
    }
    if (k === 6) {
      const t = 0.65;
      xdf.writeSamples(gaps.id, new Float64Array([t]), [JSON.stringify(gap)]);
      gaps.stamps.push(t);
      gaps.values.push(JSON.stringify(gap));
    }
  }
  await xdf.close();
  return { path, bytes: await readFile(path), fileHeader, imuA, imuB, video, markers, gaps };
}

/**
 * The time stamps a reader gives a stream: as written, and for a sample stored without one, the
 * previous sample's plus 1 / nominal_srate (from 0 for a first sample), as pyxdf and libxdf do.
 */
export function readerStamps(stream: WrittenStream): number[] {
  const step = stream.nominalSrate > 0 ? 1 / stream.nominalSrate : 0;
  const out: number[] = [];
  let last = 0;
  for (const s of stream.stamps) {
    last = s ?? last + step;
    out.push(last);
  }
  return out;
}
