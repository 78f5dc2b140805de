import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError, errorMessage } from '../core/errors.ts';
import { COCO17_JOINTS } from '../core/joint-sets.ts';
import { poseStream, type PoseStream } from '../core/stream.ts';
import { decodeVideoFrames } from '../video/decode-video.ts';
import type { FrameSelection } from '../video/frame-selection.ts';
import { probeVideo, type VideoProbe } from '../video/probe-video.ts';
import { locateMoveNet } from './locate-movenet.ts';

/**
 * 2D pose of one person per frame with Google's MoveNet SinglePose Lightning (MobileNetV2 + FPN +
 * CenterNet heads), the graph model shipped in the `@vladmandic/human` npm package (models/, MIT),
 * read from node_modules: no download.
 *
 * The model's own facts (its model.json signature, and the model card): input `input`, int32
 * [1, 192, 192, 3] RGB 0-255; output `Identity`, float32 [1, 1, 17, 3], per keypoint (y, x, score)
 * with y and x in [0, 1] over the input square, keypoints in COCO-17 order. A frame of another
 * shape is letterboxed into the square (see `movenetLetterbox`), and the keypoints are mapped back
 * to the frame's own pixels. They are not clamped: a keypoint the model cannot see may be guessed
 * in the letterbox's black bars, outside the frame (with a low score), and the model's coordinates
 * may stray a fraction of a pixel past its square.
 */

/** One frame's pose: `keypoints` [17 x 2] (x, y) in the frame's pixels (0,0 = top-left corner of the top-left pixel), `scores` [17] in [0, 1]. */
export interface PoseEstimate {
  keypoints: Float32Array;
  scores: Float32Array;
}

/**
 * Where a width x height frame sits in the model's size x size input: scaled by
 * size / max(width, height) to `width` x `height` of the square (rounded to whole pixels), placed
 * at (offsetX, offsetY) with black around it. `scaleX`/`scaleY` take a pixel of the scaled frame
 * back to the original's (the original's size over the scaled size, so rounding is undone exactly).
 */
export interface Letterbox {
  size: number;
  width: number;
  height: number;
  offsetX: number;
  offsetY: number;
  scaleX: number;
  scaleY: number;
}

export function movenetLetterbox(width: number, height: number, size: number): Letterbox {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
    ['size', size],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`movenetLetterbox(): ${name} must be a whole number of pixels >= 1, got ${value}`);
  }
  const s = size / Math.max(width, height);
  const w = Math.min(size, Math.max(1, Math.round(width * s)));
  const h = Math.min(size, Math.max(1, Math.round(height * s)));
  return {
    size,
    width: w,
    height: h,
    offsetX: Math.floor((size - w) / 2),
    offsetY: Math.floor((size - h) / 2),
    scaleX: width / w,
    scaleY: height / h,
  };
}

export interface MoveNetPose {
  /** 'movenet-lightning'. */
  model: string;
  /** The model's square input size in pixels (192). */
  inputSize: number;
  /**
   * The pose in one RGB frame (height x width x 3 bytes, row-major) of any size: letterboxed into
   * the input square (resized by area averaging where larger, bilinear where smaller), estimated,
   * and mapped back to the frame's pixels. Frames already `movenetLetterbox(...).width x height`
   * (as `estimateVideoPoses` decodes them) are only padded. Leaves no tensor behind.
   */
  estimate(frame: Uint8Array, width: number, height: number): PoseEstimate;
  /** Releases the model's weights. */
  dispose(): void;
}

const MOVENET = { name: 'movenet-lightning', input: 'input', output: 'Identity', keypoints: 17 } as const;

interface GraphModelJson {
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Loads MoveNet Lightning from node_modules. Select the tfjs backend first (selectBackend). */
export async function loadMoveNetPose(): Promise<MoveNetPose> {
  let dir: string;
  let json: GraphModelJson;
  try {
    const path = locateMoveNet();
    dir = dirname(path);
    json = JSON.parse(await readFile(path, 'utf8')) as GraphModelJson;
  } catch (err) {
    throw new UserError(
      `cannot read MoveNet Lightning from the @vladmandic/human package: ${errorMessage(err)}`,
      'Run `npm install`; the model ships in node_modules/@vladmandic/human/models.',
      { cause: err },
    );
  }
  const parts = await Promise.all(
    json.weightsManifest
      .flatMap((g) => g.paths)
      .map(async (p) => {
        try {
          return await readFile(join(dir, p));
        } catch (err) {
          throw new UserError(
            `MoveNet Lightning's weights file ${join(dir, p)} cannot be read: ${errorMessage(err)}`,
            'Run `npm install` again to restore node_modules/@vladmandic/human.',
            { cause: err },
          );
        }
      }),
  );
  const weights = Buffer.concat(parts);
  const graph = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
  const shape = graph.inputs[0]?.shape ?? [];
  const size = shape[1];
  if (typeof size !== 'number' || shape[2] !== size || shape[3] !== 3) {
    graph.dispose();
    throw new Error(`loadMoveNetPose(): expected a square RGB input, the model declares [${shape.join(', ')}]`);
  }
  let disposed = false;

  const estimate = (frame: Uint8Array, width: number, height: number): PoseEstimate => {
    if (disposed) throw new Error('MoveNetPose.estimate(): the estimator was disposed');
    const box = movenetLetterbox(width, height, size);
    if (!(frame instanceof Uint8Array) || frame.length !== width * height * 3) {
      throw new Error(
        `MoveNetPose.estimate(): frame must be ${width} x ${height} x 3 = ${width * height * 3} RGB bytes, got ${frame?.length}`,
      );
    }
    const out = tf.tidy(() => {
      const square = tf.pad(scaledFrame(frame, width, height, box), [
        [box.offsetY, size - box.height - box.offsetY],
        [box.offsetX, size - box.width - box.offsetX],
        [0, 0],
      ]);
      const input = tf.expandDims(square, 0);
      const y = graph.execute({ [MOVENET.input]: input }, MOVENET.output) as tf.Tensor;
      if (y.size !== MOVENET.keypoints * 3)
        throw new Error(`MoveNetPose.estimate(): the model gave [${y.shape.join(', ')}], expected [1, 1, 17, 3]`);
      return y.dataSync() as Float32Array;
    });
    const keypoints = new Float32Array(MOVENET.keypoints * 2);
    const scores = new Float32Array(MOVENET.keypoints);
    for (let j = 0; j < MOVENET.keypoints; j++) {
      // (y, x) over the square -> letterboxed pixels -> the scaled frame's pixels -> the frame's.
      keypoints[2 * j] = ((out[3 * j + 1] as number) * size - box.offsetX) * box.scaleX;
      keypoints[2 * j + 1] = ((out[3 * j] as number) * size - box.offsetY) * box.scaleY;
      scores[j] = out[3 * j + 2] as number;
    }
    return { keypoints, scores };
  };
  // One call builds the graph's kernels before the first real frame.
  estimate(new Uint8Array(size * size * 3), size, size);
  return {
    model: MOVENET.name,
    inputSize: size,
    estimate,
    dispose: () => {
      if (!disposed) graph.dispose();
      disposed = true;
    },
  };
}

/**
 * The frame as an int32 [box.height, box.width, 3] tensor. Downscaling averages boxes of
 * k x k pixels first (k the whole part of the factor) so a large frame is not point-sampled, then
 * resizes bilinearly the rest of the way.
 */
function scaledFrame(frame: Uint8Array, width: number, height: number, box: Letterbox): tf.Tensor3D {
  const x = tf.tensor3d(frame, [height, width, 3], 'int32');
  if (box.width === width && box.height === height) return x;
  let f: tf.Tensor3D = tf.cast(x, 'float32');
  const k = Math.floor(Math.min(width / box.width, height / box.height));
  if (k >= 2) f = tf.avgPool(f, k, k, 'valid');
  if (f.shape[0] !== box.height || f.shape[1] !== box.width)
    f = tf.image.resizeBilinear(f, [box.height, box.width], false, true);
  return tf.cast(tf.round(f), 'int32');
}

export interface VideoPose extends PoseEstimate {
  /** Index of the frame in the file. */
  index: number;
  /** Presentation time, seconds. */
  t: number;
}

export interface EstimateVideoPosesOptions {
  /** Frames to estimate (default every frame). */
  frames?: FrameSelection;
  probe?: VideoProbe;
  signal?: AbortSignal;
}

/**
 * The pose in each selected frame of `path`, streamed: ffmpeg decodes each frame straight to the
 * letterbox's inner size (area averaging, aspect ratio kept), the estimator only pads it, and the
 * keypoints come back in the video's own pixels. Breaking out of the loop stops ffmpeg.
 */
export async function* estimateVideoPoses(
  estimator: MoveNetPose,
  ffmpeg: string,
  path: string,
  options: EstimateVideoPosesOptions = {},
): AsyncGenerator<VideoPose, void, undefined> {
  const probe =
    options.probe ?? (await probeVideo(ffmpeg, path, options.signal === undefined ? {} : { signal: options.signal }));
  const box = movenetLetterbox(probe.width, probe.height, estimator.inputSize);
  const decode = {
    probe,
    size: { width: box.width, height: box.height },
    // The size keeps the aspect ratio up to rounding to whole pixels; 'crop' fills it, cutting at
    // most one pixel row or column of the 192 px frame (under 0.3% of the frame), so the mapping
    // back by scaleX/scaleY is exact but for that sub-pixel shift.
    fit: 'crop' as const,
    ...(options.frames === undefined ? {} : { frames: options.frames }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  for await (const f of decodeVideoFrames(ffmpeg, path, decode)) {
    const pose = estimator.estimate(f.frame, box.width, box.height);
    for (let j = 0; j < pose.keypoints.length; j += 2) {
      pose.keypoints[j] = (pose.keypoints[j] as number) * box.scaleX;
      pose.keypoints[j + 1] = (pose.keypoints[j + 1] as number) * box.scaleY;
    }
    yield { index: f.index, t: f.t, keypoints: pose.keypoints, scores: pose.scores };
  }
}

/** Poses of a video as a COCO-17 2D PoseStream with scores, in the video's pixels. */
export function videoPoseStream(
  poses: readonly VideoPose[],
  rate: number,
  meta: Record<string, unknown> = {},
): PoseStream {
  const n = poses.length;
  const data = new Float32Array(n * MOVENET.keypoints * 2);
  const score = new Float32Array(n * MOVENET.keypoints);
  poses.forEach((p, i) => {
    data.set(p.keypoints, i * MOVENET.keypoints * 2);
    score.set(p.scores, i * MOVENET.keypoints);
  });
  return poseStream({
    rate,
    t: Float64Array.from(poses, (p) => p.t),
    joints: 'coco17',
    dims: 2,
    data,
    score,
    meta: {
      units: 'px',
      keypoints: [...COCO17_JOINTS],
      model: MOVENET.name,
      frames: poses.map((p) => p.index),
      ...meta,
    },
  });
}
