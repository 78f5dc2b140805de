import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { transformSkeleton } from './transform-skeleton.ts';

/**
 * The athlete seen from a little further round: every 3-D skeleton turned about the vertical (y)
 * through its hip centre by an angle uniform in [-maxDeg, maxDeg] (transformSkeleton says which
 * streams and about which point). The body-worn IMUs are left as they are, exactly so: turning
 * the whole scene about the vertical keeps gravity vertical and the body's motion relative to
 * itself, so no sensor-frame reading changes (flip-horizontal.ts, point 2).
 */
export function rotateSkeleton(sample: Sample, maxDeg: number, rng: SeededRandom): Sample {
  if (!(maxDeg >= 0 && maxDeg <= 180))
    throw new Error(`rotateSkeleton(): maxDeg must be within 0-180 degrees, got ${maxDeg}`);
  return rotateSkeletonBy(sample, rng.uniform(-maxDeg, maxDeg));
}

/**
 * Every 3-D skeleton turned by `degrees` about the vertical through its hip centre: hip-relative
 * (x, y, z) becomes (x cos a + z sin a, y, -x sin a + z cos a), so 90 degrees takes (x, y, z) to
 * (z, y, -x).
 */
export function rotateSkeletonBy(sample: Sample, degrees: number): Sample {
  if (!Number.isFinite(degrees)) throw new Error(`rotateSkeletonBy(): degrees must be finite, got ${degrees}`);
  const a = (degrees * Math.PI) / 180;
  const [c, s] = [Math.cos(a), Math.sin(a)];
  return transformSkeleton(sample, [c, 0, s, 0, 1, 0, -s, 0, c]);
}
