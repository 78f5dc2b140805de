import type { ImuStreamStatus } from './imu-stream-recorder.ts';

/** What the recorder shows while it runs (the terminal view) and reports at the end (`--json`). */
export interface RecorderSnapshot {
  dir: string;
  /** Seconds since recording started (host clock). */
  elapsed: number;
  sensors: ImuStreamStatus[];
  /** Gaps of sensors that had sent nothing yet (no stream to count them in). */
  unassignedGaps: number;
  video?: VideoStatus;
  /** The labelled trial running now, if one is. */
  trial?: { label: string; seconds: number };
  markers: number;
  /** Sizes of session.xdf and video.mkv, bytes. */
  xdfBytes: number;
  videoBytes: number;
}

export interface VideoStatus {
  source: string;
  frames: number;
  /** Frames per second over the last seconds. */
  fps: number;
  /** False once ffmpeg has exited. */
  running: boolean;
  /** Why ffmpeg stopped, when it did without being asked. */
  stoppedWhy?: string;
}

/** The end of a recording: the last snapshot, whether it stopped cleanly, and write latencies. */
export interface RecordingSummary extends RecorderSnapshot {
  clean: boolean;
  /** Seconds from a packet's arrival to its Samples chunk having been written: max and 99th percentile. */
  writeLatency: { max: number; p99: number; packets: number };
  /** --placement keys that matched no sensor. */
  unusedPlacements: string[];
}

/** The q-th quantile (0..1) of the values, by the nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
