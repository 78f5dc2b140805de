/**
 * What live recognition reads of a sensor driver's events: the fields of sensors/imu-packet.ts's
 * ImuPacket and GapEvent it uses, restated because src/live may not import sensors/ (the CLI opens
 * the sensors and hands their events over; the driver types satisfy these structurally).
 */
export interface LiveImuPacket {
  kind: 'imu';
  sensorId: string;
  placement?: string;
  /** Index of the first sample in the sensor's own counter. */
  firstSample: number;
  /** Device time of each sample, s (n values). */
  deviceTime: Float64Array;
  /** n x 3, m/s^2 (empty when the packet carries none). */
  acc: Float32Array;
  /** n x 3, rad/s (empty when the packet carries none). */
  gyro: Float32Array;
  /** Host arrival, s (hostNow()). */
  hostTime: number;
}

export interface LiveGapEvent {
  kind: 'gap';
  sensorId: string;
  samplesLost: number | null;
  fromHostTime: number;
  toHostTime: number;
}

export type LiveSensorEvent = LiveImuPacket | LiveGapEvent;
