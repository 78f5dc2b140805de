import { JOINT_SETS } from '../core/joint-sets.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS, type DecodedFrames, type ImuStream, type PoseStream } from '../core/stream.ts';
import { mapStreams } from './map-streams.ts';
import { sampleFrameSize } from './sample-frame-size.ts';

/**
 * A left-right mirror of the whole scene, kept consistent across modalities.
 *
 * Video: each frame is mirrored, so pixel (r, c) of the result is pixel (r, W-1-c) of the input.
 * Pose (pixels, pixel centres at whole numbers): x' = W - 1 - x, and each COCO-17 left joint
 * trades places (and score) with its right twin, since the mirrored athlete's left arm is the
 * one that was their right. Floats are kept as float32, so a second flip gives the first x back
 * to within float32 rounding (about 1e-5 px), not always bit for bit.
 *
 * IMU (sensor frame; for the synthetic body model x forward, y left, z up along the segment, the
 * same axes on both sides of the body):
 * 1. Flipping the image reflects the world in a vertical plane (the one holding the camera's
 *    optical axis and its upright image axis; cameras are assumed upright, not rolled).
 * 2. Any two reflections in vertical planes differ by a rotation about the vertical. Rotating
 *    the whole world about the vertical changes no sensor-frame reading: gravity stays vertical,
 *    and angular velocity in the body's own frame does not see a constant turn of the scene. So,
 *    whatever direction the camera looked from, the flip acts on the IMUs as the mirror of the
 *    body in its own sagittal plane, M = diag(1, -1, 1) in body axes.
 * 3. A segment with orientation R (sensor to world) becomes M R M: the mirrored segment, with
 *    axes that are again x forward, y left, z up (a right-handed frame, like a real sensor's).
 *    Specific force f (a polar vector) becomes M f in the world, so in the sensor frame
 *    (M R M)^T M f_world = M R^T f_world = M f_sensor: (fx, -fy, fz).
 * 4. Angular velocity is an axial vector: under a reflection it picks up det(M) = -1, so
 *    w'_world = -M w_world and in the sensor frame -M w_sensor: (-wx, wy, -wz).
 * 5. A sensor on the left wrist is now on the right wrist: `meta.side` 'left' <-> 'right'. The
 *    `sensorId` and `placement` stay (it is the same device, on the same kind of segment).
 * The IMU transform is its own inverse (negation is exact, so two flips give the input exactly).
 * A real device mounted on the other side with its own axes would need its mounting rotation on
 * top; data sets with such conventions map them in their adapter.
 */
export function flipHorizontal(sample: Sample): Sample {
  const size = sampleFrameSize(sample, 'flipHorizontal');
  // sampleFrameSize has checked that every video is decoded and that a pose has a frame size.
  return mapStreams(sample, {
    video: (stream) => ({ ...stream, decoded: mirrorFrames(stream.decoded as DecodedFrames) }),
    pose: (stream) => mirrorPose(stream, (size as { width: number }).width),
    imu: mirrorImu,
  });
}

function mirrorFrames(video: DecodedFrames): DecodedFrames {
  const { frames, height, width, channels } = video;
  const out = new Uint8Array(frames.length);
  const rowBytes = width * channels;
  for (let row = 0; row < frames.length; row += rowBytes) {
    // A pixel at a time; the RGB case (the common one) unrolled.
    for (let to = row, from = row + rowBytes - channels; to < row + rowBytes; to += channels, from -= channels) {
      if (channels === 3) {
        out[to] = frames[from] as number;
        out[to + 1] = frames[from + 1] as number;
        out[to + 2] = frames[from + 2] as number;
      } else {
        out[to] = frames[from] as number;
      }
    }
  }
  return { frames: out, height, width, channels };
}

function mirrorPose(stream: PoseStream, width: number): PoseStream {
  if (stream.joints !== 'coco17') {
    throw new Error(
      `flipHorizontal(): pose joint set '${stream.joints}' has no left/right map here; only coco17 can be flipped`,
    );
  }
  const { data, score, dims } = stream;
  const mirror = JOINT_SETS.coco17.mirror;
  const frameValues = 17 * dims;
  const out = new Float32Array(data.length);
  const outScore = score === undefined ? undefined : new Float32Array(score.length);
  for (let i = 0; i < stream.t.length; i++) {
    for (let j = 0; j < 17; j++) {
      const from = i * frameValues + j * dims;
      const to = i * frameValues + (mirror[j] as number) * dims;
      out[to] = width - 1 - (data[from] as number);
      for (let d = 1; d < dims; d++) out[to + d] = data[from + d] as number;
      if (score !== undefined && outScore !== undefined)
        outScore[i * 17 + (mirror[j] as number)] = score[i * 17 + j] as number;
    }
  }
  const mirrored: PoseStream = { ...stream, data: out };
  if (outScore !== undefined) mirrored.score = outScore;
  return mirrored;
}

/** (fx, fy, fz, wx, wy, wz) -> (fx, -fy, fz, -wx, wy, -wz), and the body side swapped. */
function mirrorImu(stream: ImuStream): ImuStream {
  const data = stream.data.slice();
  for (let k = 0; k < data.length; k += IMU_CHANNELS) {
    data[k + 1] = -(data[k + 1] as number);
    data[k + 3] = -(data[k + 3] as number);
    data[k + 5] = -(data[k + 5] as number);
  }
  const side = stream.meta.side;
  const meta =
    side === 'left' || side === 'right' ? { ...stream.meta, side: side === 'left' ? 'right' : 'left' } : stream.meta;
  return { ...stream, data, meta };
}
