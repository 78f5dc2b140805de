import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { transformSkeleton } from './transform-skeleton.ts';

/**
 * A slightly different build and viewpoint: every 3-D skeleton sheared about its hip centre by
 * the matrix with ones on the diagonal and each of the six other entries uniform in [-max, max]
 * (the shear of contrastive skeleton learning, SkeletonCLR and AimCLR, which take 0.5); keep
 * `max` small here (0.1-0.3). The IMUs are left as they are: a shear is no motion of the body
 * that a sensor on it would feel.
 */
export function shearSkeleton(sample: Sample, max: number, rng: SeededRandom): Sample {
  if (!(max >= 0 && max < 1)) throw new Error(`shearSkeleton(): max must be within 0-1 (0.1-0.3 is usual), got ${max}`);
  const s = () => rng.uniform(-max, max);
  return transformSkeleton(sample, [1, s(), s(), s(), 1, s(), s(), s(), 1]);
}
