import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS, type ImuStream } from '../core/stream.ts';
import { mapStreams } from './map-streams.ts';

/** Speed knots evenly spaced over a stream, ends included: few enough that the warp is slow and smooth. */
const SPEED_KNOTS = 4;

/**
 * The athlete's tempo varied: each IMU is replayed at a smoothly varying speed, the values at its
 * own timestamps (kept) read from warped times by linear interpolation. The playback speed is
 * exp(strength * N(0, 1)) at each knot, cosine-blended between knots; its integral, scaled to
 * span the stream, maps time onto time monotonically with both ends fixed, so the first and last
 * samples are kept. The video keeps its timing, so a warp also stands for a sensor lagging or
 * leading the camera by a little; keep `strength` small (0.1-0.3).
 */
export function timeWarpImu(sample: Sample, strength: number, rng: SeededRandom): Sample {
  if (!(strength >= 0 && Number.isFinite(strength)))
    throw new Error(`timeWarpImu(): strength must be >= 0 (sd of the log playback speed), got ${strength}`);
  return mapStreams(sample, {
    imu: (stream) =>
      warped(
        stream,
        Float64Array.from({ length: SPEED_KNOTS }, () => Math.exp(strength * rng.normal())),
      ),
  });
}

/** Playback speed at u in [0, 1]: knots blended by a raised cosine, so its slope is continuous. */
function speedAt(u: number, knots: Float64Array): number {
  const position = u * (knots.length - 1);
  const k = Math.min(knots.length - 2, Math.floor(position));
  const w = (1 - Math.cos(Math.PI * (position - k))) / 2;
  return (1 - w) * (knots[k] as number) + w * (knots[k + 1] as number);
}

function warped(stream: ImuStream, knots: Float64Array): ImuStream {
  const { t, data: src } = stream;
  const n = t.length;
  const t0 = t[0] as number;
  const span = (t[n - 1] as number) - t0;
  if (n < 3 || !(span > 0)) return { ...stream, data: src.slice() };
  // Warped clock at each sample: the speed integrated by the trapezoid rule, scaled to end at 1.
  const clock = new Float64Array(n);
  let previousU = 0;
  let previousSpeed = speedAt(0, knots);
  for (let j = 1; j < n; j++) {
    const u = ((t[j] as number) - t0) / span;
    const speed = speedAt(u, knots);
    clock[j] = (clock[j - 1] as number) + ((speed + previousSpeed) / 2) * (u - previousU);
    [previousU, previousSpeed] = [u, speed];
  }
  const total = clock[n - 1] as number;
  const data = new Float32Array(src.length);
  data.set(src.subarray(0, IMU_CHANNELS), 0);
  data.set(src.subarray((n - 1) * IMU_CHANNELS), (n - 1) * IMU_CHANNELS);
  let q = 0; // t[q] <= source time <= t[q + 1]; source times only grow, so q only moves on
  for (let j = 1; j < n - 1; j++) {
    const source = t0 + ((clock[j] as number) / total) * span;
    while (q < n - 2 && (t[q + 1] as number) < source) q++;
    const gap = (t[q + 1] as number) - (t[q] as number);
    const w = gap > 0 ? Math.min(1, Math.max(0, (source - (t[q] as number)) / gap)) : 1;
    for (let c = 0; c < IMU_CHANNELS; c++) {
      data[j * IMU_CHANNELS + c] =
        (1 - w) * (src[q * IMU_CHANNELS + c] as number) + w * (src[(q + 1) * IMU_CHANNELS + c] as number);
    }
  }
  return { ...stream, data };
}
