import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DecodedFrames } from '../../src/core/stream.ts';
import {
  FrameDifferenceStream,
  frameDifferences,
  selectKeyFrames,
  type KeyFrameOptions,
} from '../../src/video/keyframes.ts';

const [H, W, C] = [32, 48, 3] as const;
const BACKGROUND = 40;
const MARK = 200;

/** A still grey clip where a bright square of `side` pixels appears at each given frame (and stays). */
function clipWithMarks(n: number, marks: { frame: number; side: number; row: number; col: number }[]): DecodedFrames {
  const frames = new Uint8Array(n * H * W * C).fill(BACKGROUND);
  for (let i = 0; i < n; i++) {
    for (const m of marks.filter((mark) => mark.frame <= i)) {
      for (let r = m.row; r < m.row + m.side; r++)
        frames.fill(MARK, ((i * H + r) * W + m.col) * C, ((i * H + r) * W + m.col + m.side) * C);
    }
  }
  return { frames, height: H, width: W, channels: C };
}

/** D for a square of `side` pixels appearing on the background. */
const jump = (side: number) => Math.sqrt((side * side * C * (MARK - BACKGROUND) ** 2) / (H * W * C));

// Frame 5: small mark (D_4 = 16.3), frame 12: large (D_11 = 40.8), frame 16: medium (D_15 = 24.5).
const CLIP = clipWithMarks(20, [
  { frame: 5, side: 4, row: 2, col: 2 },
  { frame: 12, side: 10, row: 15, col: 20 },
  { frame: 16, side: 6, row: 3, col: 36 },
]);
const select = (o: Partial<KeyFrameOptions> & Pick<KeyFrameOptions, 'threshold'>) =>
  selectKeyFrames(CLIP, { count: 4, fill: 'pad', ...o });

const Differences = suite('frameDifferences');

Differences('is the L2 norm of the change over sqrt(H W C), zero where nothing moves', () => {
  const d = frameDifferences(CLIP);
  assert.is(d.length, 19);
  const expected = Array.from({ length: 19 }, (_, i) =>
    i === 4 ? jump(4) : i === 11 ? jump(10) : i === 15 ? jump(6) : 0,
  );
  d.forEach((v, i) =>
    assert.ok(Math.abs(v - (expected[i] as number)) < 1e-4, `D_${i} = ${v}, expected ${expected[i]}`),
  );
});

Differences('matches a plain per-value loop on busy frames, grey and RGB alike', () => {
  const n = 5;
  const busy = Uint8Array.from({ length: n * 7 * 9 * 3 }, (_, k) => (k * 37 + ((k * k) >> 3)) & 255);
  const d = frameDifferences({ frames: busy, height: 7, width: 9, channels: 3 });
  for (let i = 0; i < n - 1; i++) {
    let sum = 0;
    for (let k = 0; k < 7 * 9 * 3; k++)
      sum += ((busy[(i + 1) * 189 + k] as number) - (busy[i * 189 + k] as number)) ** 2;
    assert.ok(Math.abs((d[i] as number) - Math.sqrt(sum / 189)) < 1e-3);
  }
  // A grey clip and its RGB copy (each value three times) give the same D.
  const grey = Uint8Array.from({ length: n * 6 * 4 }, (_, k) => (k * 53) & 255);
  const rgb = Uint8Array.from({ length: grey.length * 3 }, (_, k) => grey[Math.floor(k / 3)] as number);
  assert.equal(
    Array.from(frameDifferences({ frames: grey, height: 6, width: 4, channels: 1 })),
    Array.from(frameDifferences({ frames: rgb, height: 6, width: 4, channels: 3 })),
  );
});

Differences('does not depend on the frame size for the same relative motion', () => {
  const small = { frames: new Uint8Array(2 * 8 * 8), height: 8, width: 8, channels: 1 as const };
  const large = { frames: new Uint8Array(2 * 32 * 32), height: 32, width: 32, channels: 1 as const };
  small.frames.fill(255, 64, 64 + 16); // a quarter of the second frame lights up
  large.frames.fill(255, 1024, 1024 + 256);
  assert.is(frameDifferences(small)[0], frameDifferences(large)[0]);
});

Differences('is exact on large frames at the largest change (no integer overflow in the partial sums)', () => {
  const size = 112 * 112 * 3;
  const frames = new Uint8Array(3 * size);
  frames.fill(255, size, 2 * size); // black, white, black
  frames[2 * size + 5] = 1;
  const d = frameDifferences({ frames, height: 112, width: 112, channels: 3 });
  assert.is(d[0], 255);
  assert.is(d[1], Math.fround(Math.sqrt((255 * 255 * (size - 1) + 254 * 254) / size)));
});

Differences(
  'FrameDifferenceStream, fed frame by frame, gives frameDifferences exactly; selectKeyFrames takes its values',
  () => {
    const stream = new FrameDifferenceStream();
    const frameSize = H * W * C;
    for (let i = 0; i < 20; i++) stream.push(CLIP.frames.slice(i * frameSize, (i + 1) * frameSize));
    assert.equal(Array.from(stream.differences()), Array.from(frameDifferences(CLIP)));
    const options: KeyFrameOptions = { threshold: { kind: 'adaptive', k: 0.5 }, count: 4, fill: 'sample' };
    assert.equal(selectKeyFrames(CLIP, options, stream.differences()), selectKeyFrames(CLIP, options));
    assert.throws(
      () => selectKeyFrames(CLIP, options, new Float32Array(3)),
      /3 differences given for 20 frames \(expected 19\)/,
    );
    assert.throws(() => stream.push(new Uint8Array(7)), /a frame of 7 bytes after one of 4608/);
  },
);

Differences('names a bad frame buffer', () => {
  assert.throws(
    () => frameDifferences({ frames: new Uint8Array(10), height: 2, width: 2, channels: 3 }),
    /frameDifferences\(\): 10 bytes are not whole 2x2x3 frames/,
  );
});

Differences.run();

const Thresholds = suite('selectKeyFrames thresholds');

Thresholds('fixed: frame 0 and each frame whose D exceeds the value', () => {
  const low = select({ threshold: { kind: 'fixed', value: 10 } });
  assert.equal(low.indices, [0, 5, 12, 16]);
  assert.is(low.threshold, 10);
  assert.equal(select({ threshold: { kind: 'fixed', value: 20 } }).indices, [0, 12, 16, 16]);
});

Thresholds('adaptive: mean + k std of this clip D', () => {
  const d = Array.from(frameDifferences(CLIP));
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  const one = select({ threshold: { kind: 'adaptive', k: 1 } });
  assert.ok(Math.abs(one.threshold - (mean + std)) < 1e-4, `T = ${one.threshold}`);
  assert.equal(one.indices, [0, 5, 12, 16]); // T = 15.0
  const two = select({ threshold: { kind: 'adaptive', k: 2 } });
  assert.ok(Math.abs(two.threshold - (mean + 2 * std)) < 1e-4);
  assert.equal(two.indices, [0, 12, 12, 12]); // T = 25.7: only the large mark
});

Thresholds('adaptive: the threshold comes from the clip alone, so a busier clip sets a higher one', () => {
  const calm = selectKeyFrames(CLIP, { threshold: { kind: 'adaptive', k: 1 }, count: 4, fill: 'pad' });
  const busier = clipWithMarks(20, [
    { frame: 3, side: 12, row: 1, col: 1 },
    { frame: 9, side: 12, row: 16, col: 30 },
    { frame: 14, side: 12, row: 18, col: 2 },
  ]);
  const other = selectKeyFrames(busier, { threshold: { kind: 'adaptive', k: 1 }, count: 4, fill: 'pad' });
  assert.ok(other.threshold > calm.threshold);
  assert.equal(other.indices, [0, 3, 9, 14]);
  // The first clip's result does not change for having run the other one.
  assert.equal(selectKeyFrames(CLIP, { threshold: { kind: 'adaptive', k: 1 }, count: 4, fill: 'pad' }), calm);
});

Thresholds('top: the frames with the largest D; the threshold is the smallest kept D', () => {
  const two = select({ threshold: { kind: 'top', count: 2 }, count: 3 });
  assert.equal(two.indices, [0, 12, 16]);
  assert.ok(Math.abs(two.threshold - jump(6)) < 1e-4);
  assert.equal(select({ threshold: { kind: 'top', count: 3 }, count: 3 }).indices, [5, 12, 16]);
});

Thresholds('names a bad threshold', () => {
  assert.throws(
    () => select({ threshold: { kind: 'top', count: 0 } }),
    /selectKeyFrames\(\): threshold.count must be a whole number >= 1, got 0/,
  );
  assert.throws(
    () => select({ threshold: { kind: 'fixed', value: Number.NaN } }),
    /threshold.value must be a finite number/,
  );
  assert.throws(
    () => select({ threshold: { kind: 'median' } as never }),
    /threshold.kind must be 'fixed', 'adaptive' or 'top', got 'median'/,
  );
});

Thresholds.run();

const Count = suite('selectKeyFrames count and fill');

Count('more key frames than count keeps the largest D (frame 0 first to go), in time order', () => {
  assert.equal(select({ threshold: { kind: 'fixed', value: 1 }, count: 3 }).indices, [5, 12, 16]);
  assert.equal(select({ threshold: { kind: 'fixed', value: 1 }, count: 2 }).indices, [12, 16]);
  assert.equal(select({ threshold: { kind: 'fixed', value: 1 }, count: 1 }).indices, [12]);
});

Count('ties in D go to the earlier frame', () => {
  const tied = clipWithMarks(20, [
    { frame: 3, side: 5, row: 1, col: 1 },
    { frame: 8, side: 5, row: 20, col: 30 },
    { frame: 14, side: 9, row: 12, col: 12 },
  ]);
  assert.equal(
    selectKeyFrames(tied, { threshold: { kind: 'fixed', value: 1 }, count: 2, fill: 'pad' }).indices,
    [3, 14],
  );
  assert.equal(selectKeyFrames(tied, { threshold: { kind: 'top', count: 2 }, count: 2, fill: 'pad' }).indices, [3, 14]);
});

Count("fill 'pad' repeats the last chosen frame", () => {
  assert.equal(select({ threshold: { kind: 'fixed', value: 20 }, count: 5, fill: 'pad' }).indices, [0, 12, 16, 16, 16]);
});

Count("fill 'sample' adds evenly spaced frames not chosen yet", () => {
  const { indices } = select({ threshold: { kind: 'fixed', value: 20 }, count: 5, fill: 'sample' });
  assert.equal(indices, [0, 5, 12, 14, 16]);
  const many = select({ threshold: { kind: 'fixed', value: 20 }, count: 12, fill: 'sample' }).indices;
  assert.is(new Set(many).size, 12);
  assert.ok([0, 12, 16].every((k) => many.includes(k)));
  assert.equal(
    many,
    [...many].sort((a, b) => a - b),
  );
});

Count('a count larger than the clip gives every frame (sample) or repeats the last (pad)', () => {
  const sampled = select({ threshold: { kind: 'fixed', value: 20 }, count: 25, fill: 'sample' }).indices;
  assert.is(sampled.length, 25);
  assert.equal(
    [...new Set(sampled)],
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.equal(
    sampled,
    [...sampled].sort((a, b) => a - b),
  );
  const padded = select({ threshold: { kind: 'fixed', value: 20 }, count: 25, fill: 'pad' }).indices;
  assert.equal(padded, [0, 12, ...new Array<number>(23).fill(16)]);
});

Count('a clip of one frame gives that frame count times', () => {
  const one = clipWithMarks(1, []);
  for (const fill of ['pad', 'sample'] as const) {
    const s = selectKeyFrames(one, { threshold: { kind: 'adaptive', k: 1 }, count: 4, fill });
    assert.equal(s.indices, [0, 0, 0, 0]);
    assert.is(s.differences.length, 0);
    assert.ok(Number.isNaN(s.threshold));
  }
  assert.is(selectKeyFrames(one, { threshold: { kind: 'fixed', value: 3 }, count: 2, fill: 'pad' }).threshold, 3);
});

Count('is deterministic and leaves the frames untouched', () => {
  const before = CLIP.frames.slice();
  const options: KeyFrameOptions = { threshold: { kind: 'adaptive', k: 0.5 }, count: 6, fill: 'sample' };
  assert.equal(selectKeyFrames(CLIP, options), selectKeyFrames(CLIP, options));
  assert.equal(CLIP.frames, before);
});

Count('names a bad count, fill or empty clip', () => {
  assert.throws(
    () => select({ threshold: { kind: 'fixed', value: 1 }, count: 0 }),
    /selectKeyFrames\(\): count must be a whole number >= 1, got 0/,
  );
  assert.throws(
    () => select({ threshold: { kind: 'fixed', value: 1 }, fill: 'repeat' as never }),
    /fill must be 'pad' or 'sample', got 'repeat'/,
  );
  assert.throws(
    () =>
      selectKeyFrames(
        { frames: new Uint8Array(0), height: 2, width: 2, channels: 1 },
        { threshold: { kind: 'fixed', value: 1 }, count: 1, fill: 'pad' },
      ),
    /holds no frame/,
  );
});

Count.run();
