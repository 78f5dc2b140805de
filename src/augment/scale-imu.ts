import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS } from '../core/stream.ts';
import { mapStreams } from './map-streams.ts';

/**
 * The same movement done harder or softer: each IMU's acc and its gyro are multiplied by a factor
 * each, drawn uniform in `range`. Whole vectors are scaled, not single axes, so the direction of
 * gravity in the sensor frame (the sensor's tilt) is kept.
 */
export function scaleImu(sample: Sample, range: readonly [number, number], rng: SeededRandom): Sample {
  const [low, high] = range;
  if (!(low > 0 && high >= low && Number.isFinite(high)))
    throw new Error(`scaleImu(): range must be [low, high] with 0 < low <= high, got [${range.join(', ')}]`);
  return mapStreams(sample, {
    imu: (stream) => {
      const accFactor = rng.uniform(low, high);
      const gyroFactor = rng.uniform(low, high);
      const data = stream.data.slice();
      for (let k = 0; k < data.length; k++)
        data[k] = (data[k] as number) * (k % IMU_CHANNELS < 3 ? accFactor : gyroFactor);
      return { ...stream, data };
    },
  });
}
