import type { SensorEvent } from './imu-packet.ts';

/**
 * One connected sensor (or one connection carrying several, as a serial port with four simulated
 * sensors): every driver returns this, so the stream command, the recorder and live recognition
 * treat a Polar over BLE and an Arduino over USB alike.
 */
export interface SensorSource {
  /** The spec it was opened from, e.g. `serial:/dev/ttyACM0` or `polar:A0:9E:1A:12:34:56`. */
  readonly spec: string;
  /** Connects and starts streaming; rejects with a UserError that says what to do when it cannot. */
  start(): Promise<void>;
  /** Stops streaming and releases the device; resolves once released. No events after it resolves. */
  stop(): Promise<void>;
  /** Calls `listener` for every packet and gap, in arrival order; returns the unsubscribe function. */
  onEvent(listener: (event: SensorEvent) => void): () => void;
  /** What the device reports beyond samples, when it does (battery 0-100, firmware, name). */
  status(): SensorStatus;
}

export interface SensorStatus {
  connected: boolean;
  battery?: number;
  name?: string;
  firmware?: string;
}
