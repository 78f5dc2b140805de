import { IMU_CHANNELS, type Placement } from '../core/stream.ts';
import type { KeyFrameThreshold } from '../video/keyframes.ts';
import type { BackboneSpec } from './pretrained-backbone.ts';

// What the models' inputs are (the spec, the modalities, the stacked arrays), apart from the code
// that makes them (model-inputs.ts): the experiment schema and the model entries need these
// without loading the backbone's TensorFlow.js or OpenCV.

/**
 * What a model sees of a sample, per modality, at fixed shapes so samples batch:
 * - imu: each listed placement's stream on a regular grid from its own first sample (the
 *   recording start on that device's clock) for `window` s, six channels and a coverage mask
 *   (1 where real samples were, 0 across a lost connection) per placement, side by side: [T x 7P];
 * - video: `count` key frames chosen per clip by frame difference, resized to size x size RGB,
 *   whole or (crop 'person') the square around everything the pose stream saw of the athlete in
 *   the clip, so a small network sees the body rather than the gym;
 * - flow: dense optical flow (Farneback) between consecutive video key frames, dx and dy;
 * - backbone: a frozen pretrained network's features of the same key frames (same crop), at the
 *   network's input size: [K x D]; computed once per clip and kept in the feature cache;
 * - pose: the pose stream's first `frames` frames, x and y relative to the frame's centre in
 *   frame widths, and the score: [F x 3J] (kinect20: hip-centred x, y, z in metres, `frames`
 *   frames taken evenly over the recording); with `features` and `normalise`, per joint the
 *   listed features' channels side by side (skeleton-features.ts): [F x J*C];
 * - depthMaps: the depth video's motion summed over the whole take, seen from the front, the
 *   side and above (depth motion maps), each cropped to where it moved: [S x S x 3].
 */
export interface InputSpec {
  /** 'any': the sample's one IMU, wherever it is worn (UTD-MHAD moves its sensor from wrist to thigh by action). */
  imu?: {
    placements: readonly (Placement | 'any')[];
    rate: number;
    window: number;
    /**
     * 'window' (the default): `window` s from the first sample at `rate` Hz; 'recording': the whole
     * recording stretched or squeezed onto the same rate x window steps, so every take of a data
     * set of trimmed actions (UTD-MHAD) fills the input whatever its length.
     */
    span?: 'window' | 'recording';
  };
  video?: {
    count: number;
    size: number;
    threshold: KeyFrameThreshold;
    fill: 'pad' | 'sample';
    crop?: 'frame' | 'person';
  };
  /**
   * coco17: 2-D image keypoints with scores; kinect20: 3-D joints in metres (centred on the hip).
   * features: default ['position']; normalise: default 'none' (both as before these options).
   */
  pose?: {
    frames: number;
    joints?: 'coco17' | 'kinect20';
    features?: readonly PoseFeature[];
    normalise?: PoseNormalise;
  };
  /** Optical flow between consecutive key frames of the video input (needs `video`): [K-1 x S x S x 2]. */
  flow?: { source: 'video-key-frames' };
  /** A frozen pretrained backbone's features of the video input's key frames (needs `video`). */
  backbone?: BackboneSpec;
  /**
   * Depth motion maps of the sample's depth video (video/depth-motion-maps.ts): the front, side
   * and top maps as three channels, each resized to size x size and scaled to 0..1: [S x S x 3].
   */
  depthMaps?: { size: number };
}

/**
 * What a pose input holds of each joint, in the order listed: `position` (x, y[, z]), `velocity`
 * (its change since the previous input frame) and `bone` (the vector from its parent joint).
 */
export const POSE_FEATURES = ['position', 'velocity', 'bone'] as const;
export type PoseFeature = (typeof POSE_FEATURES)[number];
/** none: positions as they are read; body: centred on the hips and scaled by one body size per trial. */
export const POSE_NORMALISATIONS = ['none', 'body'] as const;
export type PoseNormalise = (typeof POSE_NORMALISATIONS)[number];

/** Per placement: acc x, y, z, gyro x, y, z and the coverage mask. */
export const IMU_INPUT_CHANNELS = IMU_CHANNELS + 1;

/** The inputs the synthetic experiments use: 3 IMUs at 100 Hz for 2 s, 8 key frames of the athlete at 56 px and the flow between them. */
export const SYNTHETIC_INPUTS: InputSpec = {
  imu: { placements: ['wrist', 'ankle', 'pelvis'], rate: 100, window: 2 },
  video: { count: 8, size: 56, threshold: { kind: 'adaptive', k: 0.5 }, fill: 'sample', crop: 'person' },
  flow: { source: 'video-key-frames' },
};

/** The modalities, one per key of InputSpec: the one list (the experiment schema's enum is made from it). */
export const MODALITIES = [
  'video',
  'imu',
  'pose',
  'flow',
  'backbone',
  'depthMaps',
] as const satisfies readonly (keyof InputSpec)[];
export type Modality = (typeof MODALITIES)[number];
// A key of InputSpec missing from MODALITIES fails to compile here.
const _everyModality: Record<keyof InputSpec, Modality> = {
  video: 'video',
  imu: 'imu',
  pose: 'pose',
  flow: 'flow',
  backbone: 'backbone',
  depthMaps: 'depthMaps',
};

/** One modality of many samples, stacked: data is [n x ...shape]. */
export interface ModalityArray<T extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  data: T;
  shape: number[];
}

export interface InputSet {
  imu?: ModalityArray<Float32Array>;
  video?: ModalityArray<Uint8Array>;
  pose?: ModalityArray<Float32Array>;
  flow?: ModalityArray<Float32Array>;
  backbone?: ModalityArray<Float32Array>;
  depthMaps?: ModalityArray<Float32Array>;
  labels: Int32Array;
  ids: string[];
  subjects: string[];
  count: number;
  /**
   * Rows that are augmented copies: the row each was made from, -1 for an original. Copies are
   * training material only: they follow their original into training and are never validated
   * or tested on.
   */
  augmentedFrom?: Int32Array;
}
