import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import '../helpers/tf-backends.ts';
import { gradCam } from '../../src/explain/grad-cam.ts';
import { buildFusionNetwork } from '../../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC } from '../../src/models/fusion-network-spec.ts';

const GradCam = suite('gradCam');
GradCam.before(async () => {
  await tf.setBackend('wasm');
});

/** input [4, 4, 1] -> 1x1 conv (weight 1, bias 0: A = the image) -> flatten -> dense to 2 logits with set weights. */
function handModel(dense: number[][]): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1], name: 'video' });
  const conv = tf.layers.conv2d({ filters: 1, kernelSize: 1, useBias: false, name: 'video_conv1' });
  const flat = tf.layers.flatten().apply(conv.apply(input)) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 2, useBias: false, name: 'logits' });
  const model = tf.model({ inputs: input, outputs: logits.apply(flat) as tf.SymbolicTensor });
  conv.setWeights([tf.ones([1, 1, 1, 1])]);
  logits.setWeights([tf.tensor2d(dense)]);
  return model;
}

GradCam('hand-worked: the map is ReLU(mean gradient x A), scaled to a maximum of 1', () => {
  // Logit 0 weighs the 16 pixels +1 (mean gradient +1): its map is A / max A. Logit 1 weighs them
  // -1 (mean -1): ReLU leaves nothing.
  const model = handModel(Array.from({ length: 16 }, () => [1, -1]));
  const image = tf.tensor4d(
    Array.from({ length: 16 }, (_, i) => (i === 5 ? 4 : i === 6 ? 2 : 0)),
    [1, 4, 4, 1],
  );
  const toZero = gradCam(model, [image], { classes: [0] });
  assert.equal(toZero.shape, [1, 1, 4, 4]);
  assert.is(toZero.layer, 'video_conv1');
  assert.equal(
    Array.from(toZero.maps),
    Array.from({ length: 16 }, (_, i) => (i === 5 ? 1 : i === 6 ? 0.5 : 0)),
  );
  assert.ok(gradCam(model, [image], { classes: [1] }).maps.every((v) => v === 0));
  tf.dispose([image]);
  model.dispose();
});

/**
 * A clip of 2 key frames at 32 px, black except a textured 4 px square in one region:
 * frame 0's in the top-right quadrant, frame 1's in the bottom-left (different regions per frame,
 * so swapped axes or frames would show).
 */
function oneRegionClip(): tf.Tensor {
  const S = 32;
  const data = new Float32Array(2 * S * S * 3);
  const paint = (frame: number, y0: number, x0: number) => {
    for (let y = y0; y < y0 + 4; y++)
      for (let x = x0; x < x0 + 4; x++)
        for (let c = 0; c < 3; c++) data[((frame * S + y) * S + x) * 3 + c] = ((x + 2 * y + c) % 3) / 2 + 0.2;
  };
  paint(0, 4, 22);
  paint(1, 22, 4);
  return tf.tensor(data, [1, 2, S, S, 3]);
}

GradCam("on the fusion network's video CNN, a clip where one region moves: the map's mass is in that region", () => {
  const model = buildFusionNetwork(
    { ...DEFAULT_FUSION_SPEC, modalities: ['video'], fusion: 'concat', videoFilters: [4, 4], frameFeatures: 4 },
    { video: [2, 32, 32, 3] },
    3,
    11,
  );
  const clip = oneRegionClip();
  const before = tf.memory().numTensors;
  let explained = 0;
  for (const k of [0, 1, 2]) {
    const { maps, shape, layer } = gradCam(model, [clip], { classes: [k] });
    assert.equal(shape, [1, 2, 32, 32]);
    assert.is(layer, 'video_conv2', 'the last convolution');
    const total = maps.reduce((a, b) => a + b, 0);
    if (total === 0) continue; // no positive evidence for this class anywhere
    explained++;
    assert.ok(Math.abs(Math.max(...maps) - 1) < 1e-6, 'scaled to a maximum of 1');
    // The squares widened by 6 px (a quarter of the frame): a 3x3 convolution at 32 px (1 px), one
    // at 16 px after the 2x2 pool (2 px), the pool's cell and bilinear upsampling (2-3 px).
    // Everything outside holds no input at all.
    const inRegion = (f: number, y: number, x: number) => (f === 0 ? y <= 13 && x >= 16 : y >= 16 && x <= 13);
    let inside = 0;
    maps.forEach((v, i) => {
      const f = Math.floor(i / 1024);
      if (inRegion(f, Math.floor((i % 1024) / 32), i % 32)) inside += v;
    });
    assert.ok(inside / total > 0.99, `class ${k}: ${((100 * inside) / total).toFixed(1)}% of the mass in the region`);
  }
  assert.ok(explained >= 1, 'some class has positive evidence');
  assert.is(tf.memory().numTensors, before, 'leaks no tensor');
  assert.not.ok(Object.prototype.hasOwnProperty.call(model.getLayer('video_conv2'), 'call'), 'the layer is restored');
  clip.dispose();
  model.dispose();
});

GradCam('names what is wrong', () => {
  const model = handModel(Array.from({ length: 16 }, () => [1, 1]));
  const image = tf.zeros([1, 4, 4, 1]);
  assert.throws(
    () => gradCam(model, [image], { classes: [0, 1] }),
    /gradCam\(\): classes gives 2 classes for 1 samples/,
  );
  assert.throws(() => gradCam(model, [image], { classes: [2] }), /gradCam\(\): class 2 is not one of the model's 2/);
  assert.throws(
    () => gradCam(model, [image], { classes: [0], input: 'flow' }),
    /gradCam\(\): the model has no input 'flow'/,
  );
  assert.throws(() => gradCam(model, [image], { classes: [0], layer: 'x' }), /gradCam\(\): the model has no layer 'x'/);
  image.dispose();
  model.dispose();
});

GradCam.run();
