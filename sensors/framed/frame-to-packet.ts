import type { ImuPacket } from '../imu-packet.ts';
import { accCountScale, frameSamples, gyroCountScale, type ImuFrame } from './imu-frame.ts';

/**
 * A decoded frame as the driver-independent packet: counts scaled to m/s^2 and rad/s by the ranges
 * the frame states, per-sample device times from the first sample's time and the period.
 * `firstSample` is the tracker's unwrapped index (see sensors/sequence-tracker.ts).
 */
export function frameToPacket(frame: ImuFrame, sensorId: string, firstSample: number, hostTime: number): ImuPacket {
  const n = frameSamples(frame);
  const deviceTime = new Float64Array(n);
  for (let i = 0; i < n; i++) deviceTime[i] = (frame.deviceTimeUs + i * frame.periodUs) / 1e6;
  const accScale = accCountScale(frame.accRange);
  const gyroScale = gyroCountScale(frame.gyroRange);
  const acc = new Float32Array(frame.acc.length);
  for (let i = 0; i < acc.length; i++) acc[i] = (frame.acc[i] as number) * accScale;
  const gyro = new Float32Array(frame.gyro.length);
  for (let i = 0; i < gyro.length; i++) gyro[i] = (frame.gyro[i] as number) * gyroScale;
  return { kind: 'imu', sensorId, firstSample, deviceTime, acc, gyro, hostTime };
}
