/**
 * What every sensor driver emits, whatever the device or the carrier (serial, BLE NUS, Polar PMD,
 * Movesense): samples with their device times and their place in the sensor's sequence, and gaps.
 * A lost packet must be a known gap with a sample count, so that recordings can be aligned later.
 */

/** A batch of samples from one sensor, as one frame or notification carried them. */
export interface ImuPacket {
  kind: 'imu';
  /** Which sensor: the driver's stable id (device address, serial path + sensor number). */
  sensorId: string;
  /** Where it is worn, when the user or the device says so (wrist, ankle, pelvis, ...). */
  placement?: string;
  /**
   * Index of the first sample in the sensor's own sample counter (0, 1, 2, ... per sample, not per
   * frame), so the number of samples a gap lost is exact. Drivers whose devices number frames
   * derive it from the frame counter and the samples per frame.
   */
  firstSample: number;
  /** Device time of each sample, seconds on the device's clock (n values). */
  deviceTime: Float64Array;
  /** Accelerometer, n x 3 interleaved, m/s^2; empty when the packet carries none. */
  acc: Float32Array;
  /** Gyroscope, n x 3 interleaved, rad/s; empty when the packet carries none. */
  gyro: Float32Array;
  /** Host arrival time, seconds on a monotonic clock (performance.timeOrigin + performance.now()). */
  hostTime: number;
}

export type GapReason = 'sequence-jump' | 'disconnect' | 'timeout';

/** Samples that should have come and did not. */
export interface GapEvent {
  kind: 'gap';
  sensorId: string;
  reason: GapReason;
  /** Device time of the last sample before the gap (NaN when none had arrived). */
  fromDeviceTime: number;
  /** Device time of the first sample after it (NaN while the sensor has not come back). */
  toDeviceTime: number;
  /** Host times (monotonic seconds) when the gap was noticed and when it closed (NaN while open). */
  fromHostTime: number;
  toHostTime: number;
  /** Samples lost, exact from the sample counter; null when the counter cannot tell (a device reset). */
  samplesLost: number | null;
}

export type SensorEvent = ImuPacket | GapEvent;

/** The host's monotonic clock in seconds, the time base of `hostTime`. */
export function hostNow(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}
