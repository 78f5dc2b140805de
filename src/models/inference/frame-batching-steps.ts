import type { LayerCompiler } from './inference-plan.ts';

/**
 * FramesToBatch ([B, T, H, W, C] -> [B * T, H, W, C]) and BatchToFrames ([B * T, ...] -> [B, T, ...]):
 * row-major data unchanged, so the output shares the input's buffer. Their shapes come from the
 * planned input (the symbolic ones have no batch dimension to scale).
 */
export const compileFramesToBatch: LayerCompiler = ({ inputs }) => {
  const [batch, frames, ...rest] = inputs[0]!.shape as [number, number, ...number[]];
  return { output: { buffer: inputs[0]!.buffer, shape: [batch * frames, ...rest] }, steps: [] };
};

export const compileBatchToFrames: LayerCompiler = ({ layer, inputs }) => {
  const frames = (layer as unknown as { frames: number }).frames;
  const [rows, ...rest] = inputs[0]!.shape as [number, ...number[]];
  if (!Number.isInteger(frames) || frames < 1 || rows % frames !== 0)
    return `${rows} rows are not a whole number of ${frames}-frame clips`;
  return { output: { buffer: inputs[0]!.buffer, shape: [rows / frames, frames, ...rest] }, steps: [] };
};
