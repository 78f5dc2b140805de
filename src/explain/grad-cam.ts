import * as tf from '@tensorflow/tfjs';
import { interceptLayerCall } from './intercept-layer.ts';

/** Which convolution and which class scores Grad-CAM explains. */
export interface GradCamOptions {
  /** The per-frame input the maps are drawn over (its model input's name): default 'video'. */
  input?: string;
  /** The convolution whose feature maps are weighed: default the last Conv2D named `<input>_conv<n>`. */
  layer?: string;
  /** Per sample (batch row), the class whose score (the first output's logit) is explained. */
  classes: readonly number[];
}

/** Grad-CAM maps: [samples, frames, height, width] in the input frames' pixels, each sample's maximum 1 (0: no evidence). */
export interface GradCamMaps {
  maps: Float32Array;
  shape: [number, number, number, number];
  /** The convolution the maps come from. */
  layer: string;
}

/**
 * Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via
 * Gradient-based Localization") on a per-frame CNN of a trained network: A, the convolution's
 * feature maps for every key frame; the gradient of the class's score (pre-softmax) with respect
 * to A; each channel weighted by its gradient's global average over the map; their weighted sum,
 * ReLU'd, upsampled bilinearly to the frame and scaled so the sample's largest value (over its
 * frames) is 1, so frames of one clip compare. `inputs` are the model's input tensors in its
 * input order (inputTensors gives them); the model runs in inference mode and is not changed.
 */
export function gradCam(model: tf.LayersModel, inputs: readonly tf.Tensor[], options: GradCamOptions): GradCamMaps {
  const inputName = options.input ?? 'video';
  const inputIndex = model.inputs.findIndex(
    (t) => t.name.split('/')[0] === inputName || t.sourceLayer.name === inputName,
  );
  if (inputIndex < 0)
    throw new Error(`gradCam(): the model has no input '${inputName}' (inputs: ${model.inputNames.join(', ')})`);
  const frameShape = model.inputs[inputIndex]?.shape.slice(1) as number[];
  const [frames, height, width] = (frameShape.length === 4 ? frameShape : [1, ...frameShape]) as [
    number,
    number,
    number,
  ];
  const layer = convolutionOf(model, inputName, options.layer);
  const [, h, w, c] = layer.outputShape as [null, number, number, number];
  const samples = inputs[0]?.shape[0] ?? 0;
  if (options.classes.length !== samples)
    throw new Error(`gradCam(): classes gives ${options.classes.length} classes for ${samples} samples`);
  const classCount = (model.outputs[0]?.shape[1] as number | undefined) ?? 0;
  const bad = options.classes.find((k) => !Number.isInteger(k) || k < 0 || k >= classCount);
  if (bad !== undefined) throw new Error(`gradCam(): class ${bad} is not one of the model's ${classCount}`);
  const maps = tf.tidy(() => {
    let activation: tf.Tensor4D | undefined;
    let shift: tf.Tensor | undefined;
    const oneHot = tf.oneHot(tf.tensor1d([...options.classes], 'int32'), classCount);
    // The gradient with respect to A is the gradient with respect to a zero shift added to A.
    const gradient = interceptLayerCall(
      layer,
      (original) => (x, kwargs) => {
        const out = original(x, kwargs) as tf.Tensor4D;
        activation = tf.keep(out);
        return tf.add(out, shift as tf.Tensor);
      },
      () =>
        tf.grad((zero: tf.Tensor) => {
          shift = zero;
          const out = model.apply([...inputs], { training: false }) as tf.Tensor | tf.Tensor[];
          const logits = Array.isArray(out) ? (out[0] as tf.Tensor) : out;
          return tf.sum(tf.mul(logits, oneHot));
        })(tf.zeros([samples * frames, h, w, c])),
    );
    if (activation === undefined) throw new Error(`gradCam(): ${layer.name} did not run`);
    const a = activation;
    const channelWeights = tf.mean(gradient, [1, 2], true);
    const cam = tf.relu(tf.sum(tf.mul(a, channelWeights), 3, true)) as tf.Tensor4D;
    a.dispose();
    const up = tf.reshape(tf.image.resizeBilinear(cam, [height, width]), [samples, frames * height * width]);
    const peak = tf.max(up, 1, true);
    return tf.reshape(tf.divNoNan(up, peak), [samples, frames, height, width]);
  });
  const data = maps.dataSync() as Float32Array;
  maps.dispose();
  return { maps: Float32Array.from(data), shape: [samples, frames, height, width], layer: layer.name };
}

/** The named layer, or the last 2-D convolution of the input's own encoder (`<input>_conv<n>`). */
function convolutionOf(model: tf.LayersModel, input: string, name: string | undefined): tf.layers.Layer {
  if (name !== undefined) {
    const layer = model.layers.find((l) => l.name === name);
    if (layer === undefined) throw new Error(`gradCam(): the model has no layer '${name}'`);
    return layer;
  }
  const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D' && l.name.startsWith(`${input}_conv`));
  const last = convs[convs.length - 1];
  if (last === undefined)
    throw new Error(`gradCam(): the model has no convolution named ${input}_conv<n>; name one with options.layer`);
  return last;
}
