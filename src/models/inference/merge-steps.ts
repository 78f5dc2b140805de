import { configOf, plannedTensor, type LayerCompiler } from './inference-plan.ts';

/** Concatenate over the last axis: each row of the output is the inputs' rows side by side. */
export const compileConcatenate: LayerCompiler = ({ layer, inputs, outputShape }) => {
  const axis = configOf(layer)['axis'];
  if (axis !== undefined && axis !== -1 && axis !== outputShape.length - 1) return 'only the last axis is compiled';
  const output = plannedTensor(outputShape);
  const y = output.buffer;
  const width = outputShape[outputShape.length - 1]!;
  const rows = y.length / width;
  const parts = inputs.map((t) => ({ x: t.buffer, w: t.shape[t.shape.length - 1]! }));
  return {
    output,
    steps: [
      () => {
        for (let r = 0; r < rows; r++) {
          let o = r * width;
          for (const { x, w } of parts) {
            const from = r * w;
            for (let j = 0; j < w; j++) y[o + j] = x[from + j] as number;
            o += w;
          }
        }
      },
    ],
  };
};

/** Add of inputs of one shape (a residual connection). */
export const compileAdd: LayerCompiler = ({ inputs, outputShape }) => {
  if (inputs.some((t) => t.buffer.length !== inputs[0]!.buffer.length)) return 'only inputs of one shape are compiled';
  const output = plannedTensor(outputShape);
  const y = output.buffer;
  const xs = inputs.map((t) => t.buffer);
  return {
    output,
    steps: [
      () => {
        y.set(xs[0]!);
        for (let k = 1; k < xs.length; k++) {
          const x = xs[k]!;
          for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + (x[i] as number);
        }
      },
    ],
  };
};
