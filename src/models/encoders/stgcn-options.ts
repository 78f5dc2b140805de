/**
 * Options of the ST-GCN encoder (`stgcn-encoder.ts`), apart from its builder so that the options
 * schema can read the defaults without loading TensorFlow.js.
 */
export interface StgcnOptions {
  /** Output channels of each block; one block per entry. */
  channels: number[];
  /** Temporal stride of each block (same length as `channels`). */
  strides: number[];
  /** Length over time of each block's temporal convolution (odd, so it is centred). */
  temporalKernel: number;
  /** Learn ST-GCN's edge-importance mask in each graph convolution. */
  edgeImportance: boolean;
  /** Dropout at the end of each block (0: none). */
  dropout: number;
}

/**
 * Sized for ~300 training takes of 32 frames on a 2-core CPU. Three blocks give each joint a
 * 3-hop view of the skeleton before the pooling. The cost follows the [batch, time, joints,
 * channels] activations, V = 20 times a temporal CNN's (BatchNorm passes, joint mixing, many small
 * kernels) more than the channels, so time is halved in the first two blocks (32 -> 16 -> 8
 * frames) and the channels kept narrow. Kernel 5, not the reference's 9 (chosen there for
 * 300-frame clips): at 8-16 frames a 9-tap kernel mostly covers padding, and 5 taps with two
 * strides of 2 already reach 29 of the 32 frames. Edge importance off: about 10% of the step for
 * a mask the small training set can hardly fit.
 * Measured with `npm run bench -- encoders` (batch 32, kinect20, 9 channels, one native thread,
 * CPU ms a training step on a loaded 2-core machine): this default 50-60; two blocks [16, 32],
 * strides [2, 2], about 41; the reference-like [32, 64, 64], strides [1, 2, 1], kernel 9 with edge
 * importance 215-225; for scale, the temporal CNN on IMU [200, 14] 28-30 and on this pose 11-12.
 */
export const DEFAULT_STGCN_OPTIONS: StgcnOptions = {
  channels: [16, 32, 32],
  strides: [2, 2, 1],
  temporalKernel: 5,
  edgeImportance: false,
  dropout: 0,
};
