import { configOf, firstNumber, plannedTensor, type LayerCompiler } from './inference-plan.ts';

/** MaxPooling1D (valid padding) not fused into a convolution: [B, T, C] -> [B, outT, C]. */
export const compileMaxPool1d: LayerCompiler = ({ layer, inputs, outputShape }) => {
  const config = configOf(layer);
  if (config['padding'] !== 'valid') return `padding '${String(config['padding'])}' is not compiled`;
  const pool = firstNumber(config['poolSize'], 2);
  const stride = firstNumber(config['strides'], pool);
  const [B, T, C] = inputs[0]!.shape as [number, number, number];
  const outT = outputShape[1]!;
  const x = inputs[0]!.buffer;
  const output = plannedTensor(outputShape);
  const y = output.buffer;
  return {
    output,
    steps: [
      () => {
        for (let b = 0; b < B; b++)
          for (let o = 0; o < outT; o++)
            for (let c = 0; c < C; c++) {
              let m = -Infinity;
              for (let p = 0; p < pool; p++) m = Math.max(m, x[(b * T + o * stride + p) * C + c] as number);
              y[(b * outT + o) * C + c] = m;
            }
      },
    ],
  };
};

/** GlobalAveragePooling1D: the mean over time, [B, T, C] -> [B, C]. */
export const compileGlobalAveragePool1d: LayerCompiler = ({ inputs, outputShape }) => {
  const [B, T, C] = inputs[0]!.shape as [number, number, number];
  const x = inputs[0]!.buffer;
  const output = plannedTensor(outputShape);
  const y = output.buffer;
  return {
    output,
    steps: [
      () => {
        y.fill(0);
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++)
            for (let c = 0; c < C; c++) y[b * C + c] = (y[b * C + c] as number) + (x[(b * T + t) * C + c] as number);
        for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) / T;
      },
    ],
  };
};
