/**
 * Options of the temporal CNN encoder (`temporal-cnn-encoder.ts`), apart from its builder so that
 * the options schema can read the defaults without loading TensorFlow.js.
 */
export interface TemporalCnnOptions {
  /** Filters of each block (conv1d + BatchNorm + ReLU + max-pool 2); one block per entry. */
  widths: number[];
  /** Kernel length of each conv1d ('same' padding). */
  kernel: number;
  /** Add a 1x1 projection of each block's input to its conv output (before the ReLU). */
  residual: boolean;
}

/** The plain PyTorch reference: three blocks of conv k5 + BN + ReLU + max-pool 2, widths 64-64-128, GAP. */
export const DEFAULT_TEMPORAL_CNN_OPTIONS: TemporalCnnOptions = {
  widths: [64, 64, 128],
  kernel: 5,
  residual: false,
};
