import type { XdfClockOffset } from '../../formats/xdf/xdf-chunks.ts';
import { deviceToHost, fitOffsets, type OffsetFit } from './fit-offsets.ts';

/** A clock reset of one sensor, as its gap marker recorded it. */
export interface ClockReset {
  /** Device time of the last sample before the reset, and of the first after it. */
  fromDeviceTime: number;
  toDeviceTime: number;
  /** Host time the recorder noticed it (about the arrival of the first sample after it). */
  hostTime: number;
}

/** One stretch of samples between clock resets, and the line that maps it to host time. */
export interface ClockSegment {
  /** Sample indices [start, end). */
  start: number;
  end: number;
  /** null when nothing places this stretch on the host clock (its samples are left out). */
  fit: OffsetFit | null;
  /** Where the fit came from: the stream's ClockOffset chunks, or the reset's gap marker alone. */
  source: 'offsets' | 'reset-marker' | 'none';
}

export interface DeviceClockMapping {
  /** Host time per sample; NaN for samples of a segment that could not be placed. */
  host: Float64Array;
  segments: ClockSegment[];
  warnings: string[];
}

/** Consecutive offsets further apart than this, beyond 1000 ppm of drift, are of two clocks. */
const OFFSET_JUMP_SECONDS = 0.05;
/** Time stamps this close are one sample's (a marker's device times were copied from samples). */
const SAME_TIME = 1e-6;

/**
 * Maps an IMU stream's device time stamps to host time. The stream is cut into segments at
 * clock resets (time stamps going back, or a jump of the device time that a `clock-reset` gap
 * marker records);
 * each segment is fitted to the ClockOffset chunks collected within it (assignOffsets). A
 * segment with no offsets of its own is placed by its reset marker alone (offset only), with a
 * warning; one with neither is left out.
 */
export function mapDeviceClock(
  deviceTimes: Float64Array,
  offsets: readonly XdfClockOffset[],
  resets: readonly ClockReset[],
  what: string,
): DeviceClockMapping {
  const warnings: string[] = [];
  const bounds = sampleSegments(deviceTimes, resets);
  const runs = assignOffsets(offsets, deviceTimes, bounds);
  const stray = offsets.length - runs.reduce((n, r) => n + r.length, 0);
  if (stray > 0)
    warnings.push(`${what}: ${stray} clock offset(s) at device times that no segment of samples holds; not used`);
  const host = new Float64Array(deviceTimes.length).fill(Number.NaN);
  const segments: ClockSegment[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const start = bounds[k] as number;
    const end = bounds[k + 1] as number;
    const run = runs[k] as XdfClockOffset[];
    let fit: OffsetFit | null = null;
    let source: ClockSegment['source'] = 'none';
    if (run.length > 0) {
      fit = fitOffsets(
        run.map((o) => o.time),
        run.map((o) => o.value),
      );
      source = 'offsets';
    } else {
      const first = deviceTimes[start] as number;
      const reset = resets.find((r) => Math.abs(r.toDeviceTime - first) < SAME_TIME);
      if (reset !== undefined) {
        fit = { origin: first, offset: reset.hostTime - first, drift: 0, points: 1, spread: 0 };
        source = 'reset-marker';
        warnings.push(
          `${what}: samples ${start}-${end - 1} have no clock offset recorded; placed by the clock-reset marker alone (offset only, to within the packet's arrival delay)`,
        );
      } else
        warnings.push(
          `${what}: samples ${start}-${end - 1} have no clock offset recorded and cannot be placed on the host clock; left out`,
        );
    }
    if (fit !== null) for (let i = start; i < end; i++) host[i] = deviceToHost(fit, deviceTimes[i] as number);
    segments.push({ start, end, fit, source });
  }
  return { host, segments, warnings };
}

/**
 * Segment boundaries [0, ..., n] in sample indices: where time stamps go back, and where a
 * clock-reset marker sits on a jump of the device time. A marker across which the device time
 * runs on by one sample interval is no reset of the device's clock (the recorder saw the host
 * arrivals jump: a burst of packets buffered before the recording began) and splits nothing.
 */
function sampleSegments(t: Float64Array, resets: readonly ClockReset[]): number[] {
  const bounds = [0];
  const interval = medianInterval(t);
  for (let i = 1; i < t.length; i++) {
    const prev = t[i - 1] as number;
    const cur = t[i] as number;
    const marked = resets.some(
      (r) => Math.abs(r.fromDeviceTime - prev) < SAME_TIME && Math.abs(r.toDeviceTime - cur) < SAME_TIME,
    );
    const runsOn = Math.abs(cur - prev - interval) <= 0.5 * interval;
    if (cur < prev || (marked && !runsOn)) bounds.push(i);
  }
  bounds.push(t.length);
  return bounds;
}

/** The median step between consecutive time stamps that go forward (0 with fewer than two). */
function medianInterval(t: Float64Array): number {
  const steps: number[] = [];
  for (let i = 1; i < t.length; i++) {
    const d = (t[i] as number) - (t[i - 1] as number);
    if (d > 0) steps.push(d);
  }
  if (steps.length === 0) return 0;
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1] as number;
}

/**
 * The ClockOffset chunks of each segment. The recorder writes an offset at the device time of a
 * packet's last sample, after the packet, so offsets come in file order segment by segment and
 * each lies within its segment's device times: an offset stays with the current segment while
 * its time lies within it, else goes to the first later segment that holds its time.
 */
function assignOffsets(offsets: readonly XdfClockOffset[], t: Float64Array, bounds: number[]): XdfClockOffset[][] {
  const ranges = bounds.slice(0, -1).map((start, k) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = start; i < (bounds[k + 1] as number); i++) {
      lo = Math.min(lo, t[i] as number);
      hi = Math.max(hi, t[i] as number);
    }
    return [lo - SAME_TIME, hi + SAME_TIME] as const;
  });
  const runs: XdfClockOffset[][] = ranges.map(() => []);
  const holds = (j: number, time: number) =>
    time >= (ranges[j]?.[0] ?? Infinity) && time <= (ranges[j]?.[1] ?? -Infinity);
  let k = 0;
  for (const o of offsets) {
    // A clock reset back into the current segment's range shows as a jump of the offset.
    const last = runs[k]?.at(-1);
    const jumped =
      last !== undefined && Math.abs(o.value - last.value) > OFFSET_JUMP_SECONDS + 1e-3 * Math.abs(o.time - last.time);
    let to = holds(k, o.time) && !jumped ? k : -1;
    for (let j = k + 1; to < 0 && j < ranges.length; j++) if (holds(j, o.time)) to = j;
    if (to < 0 && holds(k, o.time)) to = k;
    if (to < 0) continue;
    (runs[to] as XdfClockOffset[]).push(o);
    k = to;
  }
  return runs;
}
