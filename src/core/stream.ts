import { JOINT_SETS, type JointSet } from './joint-sets.ts';

/**
 * Streams: every modality is a sequence of timestamped samples on one session clock, in seconds
 * (float64). A nominal `rate` is kept for information, but nothing may assume it is exact: real
 * devices drift and drop samples, so code reads `t`.
 */
export type StreamKind = 'video' | 'pose' | 'imu';

/** Where an IMU is worn. Data sets map their own names onto these at the adapter. */
export const PLACEMENTS = [
  'wrist',
  'ankle',
  'pelvis',
  'thigh',
  'shank',
  'chest',
  'waist',
  'upper-arm',
  'head',
  'back',
  'foot',
] as const;
export type Placement = (typeof PLACEMENTS)[number];

interface StreamBase {
  /** Nominal rate in Hz, as the device or file states it. */
  rate: number;
  /** Sample times in seconds on the session clock, non-decreasing. */
  t: Float64Array;
  meta: Record<string, unknown>;
}

/** Accelerometer + gyroscope: `data` is [n x 6] row-major: acc x,y,z (m/s^2), gyro x,y,z (rad/s). */
export interface ImuStream extends StreamBase {
  kind: 'imu';
  data: Float32Array;
  sensorId: string;
  placement: Placement;
}

/** A video segment still on disk, decoded lazily. Frame range is [startFrame, endFrame). */
export interface VideoSource {
  path: string;
  startFrame: number;
  endFrame: number;
}

/** Decoded frames: `frames` is [n x height x width x channels] uint8, row-major. */
export interface DecodedFrames {
  frames: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface VideoStream extends StreamBase {
  kind: 'video';
  /** Exactly one of `source` (lazy) and `decoded` is set. */
  source?: VideoSource;
  decoded?: DecodedFrames;
}

/** Keypoints: `data` is [n x J x dims]; `score` (optional) is [n x J] confidence in [0, 1]. */
export interface PoseStream extends StreamBase {
  kind: 'pose';
  /** Names the joints, bones and left/right twins: see joint-sets.ts. */
  joints: JointSet;
  dims: 2 | 3;
  data: Float32Array;
  score?: Float32Array;
}

export type Stream = ImuStream | VideoStream | PoseStream;

export const IMU_CHANNELS = 6;

/** Checked constructor for an IMU stream; errors name the argument and what was expected. */
export function imuStream(args: Omit<ImuStream, 'kind' | 'meta'> & { meta?: Record<string, unknown> }): ImuStream {
  const n = checkTimes('imuStream', args.t, args.rate);
  if (args.data.length !== n * IMU_CHANNELS) {
    throw new Error(
      `imuStream(): data has ${args.data.length} values, expected ${n} samples x ${IMU_CHANNELS} = ${n * IMU_CHANNELS}`,
    );
  }
  if (!(PLACEMENTS as readonly string[]).includes(args.placement)) {
    throw new Error(`imuStream(): placement '${args.placement}' is not one of ${PLACEMENTS.join(', ')}`);
  }
  if (args.sensorId.length === 0) throw new Error('imuStream(): sensorId is empty');
  return {
    kind: 'imu',
    rate: args.rate,
    t: args.t,
    data: args.data,
    sensorId: args.sensorId,
    placement: args.placement,
    meta: args.meta ?? {},
  };
}

/** Checked constructor for a pose stream. */
export function poseStream(args: Omit<PoseStream, 'kind' | 'meta'> & { meta?: Record<string, unknown> }): PoseStream {
  const n = checkTimes('poseStream', args.t, args.rate);
  // A value read from a file may name no joint set at all.
  if (!Object.hasOwn(JOINT_SETS, args.joints))
    throw new Error(
      `poseStream(): joints '${String(args.joints)}' is not one of ${Object.keys(JOINT_SETS).join(', ')}`,
    );
  const j = JOINT_SETS[args.joints].names.length;
  if (args.data.length !== n * j * args.dims) {
    throw new Error(
      `poseStream(): data has ${args.data.length} values, expected ${n} frames x ${j} joints x ${args.dims} = ${n * j * args.dims}`,
    );
  }
  if (args.score !== undefined && args.score.length !== n * j) {
    throw new Error(
      `poseStream(): score has ${args.score.length} values, expected ${n} frames x ${j} joints = ${n * j}`,
    );
  }
  const out: PoseStream = {
    kind: 'pose',
    rate: args.rate,
    t: args.t,
    joints: args.joints,
    dims: args.dims,
    data: args.data,
    meta: args.meta ?? {},
  };
  if (args.score !== undefined) out.score = args.score;
  return out;
}

/** Checked constructor for a video stream, lazy (`source`) or decoded. */
export function videoStream(
  args: Omit<VideoStream, 'kind' | 'meta'> & { meta?: Record<string, unknown> },
): VideoStream {
  const n = checkTimes('videoStream', args.t, args.rate);
  if ((args.source === undefined) === (args.decoded === undefined)) {
    throw new Error('videoStream(): give exactly one of source (a file to decode lazily) and decoded (frames)');
  }
  if (args.source !== undefined) {
    const { startFrame, endFrame } = args.source;
    if (!Number.isInteger(startFrame) || !Number.isInteger(endFrame) || startFrame < 0 || endFrame - startFrame !== n) {
      throw new Error(
        `videoStream(): source frames [${startFrame}, ${endFrame}) must be ${n} frames, one per timestamp`,
      );
    }
  }
  if (args.decoded !== undefined) {
    const { frames, height, width, channels } = args.decoded;
    if (frames.length !== n * height * width * channels) {
      throw new Error(
        `videoStream(): decoded frames have ${frames.length} bytes, expected ${n} x ${height} x ${width} x ${channels}`,
      );
    }
  }
  const out: VideoStream = { kind: 'video', rate: args.rate, t: args.t, meta: args.meta ?? {} };
  if (args.source !== undefined) out.source = args.source;
  if (args.decoded !== undefined) out.decoded = args.decoded;
  return out;
}

/** Number of samples in a stream. */
export function streamLength(stream: Stream): number {
  return stream.t.length;
}

/** [first, last] sample time; [NaN, NaN] for an empty stream. */
export function streamSpan(stream: Stream): [number, number] {
  const n = stream.t.length;
  return n === 0 ? [Number.NaN, Number.NaN] : [stream.t[0] as number, stream.t[n - 1] as number];
}

function checkTimes(fn: string, t: Float64Array, rate: number): number {
  if (!(t instanceof Float64Array)) throw new Error(`${fn}(): t must be a Float64Array of seconds`);
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`${fn}(): rate must be > 0 Hz, got ${rate}`);
  for (let i = 0; i < t.length; i++) {
    const ti = t[i] as number;
    if (!Number.isFinite(ti)) throw new Error(`${fn}(): t[${i}] is ${ti}, timestamps must be finite`);
    if (i > 0 && ti < (t[i - 1] as number)) {
      throw new Error(`${fn}(): t[${i}] = ${ti} is before t[${i - 1}] = ${t[i - 1]}; timestamps must not decrease`);
    }
  }
  return t.length;
}
