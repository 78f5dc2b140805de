import { crc16Ccitt } from './crc16-ccitt.ts';
import {
  CHANNEL_ACC,
  CHANNEL_GYRO,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC_0,
  FRAME_MAGIC_1,
  FRAME_MAX_SAMPLES,
  FRAME_VERSION,
  frameByteLength,
  type ImuFrame,
} from './imu-frame.ts';

/** The bytes of one frame of the framed IMU protocol (the layout in docs/sensors.md). */
export function encodeImuFrame(frame: ImuFrame): Uint8Array {
  const { hasAcc, hasGyro } = frame;
  if (!hasAcc && !hasGyro) throw new Error('encodeImuFrame(): a frame needs the accelerometer or the gyroscope');
  const n = (hasAcc ? frame.acc.length : frame.gyro.length) / 3;
  if (!Number.isInteger(n) || n < 1 || n > FRAME_MAX_SAMPLES) {
    throw new Error(`encodeImuFrame(): samples must be 1..${FRAME_MAX_SAMPLES} whole xyz triples, got ${n}`);
  }
  if (hasAcc && hasGyro && frame.gyro.length !== frame.acc.length) {
    throw new Error(`encodeImuFrame(): gyro has ${frame.gyro.length / 3} samples, acc ${n}`);
  }
  if (!(Number.isInteger(frame.sensorId) && frame.sensorId >= 0 && frame.sensorId <= 255)) {
    throw new Error(`encodeImuFrame(): sensorId must be 0..255, got ${frame.sensorId}`);
  }
  const channels = (hasAcc ? CHANNEL_ACC : 0) | (hasGyro ? CHANNEL_GYRO : 0);
  const out = new Uint8Array(frameByteLength(channels, n));
  const view = new DataView(out.buffer);
  out[0] = FRAME_MAGIC_0;
  out[1] = FRAME_MAGIC_1;
  out[2] = FRAME_VERSION;
  out[3] = frame.sensorId;
  out[4] = channels;
  out[5] = n;
  view.setUint32(6, frame.firstSample >>> 0, true);
  const time = Math.round(frame.deviceTimeUs);
  view.setUint32(10, time % 2 ** 32, true);
  view.setUint32(14, Math.floor(time / 2 ** 32), true);
  view.setUint32(18, Math.round(frame.periodUs), true);
  out[22] = frame.accRange;
  view.setUint16(23, frame.gyroRange, true);
  let at = FRAME_HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    if (hasAcc) for (let k = 0; k < 3; k++, at += 2) view.setInt16(at, frame.acc[i * 3 + k] as number, true);
    if (hasGyro) for (let k = 0; k < 3; k++, at += 2) view.setInt16(at, frame.gyro[i * 3 + k] as number, true);
  }
  view.setUint16(at, crc16Ccitt(out, 2, at), true);
  return out;
}
