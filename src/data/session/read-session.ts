import { join, resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import {
  SESSION_FILES,
  SESSION_STREAMS,
  type SessionFile,
  type SessionGapMarker,
  type SessionMarker,
} from '../../formats/session/session-layout.ts';
import { readXdf, type XdfStream } from '../../formats/xdf/xdf-reader.ts';
import { mapDeviceClock, type ClockReset, type ClockSegment } from './map-device-clock.ts';
import { readSessionFile } from './read-session-file.ts';

/** A gap in a stream, on the session clock (seconds from the session's start). */
export interface SessionGap {
  reason: SessionGapMarker['reason'] | 'dropped-frames';
  /** Last sample before the gap and first after it; `to` is null for a gap that never closed. */
  from: number;
  to: number | null;
  /** Exact where the sensor's counter told; null where it could not (a reset). */
  samplesLost: number | null;
}

interface StreamBase {
  /** The XDF stream name. */
  name: string;
  /** Sample times on the session clock: seconds from session.json's startedHostTime. */
  t: Float64Array;
  /** Nominal rate (Hz); 0 for irregular streams. */
  rate: number;
  gaps: SessionGap[];
}

export interface SessionImu extends StreamBase {
  kind: 'imu';
  sensorId: string;
  /** From session.json, where it says. */
  placement?: string;
  /** The device's own sample times, as recorded. */
  deviceTime: Float64Array;
  /** [n x 6]: acc x, y, z (m/s^2), gyro x, y, z (rad/s). */
  data: Float32Array;
  /** The clock segments between resets, each with its fit (device to host). */
  clock: ClockSegment[];
}

export interface SessionVideo extends StreamBase {
  kind: 'video';
  /** `rate` is the stream's nominal rate, or for a camera recorded as irregular (0) its mean rate. */
  /** The frame index in the video file of each time stamp. */
  frame: Int32Array;
  /** Absolute path of the video file. */
  file: string;
  width: number;
  height: number;
}

export interface SessionEventStream extends StreamBase {
  kind: 'markers' | 'gaps' | 'other';
}

export type SessionStream = SessionImu | SessionVideo | SessionEventStream;

export interface TimedMarker {
  t: number;
  marker: SessionMarker;
}

export interface SessionData {
  dir: string;
  file: SessionFile;
  /** session.json says the recorder stopped cleanly. */
  clean: boolean;
  /** Seconds from the session's start to the last time stamp of any stream. */
  duration: number;
  /** In the XDF file's order. */
  streams: SessionStream[];
  markers: TimedMarker[];
  /** What a cut file, a missing footer or an unreadable marker left behind, each naming the file. */
  warnings: string[];
}

/**
 * Reads a session folder (src/formats/session/session-layout.ts) onto one clock: every stream's
 * times in seconds from the session's start (session.json's startedHostTime). IMU device times
 * go to host time through their ClockOffset chunks, fitted per segment between clock resets
 * (map-device-clock.ts); the video frames, markers and gaps are on the host clock already. A
 * session cut by a crash reads up to the cut, with warnings; a missing or damaged session.json
 * or a file that is not XDF is a UserError naming the file.
 */
export async function readSession(dir: string): Promise<SessionData> {
  const root = resolve(dir);
  const jsonPath = join(root, SESSION_FILES.session);
  const file = await readSessionFile(jsonPath);
  const xdfPath = join(root, SESSION_FILES.xdf);
  const xdf = await readXdf(xdfPath);
  const warnings = xdf.warnings.map((w) => `${xdfPath}: ${w}`);
  if (file.stoppedAt === undefined)
    warnings.push(`${jsonPath} has no stoppedAt: the recorder did not stop cleanly (crash or kill)`);
  for (const s of xdf.streams)
    if (s.footer === undefined && file.stoppedAt !== undefined)
      warnings.push(`${xdfPath}: stream '${s.info.name}' has no footer although the session stopped cleanly`);
  const t0 = file.startedHostTime;
  const byType = (name: string, type: string) => xdf.streams.find((s) => s.info.name === name && s.info.type === type);
  const markerStream = byType(SESSION_STREAMS.markers.name, SESSION_STREAMS.markers.type);
  const gapStream = byType(SESSION_STREAMS.gaps.name, SESSION_STREAMS.gaps.type);
  const gapMarkers = gapStream === undefined ? [] : parseJsonSamples<SessionGapMarker>(gapStream, xdfPath, warnings);
  const markers: TimedMarker[] = (
    markerStream === undefined ? [] : parseJsonSamples<SessionMarker>(markerStream, xdfPath, warnings)
  ).map(({ t, value }) => ({ t: t - t0, marker: value }));

  const streams: SessionStream[] = [];
  for (const s of xdf.streams) {
    const t = s.timestamps;
    if (s.info.type === SESSION_STREAMS.imuType) {
      streams.push(imuStream(s, file, gapMarkers, t0, xdfPath, warnings));
    } else if (s.info.name === SESSION_STREAMS.video.name && s.info.type === SESSION_STREAMS.video.type) {
      streams.push(videoStream(s, root, t0, xdfPath));
    } else {
      const kind = s === markerStream ? 'markers' : s === gapStream ? 'gaps' : 'other';
      streams.push({ kind, name: s.info.name, rate: s.info.nominalSrate, t: t.map((x) => x - t0), gaps: [] });
    }
  }
  let duration = 0;
  for (const s of streams) for (const x of s.t) if (x > duration) duration = x;
  return { dir: root, file, clean: file.stoppedAt !== undefined, duration, streams, markers, warnings };
}

function imuStream(
  s: XdfStream,
  file: SessionFile,
  gapMarkers: { t: number; value: SessionGapMarker }[],
  t0: number,
  xdfPath: string,
  warnings: string[],
): SessionImu {
  const name = s.info.name;
  if (!(s.values instanceof Float32Array) || s.info.channelCount !== 6)
    throw new UserError(
      `${xdfPath}: IMU stream '${name}' has ${s.info.channelCount} ${s.info.channelFormat} channels, expected 6 float32`,
      'The session was not written by `motionfuse record`, or the file is damaged.',
    );
  const sensor = file.sensors.find((x) => x.streamName === name);
  const sensorId = sensor?.sensorId ?? name;
  const mine = gapMarkers.filter((g) => g.value.sensorId === sensorId);
  const resets: ClockReset[] = mine
    .filter((g) => g.value.reason === 'clock-reset')
    .map((g) => ({
      fromDeviceTime: num(g.value.fromDeviceTime),
      toDeviceTime: num(g.value.toDeviceTime),
      hostTime: g.t,
    }));
  const mapping = mapDeviceClock(s.timestamps, s.clockOffsets, resets, `${xdfPath}: stream '${name}'`);
  warnings.push(...mapping.warnings);
  if (sensor === undefined) warnings.push(`${xdfPath}: IMU stream '${name}' is not among session.json's sensors`);
  // Samples no segment could place are left out (a warning says so), and so are samples that a
  // segment's line puts before the previous segment's last (times on one clock must not go back).
  const keep: number[] = [];
  let latest = -Infinity;
  let back = 0;
  for (let i = 0; i < mapping.host.length; i++) {
    const h = mapping.host[i] as number;
    if (Number.isNaN(h)) continue;
    if (h < latest) back++;
    else {
      keep.push(i);
      latest = h;
    }
  }
  if (back > 0)
    warnings.push(
      `${xdfPath}: stream '${name}': ${back} sample(s) mapped before earlier ones (at a clock reset); left out`,
    );
  const t = Float64Array.from(keep, (i) => (mapping.host[i] as number) - t0);
  const deviceTime = Float64Array.from(keep, (i) => s.timestamps[i] as number);
  const data = new Float32Array(keep.length * 6);
  const values = s.values;
  keep.forEach((i, k) => data.set(values.subarray(i * 6, i * 6 + 6), k * 6));
  // Samples by device time (to the microsecond, as a marker copies them): a gap's ends are samples.
  const byDeviceTime = new Map<number, number[]>();
  deviceTime.forEach((d, k) => {
    const key = Math.round(d * 1e6);
    const list = byDeviceTime.get(key);
    if (list === undefined) byDeviceTime.set(key, [k]);
    else list.push(k);
  });
  const toSession = (device: number, noticed: number): number | null => {
    if (!Number.isFinite(device)) return null;
    // After a clock reset one device time can name two samples: the one nearest the marker's time.
    const matches = byDeviceTime.get(Math.round(device * 1e6)) ?? [];
    const at = matches.sort((a, b) => Math.abs((t[a] as number) - noticed) - Math.abs((t[b] as number) - noticed))[0];
    if (at !== undefined) return t[at] as number;
    // A sample lost to the crash: the fit of the segment whose device times cover it, else the last.
    const seg =
      mapping.segments.find(
        (g) =>
          g.fit !== null &&
          g.end > g.start &&
          device >= (s.timestamps[g.start] as number) &&
          device <= (s.timestamps[g.end - 1] as number),
      ) ?? mapping.segments.filter((g) => g.fit !== null).at(-1);
    if (seg?.fit == null) return null;
    return device + seg.fit.offset + seg.fit.drift * (device - seg.fit.origin) - t0;
  };
  const gaps: SessionGap[] = mine.map(({ t: noticed, value: g }) => ({
    reason: g.reason,
    from: toSession(num(g.fromDeviceTime), noticed - t0) ?? noticed - t0,
    to: toSession(num(g.toDeviceTime), noticed - t0),
    samplesLost: g.samplesLost,
  }));
  const out: SessionImu = {
    kind: 'imu',
    name,
    sensorId,
    // A stream written without a nominal rate gets its mean rate (the time stamps are the truth).
    rate: s.info.nominalSrate > 0 ? s.info.nominalSrate : meanRate(t),
    t,
    deviceTime,
    data,
    clock: mapping.segments,
    gaps,
  };
  if (sensor?.placement !== undefined) out.placement = sensor.placement;
  return out;
}

function videoStream(s: XdfStream, root: string, t0: number, xdfPath: string): SessionVideo {
  const width = Number(s.info.desc['width']);
  const height = Number(s.info.desc['height']);
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0))
    throw new UserError(
      `${xdfPath}: video stream desc width/height must be positive integers, got ${String(s.info.desc['width'])}x${String(s.info.desc['height'])}`,
    );
  const frame = Int32Array.from(s.values as ArrayLike<number>);
  const t = s.timestamps.map((x) => x - t0);
  // A camera's rate is what it delivers: a stream written as irregular (0) gets its mean rate.
  const rate = s.info.nominalSrate > 0 ? s.info.nominalSrate : meanRate(t);
  // A camera drops frames: an interval over 1.5 frames is a gap of round(interval * rate) - 1 frames.
  const gaps: SessionGap[] = [];
  if (rate > 0)
    for (let i = 1; i < t.length; i++) {
      const dt = (t[i] as number) - (t[i - 1] as number);
      if (dt > 1.5 / rate)
        gaps.push({
          reason: 'dropped-frames',
          from: t[i - 1] as number,
          to: t[i] as number,
          samplesLost: Math.round(dt * rate) - 1,
        });
    }
  const file = join(root, String(s.info.desc['file'] ?? SESSION_FILES.video));
  return { kind: 'video', name: s.info.name, rate, t, frame, file, width, height, gaps };
}

/** The samples of a one-string-channel stream parsed as JSON; unreadable ones become warnings. */
function parseJsonSamples<T>(s: XdfStream, xdfPath: string, warnings: string[]): { t: number; value: T }[] {
  if (s.info.channelFormat !== 'string' || s.info.channelCount !== 1)
    throw new UserError(
      `${xdfPath}: stream '${s.info.name}' must be one string channel of JSON, has ${s.info.channelCount} ${s.info.channelFormat}`,
      'The session was not written by `motionfuse record`, or the file is damaged.',
    );
  const out: { t: number; value: T }[] = [];
  (s.values as string[][]).forEach((row, i) => {
    try {
      out.push({ t: s.timestamps[i] as number, value: JSON.parse(row[0] ?? '') as T });
    } catch {
      warnings.push(`${xdfPath}: stream '${s.info.name}' sample ${i} is not JSON (${JSON.stringify(row[0])}); skipped`);
    }
  });
  return out;
}

/** (n - 1) / span; 0 with fewer than two distinct times. */
function meanRate(t: Float64Array): number {
  const n = t.length;
  const span = n > 1 ? (t[n - 1] as number) - (t[0] as number) : 0;
  return span > 0 ? (n - 1) / span : 0;
}

/** A device time from JSON, where NaN was written as null. */
function num(x: number | null | undefined): number {
  return typeof x === 'number' ? x : Number.NaN;
}
