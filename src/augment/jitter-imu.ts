import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS } from '../core/stream.ts';
import { mapStreams } from './map-streams.ts';

/** Extra white sensor noise: Gaussian, sd `sdAcc` (m/s^2) on acc and `sdGyro` (rad/s) on gyro channels. */
export function jitterImu(sample: Sample, sdAcc: number, sdGyro: number, rng: SeededRandom): Sample {
  if (!(sdAcc >= 0 && Number.isFinite(sdAcc))) throw new Error(`jitterImu(): sdAcc must be >= 0 m/s^2, got ${sdAcc}`);
  if (!(sdGyro >= 0 && Number.isFinite(sdGyro)))
    throw new Error(`jitterImu(): sdGyro must be >= 0 rad/s, got ${sdGyro}`);
  return mapStreams(sample, {
    imu: (stream) => {
      const data = stream.data.slice();
      for (let k = 0; k < data.length; k++)
        data[k] = (data[k] as number) + rng.normal(0, k % IMU_CHANNELS < 3 ? sdAcc : sdGyro);
      return { ...stream, data };
    },
  });
}
