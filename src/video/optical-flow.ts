import { createRequire } from 'node:module';

/**
 * Dense optical flow (Farneback, from OpenCV's own JavaScript/WASM build in
 * @techstark/opencv-js) between consecutive key frames: the motion stream of the two-stream
 * baseline. OpenCV loads asynchronously once (about 0.2 s); call `loadOpticalFlow()` first.
 */
interface CvMat {
  delete(): void;
  data32F: Float32Array;
}
interface OpenCv {
  Mat: new (...args: unknown[]) => CvMat;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): CvMat;
  calcOpticalFlowFarneback(
    prev: CvMat,
    next: CvMat,
    flow: CvMat,
    pyrScale: number,
    levels: number,
    winsize: number,
    iterations: number,
    polyN: number,
    polySigma: number,
    flags: number,
  ): void;
  CV_8UC1: number;
  onRuntimeInitialized?: () => void;
}

let cv: OpenCv | undefined;
let loading: Promise<void> | undefined;

export function loadOpticalFlow(): Promise<void> {
  loading ??= new Promise<void>((resolve) => {
    // The module is a "thenable" (Emscripten's): resolving a promise with it would adopt it again
    // and again, so it is never passed to resolve(), only kept.
    const mod = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv;
    const done = () => {
      cv = mod;
      resolve();
    };
    if (typeof mod.Mat === 'function') done();
    else mod.onRuntimeInitialized = done;
  });
  return loading;
}

/**
 * Flow between each pair of consecutive frames of `frames` ([count x size x size x 3] RGB):
 * [count - 1 x size x size x 2] (dx, dy in pixels), on grey levels, with Farneback's usual
 * parameters for small images (pyramid scale 0.5, 2 levels, 9 px window, 3 iterations).
 */
export function keyFrameFlows(frames: Uint8Array, count: number, size: number): Float32Array {
  if (cv === undefined) throw new Error('keyFrameFlows(): call and await loadOpticalFlow() first');
  const opencv = cv;
  const pixels = size * size;
  const out = new Float32Array(Math.max(0, count - 1) * pixels * 2);
  const grey = (k: number) => {
    const g = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) {
      const o = (k * pixels + p) * 3;
      g[p] = Math.round(
        0.299 * (frames[o] as number) + 0.587 * (frames[o + 1] as number) + 0.114 * (frames[o + 2] as number),
      );
    }
    return opencv.matFromArray(size, size, opencv.CV_8UC1, g);
  };
  let prev = grey(0);
  const flow = new opencv.Mat();
  try {
    for (let k = 1; k < count; k++) {
      const next = grey(k);
      opencv.calcOpticalFlowFarneback(prev, next, flow, 0.5, 2, 9, 3, 5, 1.1, 0);
      out.set(flow.data32F.subarray(0, pixels * 2), (k - 1) * pixels * 2);
      prev.delete();
      prev = next;
    }
  } finally {
    prev.delete();
    flow.delete();
  }
  return out;
}
