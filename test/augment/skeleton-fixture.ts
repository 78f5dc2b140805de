import { KINECT20_JOINTS } from '../../src/core/joint-sets.ts';
import { SeededRandom } from '../../src/core/random.ts';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream, poseStream, type PoseStream } from '../../src/core/stream.ts';

/**
 * A UTD-MHAD-like sample for the skeleton augmentation tests: `frames` frames of a Kinect v1
 * skeleton (metres, y up, about 2.8 m from the camera; the hip centre drifting sideways, the
 * other joints scattered about it) and one wrist IMU.
 */
export function skeletonSample(frames = 6): Sample {
  const rng = new SeededRandom(17);
  const data = new Float32Array(frames * 60);
  for (let f = 0; f < frames; f++) {
    const hip = [0.05 * f, -0.1, 2.8];
    for (let j = 0; j < 20; j++) {
      const offset = j === 3 ? [0, 0, 0] : [rng.normal(0, 0.3), rng.normal(0, 0.5), rng.normal(0, 0.2)];
      for (let d = 0; d < 3; d++) data[f * 60 + j * 3 + d] = hip[d]! + offset[d]!;
    }
  }
  const t = Float64Array.from({ length: frames }, (_, f) => f / 30);
  return {
    id: 'a1_s1_t1',
    label: 'swipe_left',
    subject: 's1',
    streams: [
      poseStream({ rate: 30, t, joints: 'kinect20', dims: 3, data, meta: { jointNames: [...KINECT20_JOINTS] } }),
      imuStream({
        rate: 50,
        t: Float64Array.from({ length: 10 }, (_, i) => i / 50),
        sensorId: 'wrist',
        placement: 'wrist',
        data: Float32Array.from({ length: 60 }, () => rng.normal(0, 5)),
      }),
    ],
    meta: {},
  };
}

export function skeletonOf(sample: Sample): PoseStream {
  const s = sample.streams.find((x): x is PoseStream => x.kind === 'pose' && x.dims === 3);
  if (s === undefined) throw new Error('no 3-D pose stream');
  return s;
}

/** Joint j of frame f. */
export function joint(stream: PoseStream, f: number, j: number): [number, number, number] {
  const o = (f * 20 + j) * 3;
  return [stream.data[o]!, stream.data[o + 1]!, stream.data[o + 2]!];
}

/** Lengths of every bone (KINECT20_BONES) in every frame. */
export function boneLengths(stream: PoseStream, bones: readonly (readonly [number, number])[]): number[] {
  const out: number[] = [];
  for (let f = 0; f < stream.t.length; f++)
    for (const [a, b] of bones) {
      const [p, q] = [joint(stream, f, a), joint(stream, f, b)];
      out.push(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
    }
  return out;
}

/** Two frames of a kinect20 skeleton: every joint on the hip centre (1, 0, 3) but the head, at (1.2, 0.6, 3.1). */
export function headAndHip(): Sample {
  const data = new Float32Array(2 * 60);
  for (let k = 0; k < 40; k++) data.set([1, 0, 3], k * 3);
  for (const f of [0, 1]) data.set([1.2, 0.6, 3.1], f * 60);
  const pose = poseStream({ rate: 30, t: Float64Array.of(0, 1 / 30), joints: 'kinect20', dims: 3, data });
  return { id: 'h', label: 'wave', streams: [pose], meta: {} };
}
