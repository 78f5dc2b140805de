import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import type { PoseStream, VideoStream } from '../core/stream.ts';
import { selectKeyFrames } from '../video/keyframes.ts';
import { resizeFrames, type FrameRect } from '../video/resize-frames.ts';
import { keyFrameFlows, loadOpticalFlow } from '../video/optical-flow.ts';
import { loadBackbone, type Backbone, type BackboneSpec } from './pretrained-backbone.ts';
import { cachedFeatures, featureKey } from './feature-cache.ts';
import { imuInput } from './imu-input.ts';
import { IMU_INPUT_CHANNELS, type InputSet, type InputSpec, type Modality } from './input-spec.ts';
import { poseInput, poseInputWidth } from './pose-input.ts';
import { depthMapsInput } from './depth-maps-input.ts';

/** The shape of each input `spec` makes, per sample (a backbone's after prepareInputs); see InputSpec. */
export function inputShapes(spec: InputSpec): Partial<Record<Modality, number[]>> {
  const shapes: Partial<Record<Modality, number[]>> = {};
  if (spec.imu)
    shapes.imu = [Math.round(spec.imu.window * spec.imu.rate), IMU_INPUT_CHANNELS * spec.imu.placements.length];
  if (spec.video) shapes.video = [spec.video.count, spec.video.size, spec.video.size, 3];
  if (spec.pose) shapes.pose = [spec.pose.frames, poseInputWidth(spec.pose)];
  if (spec.flow && spec.video) shapes.flow = [spec.video.count - 1, spec.video.size, spec.video.size, 2];
  if (spec.backbone && spec.video) shapes.backbone = [spec.video.count, loadedBackbone(spec.backbone).featureSize];
  if (spec.depthMaps) shapes.depthMaps = [spec.depthMaps.size, spec.depthMaps.size, 3];
  return shapes;
}

/** Backbones loaded by prepareInputs, by their spec. */
const BACKBONES = new Map<string, Backbone>();

function loadedBackbone(spec: BackboneSpec): Backbone {
  const b = BACKBONES.get(JSON.stringify(spec));
  if (b === undefined) throw new Error(`the backbone ${spec.model} is not loaded: call prepareInputs() first`);
  return b;
}

/** Loads what building `spec`'s inputs needs beforehand (OpenCV for flow, the backbone's weights). */
export async function prepareInputs(spec: InputSpec): Promise<void> {
  if (spec.backbone !== undefined) {
    if (spec.video === undefined)
      throw new UserError('inputs.backbone needs inputs.video: its features are of the key frames');
    const key = JSON.stringify(spec.backbone);
    if (!BACKBONES.has(key)) BACKBONES.set(key, await loadBackbone(spec.backbone));
  }
  if (spec.flow !== undefined) {
    if (spec.video === undefined)
      throw new UserError('inputs.flow needs inputs.video: the flow is computed between its key frames');
    await loadOpticalFlow();
  }
}

/** The inputs of each sample, stacked; labels are indices into `classes` (after prepareInputs). */
export function buildInputSet(samples: readonly Sample[], spec: InputSpec, classes: readonly string[]): InputSet {
  const set = emptyInputSet(spec, samples.length);
  samples.forEach((sample, i) => putSample(set, i, sample, spec, classes));
  return set;
}

/**
 * Room for `n` samples, filled one at a time by putSample: a data set can be turned into inputs
 * as its samples arrive, without holding every decoded video at once.
 */
export function emptyInputSet(spec: InputSpec, n: number): InputSet {
  const shapes = inputShapes(spec);
  const set: InputSet = {
    labels: new Int32Array(n),
    ids: new Array<string>(n).fill(''),
    subjects: new Array<string>(n).fill(''),
    count: n,
  };
  if (shapes.imu) set.imu = { data: new Float32Array(n * product(shapes.imu)), shape: shapes.imu };
  if (shapes.video) set.video = { data: new Uint8Array(n * product(shapes.video)), shape: shapes.video };
  if (shapes.pose) set.pose = { data: new Float32Array(n * product(shapes.pose)), shape: shapes.pose };
  if (shapes.flow) set.flow = { data: new Float32Array(n * product(shapes.flow)), shape: shapes.flow };
  if (shapes.backbone) set.backbone = { data: new Float32Array(n * product(shapes.backbone)), shape: shapes.backbone };
  if (shapes.depthMaps)
    set.depthMaps = { data: new Float32Array(n * product(shapes.depthMaps)), shape: shapes.depthMaps };
  return set;
}

/** Row `i` of `set` from `sample`; its label must be one of `classes`. */
export function putSample(set: InputSet, i: number, sample: Sample, spec: InputSpec, classes: readonly string[]): void {
  const label = classes.indexOf(sample.label);
  if (label < 0)
    throw new UserError(
      `sample ${sample.id} has label '${sample.label}', which is not one of the classes (${classes.join(', ')})`,
    );
  set.labels[i] = label;
  set.ids[i] = sample.id;
  set.subjects[i] = sample.subject ?? sample.id;
  if (spec.imu && set.imu) set.imu.data.set(imuInput(sample, spec.imu), i * product(set.imu.shape));
  if (spec.video && set.video) {
    const keys = keyFramesOf(sample, spec.video);
    const frames = asRgb(resizeFrames(keys.video, keys.indices, spec.video.size, keys.rect), keys.video.channels);
    set.video.data.set(frames, i * product(set.video.shape));
    if (spec.flow && set.flow)
      set.flow.data.set(keyFrameFlows(frames, spec.video.count, spec.video.size), i * product(set.flow.shape));
    if (spec.backbone && set.backbone) {
      const backbone = loadedBackbone(spec.backbone);
      const input = resizeFrames(keys.video, keys.indices, backbone.inputSize, keys.rect);
      const length = product(set.backbone.shape);
      set.backbone.data.set(
        cachedFeatures(featureKey(backbone.id, input), length, () => backbone.features(input, spec.video!.count)),
        i * length,
      );
    }
  }
  if (spec.pose && set.pose) set.pose.data.set(poseInput(sample, spec.pose), i * product(set.pose.shape));
  if (spec.depthMaps && set.depthMaps)
    set.depthMaps.data.set(depthMapsInput(sample, spec.depthMaps), i * product(set.depthMaps.shape));
}

/** Grey frames (a depth camera's) repeated into three channels, so every video input is RGB-shaped. */
function asRgb(frames: Uint8Array, channels: number): Uint8Array {
  if (channels === 3) return frames;
  const out = new Uint8Array(frames.length * 3);
  for (let i = 0; i < frames.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = frames[i] as number;
  return out;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The clip's key frames (chosen by frame difference) and, for crop 'person', the square the athlete is in. */
function keyFramesOf(
  sample: Sample,
  spec: NonNullable<InputSpec['video']>,
): { video: NonNullable<VideoStream['decoded']>; indices: number[]; rect?: FrameRect } {
  const stream = sample.streams.find((s): s is VideoStream => s.kind === 'video');
  if (stream?.decoded === undefined)
    throw new UserError(
      `sample ${sample.id} has no decoded video`,
      'Decode the video before building inputs, or leave video out of the inputs.',
    );
  const { indices } = selectKeyFrames(stream.decoded, {
    threshold: spec.threshold,
    count: spec.count,
    fill: spec.fill,
  });
  if (spec.crop !== 'person') return { video: stream.decoded, indices };
  const pose = sample.streams.find((s): s is PoseStream => s.kind === 'pose');
  if (pose === undefined)
    throw new UserError(
      `sample ${sample.id} has no pose stream to find the person by`,
      'Use inputs.video.crop: frame, or a data set with pose.',
    );
  return { video: stream.decoded, indices, rect: personBox(pose, stream.decoded.width, stream.decoded.height) };
}

/**
 * The square around every confidently seen keypoint of the clip (score >= 0.3), 25% larger than
 * the keypoints' extent so head, hands and feet fit; the whole frame if none was seen.
 */
export function personBox(pose: PoseStream, width: number, height: number): FrameRect {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < pose.data.length / 2; i++) {
    if ((pose.score?.[i] ?? 1) < 0.3) continue;
    const x = pose.data[i * 2] as number;
    const y = pose.data[i * 2 + 1] as number;
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  }
  if (!(x1 >= x0)) return { x: 0, y: 0, width, height };
  const side = Math.max(8, 1.25 * Math.max(x1 - x0, y1 - y0));
  return { x: (x0 + x1) / 2 - side / 2, y: (y0 + y1) / 2 - side / 2, width: side, height: side };
}
