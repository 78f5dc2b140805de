import * as tf from '@tensorflow/tfjs';

/**
 * True inside tf.grad / variableGrads / optimizer.minimize: our fused ops take a path that keeps
 * what the backward needs only then. tfjs keeps no public flag for it; its engine counts the depth.
 */
export function recordingGradients(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}
