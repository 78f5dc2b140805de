/**
 * One frame of the framed IMU protocol (docs/sensors.md has the byte table): a run of samples from
 * one sensor, with the sensor's sample counter and device time of the first sample. Samples are
 * the device's raw int16 counts; `accRange` (g) and `gyroRange` (deg/s) turn them into SI units.
 * The BLE NUS driver and the firmware's C encoder use the same layout.
 */
export interface ImuFrame {
  /** Sensor number on its carrier (a serial port or a NUS link may multiplex several), 0-255. */
  sensorId: number;
  /** Whether the samples carry the accelerometer and the gyroscope (at least one). */
  hasAcc: boolean;
  hasGyro: boolean;
  /** Index of the first sample in the sensor's sample counter, u32 (wraps at 2^32). */
  firstSample: number;
  /** Device time of the first sample, microseconds (u64; exact up to 2^53). */
  deviceTimeUs: number;
  /** Sample period, microseconds: sample i is at deviceTimeUs + i * periodUs. */
  periodUs: number;
  /** Accelerometer full scale, g (2, 4, 8 or 16). */
  accRange: number;
  /** Gyroscope full scale, deg/s (e.g. 2000). */
  gyroRange: number;
  /** n x 3 interleaved counts; empty when the channel is absent. */
  acc: Int16Array;
  gyro: Int16Array;
}

export const FRAME_MAGIC_0 = 0xa5;
export const FRAME_MAGIC_1 = 0x5a;
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 25;
export const FRAME_CRC_BYTES = 2;
export const FRAME_MAX_SAMPLES = 64;
export const CHANNEL_ACC = 0x01;
export const CHANNEL_GYRO = 0x02;
/** Standard gravity, m/s^2, for g -> m/s^2 (the protocol's accelerometer scale). */
export const STANDARD_GRAVITY = 9.80665;

/** Number of samples in a frame. */
export function frameSamples(frame: ImuFrame): number {
  return (frame.hasAcc ? frame.acc.length : frame.gyro.length) / 3;
}

/** Bytes of a whole frame (header, samples, CRC) with these channels and sample count. */
export function frameByteLength(channels: number, samples: number): number {
  const perSample = ((channels & CHANNEL_ACC ? 3 : 0) + (channels & CHANNEL_GYRO ? 3 : 0)) * 2;
  return FRAME_HEADER_BYTES + samples * perSample + FRAME_CRC_BYTES;
}

/** m/s^2 per accelerometer count at `range` g full scale. */
export function accCountScale(range: number): number {
  return (range * STANDARD_GRAVITY) / 32768;
}

/** rad/s per gyroscope count at `range` deg/s full scale. */
export function gyroCountScale(range: number): number {
  return ((range / 32768) * Math.PI) / 180;
}
