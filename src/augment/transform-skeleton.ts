import { JOINT_SETS } from '../core/joint-sets.ts';
import type { Sample } from '../core/sample.ts';
import type { PoseStream } from '../core/stream.ts';
import { mapStreams } from './map-streams.ts';

/**
 * Every 3-D pose stream of a sample moved by one linear map `m` (3x3, row-major) about a pivot:
 * p' = c + m (p - c), c the stream's hip centre averaged over its frames (the mean of all joints
 * for a joint set without one). About that vertical line a rotation turns the athlete where they
 * stand, and a scale grows them from their hips, rather than swinging them about the camera.
 *
 * 3-D streams are taken in Kinect camera space, as UTD-MHAD's are: metres, x across the picture,
 * y up (its heads are about 0.6 m above its hip centres, feet 1 m below), z away from the camera.
 * 2-D streams (image keypoints) pass unchanged: a turn about the vertical or a change in depth
 * cannot be drawn from one view, and the image-plane steps (flip, affine) cover them. Video and
 * IMU streams pass unchanged as well; each step says why for its own motion.
 */
export function transformSkeleton(sample: Sample, m: ArrayLike<number>): Sample {
  if (m.length !== 9) throw new Error(`transformSkeleton(): m must be a 3x3 matrix (9 values), got ${m.length}`);
  return mapStreams(sample, { pose: (stream) => (stream.dims === 3 ? transformed(stream, m) : stream) });
}

function transformed(stream: PoseStream, m: ArrayLike<number>): PoseStream {
  const [cx, cy, cz] = pivot(stream);
  const src = stream.data;
  const data = new Float32Array(src.length);
  for (let k = 0; k < src.length; k += 3) {
    const x = (src[k] as number) - cx;
    const y = (src[k + 1] as number) - cy;
    const z = (src[k + 2] as number) - cz;
    data[k] = cx + (m[0] as number) * x + (m[1] as number) * y + (m[2] as number) * z;
    data[k + 1] = cy + (m[3] as number) * x + (m[4] as number) * y + (m[5] as number) * z;
    data[k + 2] = cz + (m[6] as number) * x + (m[7] as number) * y + (m[8] as number) * z;
  }
  return { ...stream, data };
}

/** The hip centre averaged over the frames, or (no hip centre in the joint set) the mean of every joint. */
function pivot(stream: PoseStream): [number, number, number] {
  const count = JOINT_SETS[stream.joints].names.length;
  const hip = (JOINT_SETS[stream.joints].names as readonly string[]).indexOf('hip_center');
  const sum = [0, 0, 0];
  let points = 0;
  for (let f = 0; f < stream.t.length; f++) {
    for (let j = hip >= 0 ? hip : 0; j < (hip >= 0 ? hip + 1 : count); j++) {
      for (let d = 0; d < 3; d++) sum[d] = (sum[d] as number) + (stream.data[(f * count + j) * 3 + d] as number);
      points++;
    }
  }
  const [x, y, z] = sum.map((v) => (points === 0 ? 0 : v / points)) as [number, number, number];
  return [x, y, z];
}
