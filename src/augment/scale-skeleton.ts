import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { transformSkeleton } from './transform-skeleton.ts';

/**
 * A taller or shorter athlete: every 3-D skeleton scaled about its hip centre by one factor
 * uniform in `range` (transformSkeleton says which streams). The IMUs are left as they are: the
 * scaleImu step varies their readings on its own. With inputs.pose.normalise 'body' the inputs
 * divide this factor out again, so the step only matters for unnormalised inputs.
 */
export function scaleSkeleton(sample: Sample, range: readonly [number, number], rng: SeededRandom): Sample {
  const [low, high] = range;
  if (!(low > 0 && high >= low && Number.isFinite(high)))
    throw new Error(`scaleSkeleton(): range must be [low, high] with 0 < low <= high, got [${range.join(', ')}]`);
  const k = rng.uniform(low, high);
  return transformSkeleton(sample, [k, 0, 0, 0, k, 0, 0, 0, k]);
}
