import type { ImuFrame } from '../../sensors/framed/imu-frame.ts';

/** A 2-sample frame with both channels, distinctive values. */
export function sampleFrame(over: Partial<ImuFrame> = {}): ImuFrame {
  return {
    sensorId: 3,
    hasAcc: true,
    hasGyro: true,
    firstSample: 0x01020304,
    deviceTimeUs: 2 ** 40 + 7,
    periodUs: 5000,
    accRange: 16,
    gyroRange: 2000,
    acc: Int16Array.from([2048, -2048, 0, 1, 2, 3]),
    gyro: Int16Array.from([16384, 0, -32768, 4, 5, 6]),
    ...over,
  };
}
