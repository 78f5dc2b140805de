/**
 * Options of the depth motion maps encoder (`depth-maps-encoder.ts`), apart from its builder so
 * that the options schema can read the defaults without loading TensorFlow.js.
 */
export interface DepthMapsEncoderOptions {
  /** Filters of each block (conv2d 3x3 + BatchNorm + ReLU, halving the map); one block per entry. */
  widths: number[];
  /**
   * How each block halves the map: 'stride' (the conv itself steps 2 pixels) or 'max-pool' (a
   * conv at full size, then 2x2 max-pooling: the same output, four times the convolution work).
   */
  downsample: 'stride' | 'max-pool';
  /**
   * How the last block's map becomes the vector: 'flatten' keeps where on the map each feature
   * is (which part of the body moved, and in which view), 'mean' averages it away.
   */
  pooling: 'flatten' | 'mean';
}

/**
 * Measured on UTD-MHAD subjects 1-4 (64 px maps; train on s1, s3, test on s2, s4; test accuracy
 * after 40 epochs of the encoder, BatchNorm, dropout 0.5 and a dense layer): 'flatten' 36% and 28%
 * (two seeds) against 'mean' 19%; 'max-pool' 42% and 34%, but four times the training step (WASM,
 * batch 32: about 190 against 50 ms on a shared 2-core machine), so 'stride' is the default.
 */
export const DEFAULT_DEPTH_MAPS_OPTIONS: DepthMapsEncoderOptions = {
  widths: [16, 32, 64],
  downsample: 'stride',
  pooling: 'flatten',
};
