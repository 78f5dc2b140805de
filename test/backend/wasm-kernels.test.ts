import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, onBackend, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { conv2dBackpropFilterLimits } from '../../src/backend/wasm-kernels/conv2d-backprop-filter.ts';
import { conv2dBackpropInputLimits } from '../../src/backend/wasm-kernels/conv2d-backprop-input.ts';
import { WASM_TRAINING_KERNELS, registerWasmTrainingKernels } from '../../src/backend/wasm-kernels/register.ts';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
const TOLERANCE = 1e-4;

function randomArray(rng: SeededRandom, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Deterministic values from a seed alone, for data that must be identical on both backends. */
const randomArrayFrom = (seed: number, n: number) => randomArray(new SeededRandom(1000 + seed), n);

function randomPad(rng: SeededRandom, kh: number, kw: number): Pad {
  const kind = rng.int(0, 3);
  if (kind === 0) return 'same';
  if (kind === 1) return 'valid';
  if (kind === 2) return rng.int(0, 1);
  // Explicit per-side padding, NHWC order; each side at most kernel - 1.
  return [
    [0, 0],
    [rng.int(0, kh - 1), rng.int(0, kh - 1)],
    [rng.int(0, kw - 1), rng.int(0, kw - 1)],
    [0, 0],
  ];
}

/** A random NHWC convolution (kernel 1-4, strides 1-2, any padding kind); undefined if it has no output. */
function randomConvCase(rng: SeededRandom) {
  const [kh, kw] = [rng.int(1, 4), rng.int(1, 4)];
  const xShape = [rng.int(1, 3), rng.int(kh, 11), rng.int(kw, 11), rng.int(1, 5)] as [number, number, number, number];
  const filterShape = [kh, kw, xShape[3], rng.int(1, 6)] as [number, number, number, number];
  const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
  const pad = randomPad(rng, kh, kw);
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, 'floor');
  return info.outHeight <= 0 || info.outWidth <= 0 ? undefined : { xShape, filterShape, strides, pad, info };
}

type ConvCase = NonNullable<ReturnType<typeof randomConvCase>>;

/** 40 random NHWC convolutions through one kernel, each compared with the CPU backend. */
async function compareOnRandomConvCases(
  kernel: string,
  seed: number,
  build: (c: ConvCase, rng: SeededRandom) => { inputs: KernelInputs; attrs: object },
) {
  const rng = new SeededRandom(seed);
  let nonTrivial = 0;
  let cases = 0;
  for (let i = 0; i < 40; i++) {
    const c = randomConvCase(rng);
    if (c === undefined) continue;
    cases++;
    const { inputs, attrs } = build(c, rng);
    if (
      await compareKernel(
        kernel,
        inputs,
        attrs,
        `case ${i} x=[${c.xShape}] f=[${c.filterShape}] s=[${c.strides}] pad=${JSON.stringify(c.pad)}`,
      )
    )
      nonTrivial++;
  }
  assertMostlyNonTrivial(nonTrivial, cases);
}

type KernelInputs = Record<string, { data: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }>;

function kernelCall(name: string, inputs: KernelInputs, attrs: object) {
  return () => {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor(v.data, v.shape, v.dtype ?? 'float32');
    return tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  };
}

/**
 * Compares one kernel's output on wasm with a reference: by default the same kernel on the CPU
 * backend. Returns false for a degenerate case whose reference is all zeros (every tap in padding),
 * which tests nothing; callers check that such cases are few.
 */
async function compareKernel(
  name: string,
  inputs: KernelInputs,
  attrs: object,
  label: string,
  reference?: Float32Array,
): Promise<boolean> {
  const ref = reference ?? ((await onBackend('cpu', kernelCall(name, inputs, attrs)))[0] as Float32Array);
  const [got] = await onBackend('wasm', kernelCall(name, inputs, attrs));
  const err = relativeError(got as Float32Array, ref);
  assert.ok(err < TOLERANCE, `${name} ${label}: relative error ${err.toExponential(2)} >= ${TOLERANCE}`);
  return ref.some((v) => v !== 0);
}

/**
 * dW of an NHWC convolution with stride 1, dilation 1 and 'same' padding, by plain loops in
 * float64: dW[kh][kw][ci][co] = sum over b, oh, ow of x[b][oh + kh - top][ow + kw - left][ci] * dy[b][oh][ow][co].
 */
function sameConvFilterGradient(
  x: Float32Array | Int32Array,
  xShape: number[],
  dy: Float32Array | Int32Array,
  filterShape: number[],
): Float32Array {
  const [b, h, w, ci] = xShape as [number, number, number, number];
  const [fh, fw, , co] = filterShape as [number, number, number, number];
  const top = Math.floor((fh - 1) / 2);
  const left = Math.floor((fw - 1) / 2);
  const dw = new Float64Array(fh * fw * ci * co);
  for (let n = 0; n < b; n++)
    for (let oh = 0; oh < h; oh++)
      for (let ow = 0; ow < w; ow++) {
        const dyAt = ((n * h + oh) * w + ow) * co;
        for (let kh = 0; kh < fh; kh++) {
          const ih = oh + kh - top;
          if (ih < 0 || ih >= h) continue;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow + kw - left;
            if (iw < 0 || iw >= w) continue;
            const xAt = ((n * h + ih) * w + iw) * ci;
            for (let c = 0; c < ci; c++) {
              const xv = x[xAt + c] as number;
              const dwAt = ((kh * fw + kw) * ci + c) * co;
              for (let o = 0; o < co; o++) dw[dwAt + o] = (dw[dwAt + o] as number) + xv * (dy[dyAt + o] as number);
            }
          }
        }
      }
  return Float32Array.from(dw);
}

function assertMostlyNonTrivial(nonTrivial: number, cases: number) {
  assert.ok(nonTrivial >= 0.75 * cases, `only ${nonTrivial} of ${cases} random cases had a non-zero reference`);
}

const Registered = suite('registerWasmTrainingKernels');
Registered('puts every kernel on the wasm backend, and is idempotent', () => {
  for (const k of WASM_TRAINING_KERNELS)
    assert.ok(tf.getKernel(k.kernelName, 'wasm'), `${k.kernelName} missing on wasm`);
  const first = registerWasmTrainingKernels();
  const replacedNames = first.native.used
    ? [
        'BatchMatMul',
        '_FusedMatMul',
        'Conv2D',
        'FusedConv2D',
        'Add',
        'Conv2DBackpropInput',
        'Tile',
        'Identity',
        'MaxPoolGrad',
        'MaxPool',
        'Cast',
        'Tanh',
        'Sigmoid',
        'Sum',
        'Mean',
        'FusedBatchNorm',
      ]
    : ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'Tile', 'Identity', 'MaxPoolGrad', 'Cast'];
  const before = replacedNames.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
  const again = registerWasmTrainingKernels();
  assert.equal(again.added, [
    'Conv2DBackpropFilter',
    'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'UnsortedSegmentSum',
  ]);
  assert.equal(again.replaced, replacedNames);
  assert.equal(
    replacedNames.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc),
    before,
    'a second call must not wrap the wrappers',
  );
});
Registered('switches between the native and the JavaScript kernel sets, and back to the same functions', () => {
  const native = registerWasmTrainingKernels();
  if (!native.native.used) return; // only the JavaScript set exists here (native-addon.test.ts says why)
  const names = ['BatchMatMul', 'Conv2D', 'Conv2DBackpropFilter', 'MotionfuseLstmSequenceForward'];
  const nativeFuncs = names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
  const js = registerWasmTrainingKernels({ native: false });
  assert.is(js.native.used, false);
  const jsFuncs = names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
  names.forEach((n, i) => assert.is.not(jsFuncs[i], nativeFuncs[i], `${n} did not change`));
  assert.not.ok(js.replaced.includes('Conv2D'), "without the addon the package's Conv2D stays");
  registerWasmTrainingKernels();
  assert.equal(
    names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc),
    nativeFuncs,
  );
});
Registered.run();

for (const set of WASM_KERNEL_SETS) {
  const BackpropFilter = kernelSetSuite('Conv2DBackpropFilter (wasm)', set);
  BackpropFilter(
    'matches the CPU backend on 40 random NHWC cases (strides 1-2, same/valid/explicit padding)',
    async () => {
      await compareOnRandomConvCases(
        'Conv2DBackpropFilter',
        11,
        ({ xShape, filterShape, strides, pad, info }, rng) => ({
          inputs: {
            x: { data: randomArray(rng, size(xShape)), shape: xShape },
            dy: { data: randomArray(rng, size(info.outShape)), shape: info.outShape },
          },
          attrs: { strides, pad, dataFormat: 'NHWC', dimRoundingMode: 'floor', filterShape },
        }),
      );
    },
  );
  BackpropFilter('matches the CPU backend for NCHW data', async () => {
    const rng = new SeededRandom(12);
    for (let i = 0; i < 8; i++) {
      const k = rng.int(1, 3);
      const nchw = [rng.int(1, 3), rng.int(1, 4), rng.int(k, 9), rng.int(k, 9)] as [number, number, number, number];
      const filterShape = [k, k, nchw[1], rng.int(1, 4)] as [number, number, number, number];
      const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const pad = rng.bernoulli(0.5) ? 'same' : 'valid';
      const info = tf.backend_util.computeConv2DInfo(
        nchw,
        filterShape,
        strides,
        1,
        pad,
        undefined,
        false,
        'channelsFirst',
      );
      await compareKernel(
        'Conv2DBackpropFilter',
        {
          x: { data: randomArray(rng, size(nchw)), shape: nchw },
          dy: { data: randomArray(rng, size(info.outShape)), shape: info.outShape },
        },
        { strides, pad, dataFormat: 'NCHW', filterShape },
        `NCHW case ${i}`,
      );
    }
  });
  BackpropFilter('gives the same result when the patch matrix is split into batch chunks', async () => {
    const rng = new SeededRandom(13);
    const xShape: [number, number, number, number] = [5, 8, 8, 3];
    const filterShape: [number, number, number, number] = [3, 3, 3, 4];
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, 1, 1, 'same');
    const saved = conv2dBackpropFilterLimits.maxPatchFloats;
    conv2dBackpropFilterLimits.maxPatchFloats = 2 * 64 * 27; // two images per chunk: chunks of 2, 2, 1
    try {
      await compareKernel(
        'Conv2DBackpropFilter',
        {
          x: { data: randomArray(rng, size(xShape)), shape: xShape },
          dy: { data: randomArray(rng, size(info.outShape)), shape: info.outShape },
        },
        { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape },
        'chunked',
      );
    } finally {
      conv2dBackpropFilterLimits.maxPatchFloats = saved;
    }
  });
  BackpropFilter('leaks no tensor and no WASM buffer', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([3, 9, 9, 2]);
    const dy = tf.randomNormal([3, 9, 9, 4]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 4] };
    (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor).dispose();
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor).dispose();
    assert.is(tf.memory().numTensors, tensors);
    assert.is(tf.engine().backend.numDataIds(), buffers);
    x.dispose();
    dy.dispose();
  });
  BackpropFilter.run();

  const DepthwiseFilter = kernelSetSuite('DepthwiseConv2dNativeBackpropFilter (wasm)', set);
  const DepthwiseInput = kernelSetSuite('DepthwiseConv2dNativeBackpropInput (wasm)', set);

  function randomDepthwiseCase(rng: SeededRandom) {
    const [kh, kw] = [rng.int(1, 4), rng.int(1, 4)];
    // tfjs allows dilation > 1 only with stride 1.
    const dilate = rng.bernoulli(0.4);
    const dilations: [number, number] = dilate ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
    const strides: [number, number] = dilate ? [1, 1] : [rng.int(1, 2), rng.int(1, 2)];
    const effH = (kh - 1) * dilations[0] + 1;
    const effW = (kw - 1) * dilations[1] + 1;
    const xShape = [rng.int(1, 3), rng.int(effH, 11), rng.int(effW, 11), rng.int(1, 5)] as [
      number,
      number,
      number,
      number,
    ];
    const filterShape = [kh, kw, xShape[3], rng.int(1, 3)] as [number, number, number, number];
    const pad: Pad = rng.bernoulli(0.5) ? 'same' : 'valid';
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, undefined, true);
    return { xShape, filterShape, strides, dilations, pad, info };
  }

  /**
   * The CPU backend's depthwise back-props ignore dilation in their index arithmetic (tfjs's own
   * gradient refuses dilation > 1, so nothing there calls them with it). For dilated cases the
   * reference is therefore exact algebra instead: a kernel with dilation d equals an undilated kernel
   * of size (k - 1) d + 1 with zeros between the taps, run on the CPU backend.
   */
  function stuffFilter(
    w: Float32Array,
    shape: [number, number, number, number],
    d: [number, number],
  ): { data: Float32Array; shape: [number, number, number, number] } {
    const [kh, kw, c, m] = shape;
    const out: [number, number, number, number] = [(kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1, c, m];
    const data = new Float32Array(size(out));
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        data.set(w.subarray((i * kw + j) * c * m, (i * kw + j + 1) * c * m), (i * d[0] * out[1] + j * d[1]) * c * m);
      }
    return { data, shape: out };
  }
  const isDilated = (d: [number, number]) => d[0] > 1 || d[1] > 1;

  DepthwiseFilter(
    'matches the CPU backend on 40 random cases (strides 1-2, dilations 1-2, same/valid, multiplier 1-3)',
    async () => {
      const rng = new SeededRandom(21);
      let nonTrivial = 0;
      let dilated = 0;
      for (let i = 0; i < 40; i++) {
        const c = randomDepthwiseCase(rng);
        const inputs = {
          x: { data: randomArray(rng, size(c.xShape)), shape: c.xShape },
          dy: { data: randomArray(rng, size(c.info.outShape)), shape: c.info.outShape },
        };
        let reference: Float32Array | undefined;
        if (isDilated(c.dilations)) {
          dilated++;
          const stuffedShape = stuffFilter(new Float32Array(size(c.filterShape)), c.filterShape, c.dilations).shape;
          const [full] = await onBackend(
            'cpu',
            kernelCall('DepthwiseConv2dNativeBackpropFilter', inputs, {
              strides: c.strides,
              dilations: 1,
              pad: c.pad,
              filterShape: stuffedShape,
            }),
          );
          // Keep the taps that exist in the dilated kernel.
          const [kh, kw, ch, m] = c.filterShape;
          reference = new Float32Array(size(c.filterShape));
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const src = (a * c.dilations[0] * stuffedShape[1] + b * c.dilations[1]) * ch * m;
              reference.set((full as Float32Array).subarray(src, src + ch * m), (a * kw + b) * ch * m);
            }
        }
        if (
          await compareKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            inputs,
            { strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape: c.filterShape },
            `case ${i} x=[${c.xShape}] f=[${c.filterShape}] s=[${c.strides}] d=[${c.dilations}] ${c.pad}`,
            reference,
          )
        )
          nonTrivial++;
      }
      assertMostlyNonTrivial(nonTrivial, 40);
      assert.ok(dilated >= 8, `only ${dilated} dilated cases`);
    },
  );
  DepthwiseInput(
    'matches the CPU backend on 40 random cases (strides 1-2, dilations 1-2, same/valid, multiplier 1-3)',
    async () => {
      const rng = new SeededRandom(22);
      let nonTrivial = 0;
      let dilated = 0;
      for (let i = 0; i < 40; i++) {
        const c = randomDepthwiseCase(rng);
        const filter = randomArray(rng, size(c.filterShape));
        const dy = { data: randomArray(rng, size(c.info.outShape)), shape: c.info.outShape };
        let reference: Float32Array | undefined;
        if (isDilated(c.dilations)) {
          dilated++;
          const stuffed = stuffFilter(filter, c.filterShape, c.dilations);
          [reference] = await onBackend(
            'cpu',
            kernelCall(
              'DepthwiseConv2dNativeBackpropInput',
              { dy, filter: stuffed },
              { strides: c.strides, dilations: 1, pad: c.pad, inputShape: c.xShape },
            ),
          );
        }
        if (
          await compareKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy, filter: { data: filter, shape: c.filterShape } },
            { strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.xShape },
            `case ${i} x=[${c.xShape}] f=[${c.filterShape}] s=[${c.strides}] d=[${c.dilations}] ${c.pad}`,
            reference,
          )
        )
          nonTrivial++;
      }
      assertMostlyNonTrivial(nonTrivial, 40);
      assert.ok(dilated >= 8, `only ${dilated} dilated cases`);
    },
  );
  DepthwiseInput(
    'agrees with the gradient of the dilated forward pass (finite differences on the CPU backend)',
    async () => {
      // A third, independent check of dilation: d/dx of sum(depthwiseConv2d(x, W, dilation 2) * r) by central differences.
      const rng = new SeededRandom(23);
      const xShape: [number, number, number, number] = [1, 7, 6, 2];
      const filterShape: [number, number, number, number] = [2, 2, 2, 2];
      const x = randomArray(rng, size(xShape));
      const w = randomArray(rng, size(filterShape));
      const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, 1, 2, 'same', undefined, true);
      const r = randomArray(rng, size(info.outShape));
      await tf.setBackend('cpu');
      const loss = (xv: Float32Array) =>
        tf.tidy(
          () =>
            tf
              .sum(
                tf.mul(
                  tf.depthwiseConv2d(tf.tensor4d(xv, xShape), tf.tensor4d(w, filterShape), 1, 'same', 'NHWC', 2),
                  tf.tensor(r, info.outShape),
                ),
              )
              .dataSync()[0] as number,
        );
      const numeric = new Float32Array(x.length);
      const h = 1e-2; // the loss is linear in x, so central differences are exact up to float rounding
      for (let i = 0; i < x.length; i++) {
        const plus = x.slice();
        plus[i] = (plus[i] as number) + h;
        const minus = x.slice();
        minus[i] = (minus[i] as number) - h;
        numeric[i] = (loss(plus) - loss(minus)) / (2 * h);
      }
      const [got] = await onBackend(
        'wasm',
        kernelCall(
          'DepthwiseConv2dNativeBackpropInput',
          { dy: { data: r, shape: info.outShape }, filter: { data: w, shape: filterShape } },
          { strides: 1, dilations: 2, pad: 'same', inputShape: xShape },
        ),
      );
      const err = relativeError(got as Float32Array, numeric);
      assert.ok(err < 1e-3, `finite-difference check: relative error ${err.toExponential(2)}`);
    },
  );
  DepthwiseFilter.run();
  DepthwiseInput.run();

  const MatMul = kernelSetSuite('BatchMatMul and _FusedMatMul (wasm)', set);
  MatMul('match the CPU backend for every transpose combination, batch broadcasting included', async () => {
    const rng = new SeededRandom(51);
    for (let i = 0; i < 24; i++) {
      const [m, k, n] = [rng.int(1, 40), rng.int(1, 40), rng.int(1, 40)];
      const transposeA = rng.bernoulli(0.5);
      const transposeB = rng.bernoulli(0.5);
      const batchA = rng.pick([[], [3], [2, 3]]);
      const batchB = rng.bernoulli(0.3) ? [] : batchA;
      const aShape = [...batchA, ...(transposeA ? [k, m] : [m, k])];
      const bShape = [...batchB, ...(transposeB ? [n, k] : [k, n])];
      await compareKernel(
        'BatchMatMul',
        {
          a: { data: randomArray(rng, size(aShape)), shape: aShape },
          b: { data: randomArray(rng, size(bShape)), shape: bShape },
        },
        { transposeA, transposeB },
        `case ${i} a=[${aShape}] b=[${bShape}] tA=${transposeA} tB=${transposeB}`,
      );
    }
  });
  MatMul('match the CPU backend on products large enough to be split across threads', async () => {
    const rng = new SeededRandom(53);
    for (let i = 0; i < 6; i++) {
      const [m, k, n] = [rng.int(60, 300), rng.int(60, 300), rng.int(60, 300)];
      const transposeA = i % 2 === 1;
      const transposeB = i % 3 === 2;
      const aShape = transposeA ? [k, m] : [m, k];
      const bShape = [...(i === 5 ? [2] : []), ...(transposeB ? [n, k] : [k, n])];
      await compareKernel(
        'BatchMatMul',
        {
          a: { data: randomArray(rng, size(aShape)), shape: aShape },
          b: { data: randomArray(rng, size(bShape)), shape: bShape },
        },
        { transposeA, transposeB },
        `large case ${i} a=[${aShape}] b=[${bShape}] tA=${transposeA} tB=${transposeB}`,
      );
    }
  });
  MatMul(
    'fused: bias and activation apply correctly with transposes and batches (both wrong in the package)',
    async () => {
      const rng = new SeededRandom(52);
      const combos = [
        [false, false, 'relu', 1],
        [true, false, 'relu', 1],
        [false, true, 'linear', 1],
        [true, true, 'elu', 1],
        [false, false, 'linear', 2],
        [true, false, 'relu6', 3],
        [false, true, 'sigmoid', 2],
        [true, true, 'leakyrelu', 2],
      ] as const;
      for (const [transposeA, transposeB, activation, batch] of combos) {
        const [m, k, n] = [17, 23, 9];
        // Rank 3, as tf.fused.matMul calls the kernel (the package's kernel reads out of bounds on rank 2).
        const aShape = transposeA ? [batch, k, m] : [batch, m, k];
        const bShape = transposeB ? [batch, n, k] : [batch, k, n];
        await compareKernel(
          '_FusedMatMul',
          {
            a: { data: randomArray(rng, size(aShape)), shape: aShape },
            b: { data: randomArray(rng, size(bShape)), shape: bShape },
            bias: { data: randomArray(rng, n), shape: [n] },
          },
          { transposeA, transposeB, activation, leakyreluAlpha: 0.2 },
          `fused batch ${batch} tA=${transposeA} tB=${transposeB} ${activation}`,
        );
      }
    },
  );
  MatMul('leaks no tensor and no WASM buffer', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([5, 7]);
    const b = tf.randomNormal([3, 7]);
    tf.matMul(a, b, false, true).dispose();
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    tf.matMul(a, b, false, true).dispose();
    tf.matMul(a, a, true, false).dispose();
    assert.is(tf.memory().numTensors, tensors);
    assert.is(tf.engine().backend.numDataIds(), buffers);
    tf.dispose([a, b]);
  });
  MatMul.run();

  // Conv2D is ours only in the native set; the JavaScript set keeps the package's (XNNPACK), which
  // fails with 'memory access out of bounds' on some of these random shapes when many differently
  // shaped convolutions run in one process (tfjs-backend-wasm 4.22; see docs/performance.md).
  if (set === 'native') {
    const Conv = kernelSetSuite('Conv2D (wasm)', set);
    Conv('matches the CPU backend on 40 random NHWC cases (strides 1-2, same/valid/explicit padding)', async () => {
      await compareOnRandomConvCases('Conv2D', 14, ({ xShape, filterShape, strides, pad }, rng) => ({
        inputs: {
          x: { data: randomArray(rng, size(xShape)), shape: xShape },
          filter: { data: randomArray(rng, size(filterShape)), shape: filterShape },
        },
        attrs: { strides, pad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: 'floor' },
      }));
    });
    Conv('matches the CPU backend with dilations and on shapes large enough to be split across threads', async () => {
      const rng = new SeededRandom(15);
      const cases: { xShape: number[]; filterShape: number[]; dilations: [number, number]; pad: Pad }[] = [
        { xShape: [2, 9, 11, 3], filterShape: [3, 2, 3, 4], dilations: [2, 1], pad: 'same' },
        { xShape: [1, 12, 12, 2], filterShape: [3, 3, 2, 5], dilations: [2, 3], pad: 'valid' },
        // RefNet's shapes: conv1d as [B, 1, T, C] with a [1, 5, C, 64] filter.
        { xShape: [32, 1, 200, 18], filterShape: [1, 5, 18, 64], dilations: [1, 1], pad: 'same' },
        { xShape: [7, 1, 100, 64], filterShape: [1, 5, 64, 64], dilations: [1, 1], pad: 'same' },
      ];
      for (const c of cases) {
        await compareKernel(
          'Conv2D',
          {
            x: { data: randomArray(rng, size(c.xShape)), shape: c.xShape },
            filter: { data: randomArray(rng, size(c.filterShape)), shape: c.filterShape },
          },
          { strides: 1, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations, dimRoundingMode: 'floor' },
          `x=[${c.xShape}] f=[${c.filterShape}] d=[${c.dilations}]`,
        );
      }
    });
    Conv('its gradients match the CPU backend on shapes large enough to be split across threads', async () => {
      const rng = new SeededRandom(18);
      for (const [xShape, filterShape] of [
        [
          [32, 1, 200, 18],
          [1, 5, 18, 64],
        ],
        [
          [5, 1, 100, 64],
          [1, 5, 64, 64],
        ],
        [
          [3, 17, 19, 4],
          [3, 3, 4, 8],
        ],
      ] as const) {
        const info = tf.backend_util.computeConv2DInfo(
          xShape as unknown as [number, number, number, number],
          filterShape as unknown as [number, number, number, number],
          1,
          1,
          'same',
        );
        const x = { data: randomArray(rng, size([...xShape])), shape: [...xShape] };
        const dy = { data: randomArray(rng, size(info.outShape)), shape: info.outShape };
        const filter = { data: randomArray(rng, size([...filterShape])), shape: [...filterShape] };
        // tfjs's CPU backend takes seconds for the large filter gradients; the loops below take milliseconds.
        const large = size([...xShape]) > 10_000;
        const reference = large ? sameConvFilterGradient(x.data, [...xShape], dy.data, [...filterShape]) : undefined;
        await compareKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape },
          `filter grad x=[${xShape}]`,
          reference,
        );
        if (!large) {
          const [cpu] = await onBackend(
            'cpu',
            kernelCall('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape }),
          );
          assert.ok(
            relativeError(sameConvFilterGradient(x.data, [...xShape], dy.data, [...filterShape]), cpu as Float32Array) <
              1e-5,
            'the loop reference agrees with the CPU backend',
          );
        }
        await compareKernel(
          'Conv2DBackpropInput',
          { dy, filter },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: xShape },
          `input grad x=[${xShape}]`,
        );
      }
    });
    Conv.run();
  }

  const Elementwise = kernelSetSuite('Tanh, Sigmoid, Sum and Mean (wasm)', set);
  Elementwise('Tanh and Sigmoid match the CPU backend over the whole float range, odd lengths included', async () => {
    const rng = new SeededRandom(16);
    for (const n of [1, 7, 8, 9, 1000, 40_001]) {
      // Wide range: saturation, tiny values and everything between.
      const data = Float32Array.from({ length: n }, () => rng.normal() * (rng.bernoulli(0.1) ? 50 : 3));
      for (const kernel of ['Tanh', 'Sigmoid']) {
        const ref = (await onBackend('cpu', kernelCall(kernel, { x: { data, shape: [n] } }, {})))[0] as Float32Array;
        const [got] = await onBackend('wasm', kernelCall(kernel, { x: { data, shape: [n] } }, {}));
        let worst = 0;
        for (let i = 0; i < n; i++)
          worst = Math.max(worst, Math.abs(((got as Float32Array)[i] as number) - (ref[i] as number)));
        assert.ok(worst < 1e-6, `${kernel} n=${n}: max abs error ${worst}`);
      }
    }
  });
  Elementwise(
    'Sum and Mean match the CPU backend for leading, trailing, middle and all axes, with and without keepDims',
    async () => {
      const rng = new SeededRandom(17);
      const shapes = [[6], [4, 5], [3, 1, 7, 5], [32, 1, 200, 64], [2, 3, 4]];
      for (const shape of shapes) {
        const data = randomArray(rng, size(shape));
        const r = shape.length;
        const axesChoices = [
          [0],
          [r - 1],
          [...Array(r).keys()],
          ...(r >= 3 ? [[0, 1], [1], [1, r - 1]] : []),
          ...(r >= 4 ? [[1, 2]] : []),
          ...(r >= 2 ? [[-1], [0, r - 1]] : []),
        ];
        for (const axis of axesChoices) {
          for (const keepDims of [false, true]) {
            for (const kernel of ['Sum', 'Mean']) {
              await compareKernel(
                kernel,
                { x: { data, shape } },
                { axis, keepDims },
                `[${shape}] axis [${axis}] keepDims ${keepDims}`,
              );
              const [got] = await onBackend('wasm', () => {
                const y = tf.engine().runKernel(kernel, { x: tf.tensor(data, shape) }, {
                  axis,
                  keepDims,
                } as unknown as tf.NamedAttrMap) as tf.Tensor;
                return tf.tensor([y.shape.length, ...y.shape]);
              });
              const cpuShape = (
                await onBackend('cpu', () => {
                  const y = tf.engine().runKernel(kernel, { x: tf.tensor(data, shape) }, {
                    axis,
                    keepDims,
                  } as unknown as tf.NamedAttrMap) as tf.Tensor;
                  return tf.tensor([y.shape.length, ...y.shape]);
                })
              )[0];
              assert.equal(
                Array.from(got as Float32Array),
                Array.from(cpuShape as Float32Array),
                `${kernel} [${shape}] axis [${axis}] keepDims ${keepDims}: output shape`,
              );
            }
          }
        }
      }
    },
  );
  Elementwise('Sum of int32 values stays exact (left to the package kernel)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([2147483, 5, -7, 11], [2, 2], 'int32');
    const s = tf.sum(x, 0);
    assert.is(s.dtype, 'int32');
    assert.equal(Array.from(s.dataSync()), [2147476, 16]);
    tf.dispose([x, s]);
  });
  Elementwise.run();

  const BackpropInput = kernelSetSuite('Conv2DBackpropInput (wasm, GEMM + col2im)', set);
  BackpropInput(
    'matches the CPU backend on 40 random NHWC cases (strides 1-2, same/valid/explicit padding)',
    async () => {
      await compareOnRandomConvCases('Conv2DBackpropInput', 61, ({ xShape, filterShape, strides, pad, info }, rng) => ({
        inputs: {
          dy: { data: randomArray(rng, size(info.outShape)), shape: info.outShape },
          filter: { data: randomArray(rng, size(filterShape)), shape: filterShape },
        },
        attrs: { strides, pad, dataFormat: 'NHWC', dimRoundingMode: 'floor', inputShape: xShape },
      }));
    },
  );
  BackpropInput("NCHW goes to the package's kernel and still matches", async () => {
    const rng = new SeededRandom(62);
    const nchw: [number, number, number, number] = [2, 3, 7, 6];
    const filterShape: [number, number, number, number] = [3, 3, 3, 4];
    const info = tf.backend_util.computeConv2DInfo(nchw, filterShape, 1, 1, 'same', undefined, false, 'channelsFirst');
    await compareKernel(
      'Conv2DBackpropInput',
      {
        dy: { data: randomArray(rng, size(info.outShape)), shape: info.outShape },
        filter: { data: randomArray(rng, size(filterShape)), shape: filterShape },
      },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: nchw },
      'NCHW',
    );
  });
  BackpropInput('gives the same result in batch chunks, and leaks nothing', async () => {
    const rng = new SeededRandom(63);
    const xShape: [number, number, number, number] = [5, 8, 8, 3];
    const filterShape: [number, number, number, number] = [3, 3, 3, 4];
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, 2, 1, 'same');
    const saved = conv2dBackpropInputLimits.maxPatchFloats;
    conv2dBackpropInputLimits.maxPatchFloats = 2 * 16 * 27; // two images per chunk
    try {
      await compareKernel(
        'Conv2DBackpropInput',
        {
          dy: { data: randomArray(rng, size(info.outShape)), shape: info.outShape },
          filter: { data: randomArray(rng, size(filterShape)), shape: filterShape },
        },
        { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: xShape },
        'chunked',
      );
      await tf.setBackend('wasm');
      const dy = tf.randomNormal(info.outShape);
      const w = tf.randomNormal(filterShape);
      const run = () =>
        (
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropInput',
              { dy, filter: w },
              { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: xShape },
            ) as tf.Tensor
        ).dispose();
      run();
      const buffers = tf.engine().backend.numDataIds();
      run();
      assert.is(tf.engine().backend.numDataIds(), buffers);
      tf.dispose([dy, w]);
    } finally {
      conv2dBackpropInputLimits.maxPatchFloats = saved;
    }
  });
  BackpropInput.run();

  const IdentitySuite = kernelSetSuite('Identity (wasm, shared memory)', set);
  IdentitySuite('returns the same values without a copy, and each side outlives the other', async () => {
    await tf.setBackend('wasm');
    const buffers = tf.engine().backend.numDataIds();
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    assert.is(tf.engine().backend.numDataIds(), buffers + 1, 'no second buffer');
    x.dispose();
    assert.equal(Array.from(y.dataSync()), [1, 2, 3, 4]);
    const z = tf.engine().runKernel('Identity', { x: y }) as tf.Tensor;
    y.dispose();
    assert.equal(Array.from(z.dataSync()), [1, 2, 3, 4]);
    z.dispose();
    assert.is(tf.engine().backend.numDataIds(), buffers, 'the buffer is freed with the last tensor');
    const v = tf.variable(tf.tensor([5, 6]));
    const snapshot = tf.engine().runKernel('Identity', { x: v }) as tf.Tensor;
    v.assign(tf.tensor([7, 8]));
    assert.equal(Array.from(snapshot.dataSync()), [5, 6], 'assigning a variable leaves an earlier identity alone');
    tf.dispose([v, snapshot]);
  });
  IdentitySuite.run();

  const Tile = kernelSetSuite('Tile (wasm, block copies)', set);
  Tile('matches the CPU backend for ranks 1-5, float32 and int32, reps of 1 included', async () => {
    const rng = new SeededRandom(81);
    for (let i = 0; i < 30; i++) {
      const rank = rng.int(1, 5);
      const shape = Array.from({ length: rank }, () => rng.int(1, 4));
      const reps = Array.from({ length: rank }, () => rng.int(1, 3));
      const n = size(shape);
      const dtype = rng.bernoulli(0.3) ? ('int32' as const) : ('float32' as const);
      const data = dtype === 'int32' ? Int32Array.from({ length: n }, () => rng.int(-50, 50)) : randomArray(rng, n);
      await compareKernel(
        'Tile',
        { x: { data, shape, dtype } },
        { reps },
        `case ${i} shape=[${shape}] reps=[${reps}] ${dtype}`,
      );
    }
  });
  Tile('tiles the BatchNorm-gradient shape [1, 1, 1, C] -> [B, H, W, 1] and leaks nothing', async () => {
    const rng = new SeededRandom(82);
    await compareKernel(
      'Tile',
      { x: { data: randomArray(rng, 64), shape: [1, 1, 1, 64] } },
      { reps: [32, 1, 200, 1] },
      'batchnorm shape',
    );
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 3]);
    tf.tile(x, [3, 2]).dispose();
    const buffers = tf.engine().backend.numDataIds();
    tf.tile(x, [3, 2]).dispose();
    assert.is(tf.engine().backend.numDataIds(), buffers);
    x.dispose();
  });
  Tile.run();

  const PoolGrad = kernelSetSuite('MaxPoolGrad (wasm)', set);
  PoolGrad('matches the CPU backend on 30 random cases (pool 1-3, strides 1-3, same/valid), with ties', async () => {
    const rng = new SeededRandom(91);
    for (let i = 0; i < 30; i++) {
      const [fh, fw] = [rng.int(1, 3), rng.int(1, 3)];
      const xShape = [rng.int(1, 3), rng.int(fh, 9), rng.int(fw, 9), rng.int(1, 4)] as [number, number, number, number];
      const strides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
      const pad = rng.bernoulli(0.5) ? ('same' as const) : ('valid' as const);
      const info = tf.backend_util.computePool2DInfo(xShape, [fh, fw], strides, 1, pad);
      // Every third case draws from five values, so windows hold ties: both must pick the first maximum.
      const tied = i % 3 === 0;
      const x = Float32Array.from({ length: size(xShape) }, () => (tied ? rng.int(-2, 2) : rng.normal()));
      const call = () =>
        tf.tidy(() => {
          const xt = tf.tensor4d(x, xShape);
          const y = tf.maxPool(xt, [fh, fw], strides, pad);
          return tf
            .engine()
            .runKernel(
              'MaxPoolGrad',
              { dy: tf.tensor(randomArrayFrom(i, size(info.outShape)), info.outShape), input: xt, output: y },
              { filterSize: [fh, fw], strides, pad },
            ) as tf.Tensor;
        });
      const [ref] = await onBackend('cpu', call);
      const [got] = await onBackend('wasm', call);
      const err = relativeError(got as Float32Array, ref as Float32Array);
      assert.ok(
        err < TOLERANCE,
        `case ${i} x=[${xShape}] pool=[${fh},${fw}] s=[${strides}] ${pad}${tied ? ' tied' : ''}: relative error ${err.toExponential(2)}`,
      );
    }
  });
  PoolGrad.run();

  const SegmentSum = kernelSetSuite('UnsortedSegmentSum (wasm)', set);
  SegmentSum('matches the CPU backend, dropping ids outside [0, numSegments)', async () => {
    const rng = new SeededRandom(31);
    for (let i = 0; i < 12; i++) {
      const n = rng.int(1, 20);
      const inner = [rng.int(1, 4), rng.int(1, 3)];
      const numSegments = rng.int(1, 8);
      const ids = Int32Array.from({ length: n }, () => rng.int(-1, numSegments));
      await compareKernel(
        'UnsortedSegmentSum',
        {
          x: { data: randomArray(rng, n * size(inner)), shape: [n, ...inner] },
          segmentIds: { data: ids, shape: [n], dtype: 'int32' },
        },
        { numSegments },
        `case ${i}`,
      );
    }
  });
  SegmentSum.run();

  /** Gradients of a scalar loss through a whole op, on wasm vs the CPU backend. */
  async function compareGradients(
    label: string,
    inputs: { data: Float32Array; shape: number[] }[],
    f: (...xs: tf.Tensor[]) => tf.Tensor,
  ) {
    const grads = () => {
      const xs = inputs.map((v) => tf.tensor(v.data, v.shape));
      return tf.grads((...args: tf.Tensor[]) => f(...args))(xs);
    };
    const ref = await onBackend('cpu', grads);
    const got = await onBackend('wasm', grads);
    ref.forEach((r, k) => {
      const err = relativeError(got[k] as Float32Array, r);
      assert.ok(err < TOLERANCE, `${label}: gradient ${k} relative error ${err.toExponential(2)}`);
    });
  }

  const Gradients = kernelSetSuite('gradients through ops on wasm', set);
  Gradients('conv2d: dx and dW match the CPU backend (strides 1-2, same/valid)', async () => {
    const rng = new SeededRandom(41);
    for (let i = 0; i < 12; i++) {
      const k = rng.int(1, 3);
      const xShape = [rng.int(1, 3), rng.int(k, 10), rng.int(k, 10), rng.int(1, 4)];
      const wShape = [k, k, xShape[3] as number, rng.int(1, 5)];
      const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const pad = rng.bernoulli(0.5) ? ('same' as const) : ('valid' as const);
      const weights = randomArray(rng, 4096);
      await compareGradients(
        `conv2d case ${i}`,
        [
          { data: randomArray(rng, size(xShape)), shape: xShape },
          { data: randomArray(rng, size(wShape)), shape: wShape },
        ],
        (x, w) => {
          const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
          return tf.sum(tf.mul(y, tf.tensor(weights.subarray(0, y.size), y.shape)));
        },
      );
    }
  });
  Gradients("conv1d (the IMU encoder's op): dx and dW match the CPU backend", async () => {
    const rng = new SeededRandom(42);
    for (const [stride, pad] of [
      [1, 'same'],
      [2, 'same'],
      [1, 'valid'],
      [2, 'valid'],
    ] as const) {
      const weights = randomArray(rng, 4096);
      await compareGradients(
        `conv1d stride ${stride} ${pad}`,
        [
          { data: randomArray(rng, 2 * 40 * 6), shape: [2, 40, 6] },
          { data: randomArray(rng, 5 * 6 * 8), shape: [5, 6, 8] },
        ],
        (x, w) => {
          const y = tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, stride, pad);
          return tf.sum(tf.mul(y, tf.tensor(weights.subarray(0, y.size), y.shape)));
        },
      );
    }
  });
  Gradients('depthwise and separable conv2d: all gradients match the CPU backend', async () => {
    const rng = new SeededRandom(43);
    for (let i = 0; i < 8; i++) {
      const strides: [number, number] = [rng.int(1, 2), rng.int(1, 2)];
      const pad = rng.bernoulli(0.5) ? ('same' as const) : ('valid' as const);
      const mult = rng.int(1, 2);
      const weights = randomArray(rng, 4096);
      const x = { data: randomArray(rng, 2 * 9 * 8 * 3), shape: [2, 9, 8, 3] };
      const dw = { data: randomArray(rng, 3 * 3 * 3 * mult), shape: [3, 3, 3, mult] };
      const pw = { data: randomArray(rng, 3 * mult * 4), shape: [1, 1, 3 * mult, 4] };
      await compareGradients(`depthwise case ${i}`, [x, dw], (a, b) => {
        const y = tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
        return tf.sum(tf.mul(y, tf.tensor(weights.subarray(0, y.size), y.shape)));
      });
      await compareGradients(`separable case ${i}`, [x, dw, pw], (a, b, c) => {
        const y = tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, strides, pad);
        return tf.sum(tf.mul(y, tf.tensor(weights.subarray(0, y.size), y.shape)));
      });
    }
  });
  Gradients('gather: the gradient (an UnsortedSegmentSum) matches the CPU backend', async () => {
    const rng = new SeededRandom(44);
    const indices = Int32Array.from({ length: 15 }, () => rng.int(0, 9));
    const weights = randomArray(rng, 15 * 4);
    await compareGradients('gather', [{ data: randomArray(rng, 10 * 4), shape: [10, 4] }], (table) => {
      const y = tf.gather(table as tf.Tensor2D, tf.tensor1d(indices, 'int32'));
      return tf.sum(tf.mul(y, tf.tensor(weights, y.shape)));
    });
  });
  Gradients.run();
}
