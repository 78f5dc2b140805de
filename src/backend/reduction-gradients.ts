import * as tf from '@tensorflow/tfjs';

/**
 * Gradients of Sum and Mean without tfjs's full-size `ones` tensor. tfjs-core 4.22 computes them
 * as dy * ones(x.shape) (and / n for Mean): every call fills a JavaScript array of x's size and
 * uploads it, which in a BatchNorm layer's backward pass cost about 5 ms of a 40 ms step (the
 * arrays also feed the garbage collector). Broadcasting dy gives the same values bit for bit
 * (dy * 1 = dy; Mean divides the same products by the same n). Gradients are global in tfjs, so
 * this applies to every backend; registering twice is harmless.
 */
export function registerReductionGradients(): void {
  tf.registerGradient({
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => broadcastBack(dy as tf.Tensor, x, (attrs as { axis: number | number[] }).axis) };
    },
  });
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const reduceSize = tf.util.sizeFromShape(tf.backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
      return { x: () => tf.div(broadcastBack(dy as tf.Tensor, x, axes), reduceSize) };
    },
  });
}

/** dy reshaped with size-1 reduced axes and broadcast to x's shape, as float32 (tfjs's result dtype). */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const expanded = x.shape.slice();
  for (const a of tf.util.parseAxisParam(axis, x.shape)) expanded[a] = 1;
  const out = tf.broadcastTo(tf.reshape(dy, expanded), x.shape);
  return out.dtype === 'float32' ? out : tf.cast(out, 'float32');
}
