import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS, type ImuStream } from '../core/stream.ts';
import { mapStreams } from './map-streams.ts';

/**
 * A sensor strapped on again a little askew: each IMU gets its own random rotation (axis uniform
 * on the sphere, angle uniform in [0, maxDeg]), applied to both its acc and gyro vectors, since
 * both are measured in the one sensor frame. Lengths and the angle between acc and gyro are kept.
 */
export function rotateImu(sample: Sample, maxDeg: number, rng: SeededRandom): Sample {
  if (!(maxDeg >= 0 && maxDeg <= 180))
    throw new Error(`rotateImu(): maxDeg must be within 0-180 degrees, got ${maxDeg}`);
  return mapStreams(sample, { imu: (stream) => rotated(stream, randomRotation((maxDeg * Math.PI) / 180, rng)) });
}

/** Row-major 3x3 rotation by Rodrigues' formula about a random unit axis. */
function randomRotation(maxAngle: number, rng: SeededRandom): Float64Array {
  // A normal 3-vector points uniformly on the sphere; redraw the (practically impossible) zero.
  let [x, y, z, norm] = [0, 0, 0, 0];
  while (norm < 1e-12) {
    [x, y, z] = [rng.normal(), rng.normal(), rng.normal()];
    norm = Math.hypot(x, y, z);
  }
  [x, y, z] = [x / norm, y / norm, z / norm];
  const angle = rng.uniform(0, maxAngle);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const k = 1 - c;
  return Float64Array.of(
    c + x * x * k,
    x * y * k - z * s,
    x * z * k + y * s,
    y * x * k + z * s,
    c + y * y * k,
    y * z * k - x * s,
    z * x * k - y * s,
    z * y * k + x * s,
    c + z * z * k,
  );
}

function rotated(stream: ImuStream, r: Float64Array): ImuStream {
  const src = stream.data;
  const data = new Float32Array(src.length);
  for (let p = 0; p < src.length; p += IMU_CHANNELS) {
    for (let v = p; v < p + IMU_CHANNELS; v += 3) {
      const x = src[v] as number;
      const y = src[v + 1] as number;
      const z = src[v + 2] as number;
      data[v] = (r[0] as number) * x + (r[1] as number) * y + (r[2] as number) * z;
      data[v + 1] = (r[3] as number) * x + (r[4] as number) * y + (r[5] as number) * z;
      data[v + 2] = (r[6] as number) * x + (r[7] as number) * y + (r[8] as number) * z;
    }
  }
  return { ...stream, data };
}
