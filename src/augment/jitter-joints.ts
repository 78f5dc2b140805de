import type { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { mapStreams } from './map-streams.ts';

/**
 * Tracking noise: Gaussian noise of sd `sd` metres added to every coordinate of every joint in
 * every frame of each 3-D skeleton, independently (Kinect v1 joints wobble by about a centimetre
 * from frame to frame). 2-D keypoints (pixels) and the IMUs are left as they are: this is the
 * depth camera's noise, not the sensors' (jitterImu adds theirs).
 */
export function jitterJoints(sample: Sample, sd: number, rng: SeededRandom): Sample {
  if (!(sd >= 0 && Number.isFinite(sd))) throw new Error(`jitterJoints(): sd must be >= 0 metres, got ${sd}`);
  return mapStreams(sample, {
    pose: (stream) => {
      if (stream.dims !== 3) return stream;
      const data = stream.data.slice();
      for (let k = 0; k < data.length; k++) data[k] = (data[k] as number) + rng.normal(0, sd);
      return { ...stream, data };
    },
  });
}
