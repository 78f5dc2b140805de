import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DecodedFrames, VideoStream } from '../../src/core/stream.ts';
import { utdMhadDataset } from '../../src/data/utd-mhad/utd-mhad-dataset.ts';
import {
  accumulateDepthMotion,
  cropToContent,
  depthMotionMaps,
  resizeMap,
  type DepthMap,
} from '../../src/video/depth-motion-maps.ts';

/** Grey depth frames H x W from per-frame lists of [row, column, grey] readings; the rest 0 (no reading). */
function depthFrames(height: number, width: number, readings: [number, number, number][][]): DecodedFrames {
  const frames = new Uint8Array(readings.length * height * width);
  readings.forEach((list, k) => {
    for (const [y, x, g] of list) frames[k * height * width + y * width + x] = g;
  });
  return { frames, height, width, channels: 1 };
}

/** A 2 x 2 block at depth `g` with its top-left corner at (row, column). */
const block = (row: number, column: number, g: number): [number, number, number][] => [
  [row, column, g],
  [row, column + 1, g],
  [row + 1, column, g],
  [row + 1, column + 1, g],
];

/** The non-zero cells of a map as 'row,column=value'. */
function cells(map: DepthMap): string[] {
  const out: string[] = [];
  map.data.forEach((v, i) => {
    if (v !== 0) out.push(`${Math.floor(i / map.width)},${i % map.width}=${v}`);
  });
  return out;
}

// A block at depth 30 in a 4 x 5 frame moving one pixel right: columns 1-2, then 2-3.
const moving = depthFrames(4, 5, [block(1, 1, 30), block(1, 2, 30)]);

const Accumulate = suite('accumulateDepthMotion');
Accumulate('a block moving one pixel sideways: front, side and top maps worked by hand', () => {
  const { front, side, top } = accumulateDepthMotion(moving, { bin: 1 });
  // Front: column 1 lost its reading (30 -> 0), column 3 gained one (0 -> 30), column 2 kept 30.
  assert.equal([front.height, front.width], [4, 5]);
  assert.equal(cells(front), ['1,1=30', '1,3=30', '2,1=30', '2,3=30']);
  // Side (rows y, depth bins z): each of rows 1-2 at z 30 holds its right-most x + 1, 3 then 4.
  assert.equal([side.height, side.width], [4, 256]);
  assert.equal(cells(side), ['1,30=1', '2,30=1']);
  // Top (depth bins z, columns x): each column holds its lowest y + 1 = 3; column 1 loses it, 3 gains it.
  assert.equal([top.height, top.width], [256, 5]);
  assert.equal(cells(top), ['30,1=3', '30,3=3']);
});
Accumulate('a block moving nearer changes the front by the depth step and moves its side and top bins', () => {
  const { front, side, top } = accumulateDepthMotion(depthFrames(4, 5, [block(1, 1, 30), block(1, 1, 27)]), {
    bin: 1,
  });
  assert.equal(cells(front), ['1,1=3', '1,2=3', '2,1=3', '2,2=3']);
  // Side: x + 1 = 3 leaves z 30 and arrives at z 27, in rows 1 and 2.
  assert.equal(cells(side), ['1,27=3', '1,30=3', '2,27=3', '2,30=3']);
  // Top: y + 1 = 3 leaves row z 30 and arrives at z 27, in columns 1 and 2.
  assert.equal(cells(top), ['27,1=3', '27,2=3', '30,1=3', '30,2=3']);
});
Accumulate('sums over every pair of consecutive frames, back and forth', () => {
  const there = block(1, 1, 30);
  const { front } = accumulateDepthMotion(depthFrames(4, 5, [there, [], there, []]), { bin: 1 });
  // Three changes of 30 at each of the block's pixels.
  assert.equal(cells(front), ['1,1=90', '1,2=90', '2,1=90', '2,2=90']);
});
Accumulate('bins `bin` grey levels together on the depth axis (default 3)', () => {
  const { side, top } = accumulateDepthMotion(depthFrames(2, 2, [[[0, 0, 30]], [[0, 0, 32]], [[0, 0, 33]]]));
  // 256 levels in bins of 3: 86 bins; 30 and 32 share bin 10 (no change), 33 is bin 11.
  assert.is(side.width, 86);
  assert.is(top.height, 86);
  assert.equal(cells(side), ['0,10=1', '0,11=1']);
  assert.equal(cells(top), ['10,0=1', '11,0=1']);
});
Accumulate('0 (no reading) and 255 (the far limit or beyond) are not readings', () => {
  const maps = accumulateDepthMotion(depthFrames(2, 2, [[[0, 0, 255]], [], [[0, 0, 255]]]));
  for (const map of [maps.front, maps.side, maps.top]) assert.equal(cells(map), []);
  // A narrower range drops what is outside it the same way.
  const near = accumulateDepthMotion(
    depthFrames(2, 2, [
      [[0, 0, 100]],
      [
        [0, 0, 100],
        [1, 1, 50],
      ],
    ]),
    {
      near: 60,
      far: 200,
    },
  );
  assert.equal(cells(near.front), []);
});
Accumulate('one frame has no motion', () => {
  const { front, side, top } = accumulateDepthMotion(depthFrames(2, 2, [block(0, 0, 9)]));
  for (const map of [front, side, top]) assert.equal(cells(map), []);
});
Accumulate('names the bad argument', () => {
  const rgb: DecodedFrames = { frames: new Uint8Array(12), height: 2, width: 2, channels: 3 };
  assert.throws(() => accumulateDepthMotion(rgb), /accumulateDepthMotion\(\): video has 3 channels/);
  assert.throws(() => accumulateDepthMotion(moving, { bin: 0 }), /accumulateDepthMotion\(\): bin must be/);
  assert.throws(() => accumulateDepthMotion(moving, { near: 0 }), /accumulateDepthMotion\(\): near and far/);
});
Accumulate.run();

const Crop = suite('cropToContent');
Crop('keeps the bounding box of the non-zero values', () => {
  const { front } = accumulateDepthMotion(moving, { bin: 1 });
  const crop = cropToContent(front);
  assert.equal([crop.height, crop.width], [2, 3]);
  assert.equal(Array.from(crop.data), [30, 0, 30, 30, 0, 30]);
});
Crop('an empty map crops to 0 x 0', () => {
  const crop = cropToContent({ data: new Float32Array(6), height: 2, width: 3 });
  assert.equal([crop.height, crop.width, crop.data.length], [0, 0, 0]);
});
Crop.run();

const Resize = suite('resizeMap');
Resize('averages each output cell over the area it covers, then divides by the maximum', () => {
  // 4 x 4: top-left 2 x 2 all 4, bottom-right 2 x 2 all 2, with one 6 among them (mean 3).
  const data = Float32Array.from([4, 4, 0, 0, 4, 4, 0, 0, 0, 0, 2, 2, 0, 0, 2, 6]);
  assert.equal(Array.from(resizeMap({ data, height: 4, width: 4 }, 2)), [1, 0, 0, 0.75]);
});
Resize('an enlarged axis repeats its cells; the result is size x size', () => {
  const out = resizeMap({ data: Float32Array.from([2, 8]), height: 1, width: 2 }, 4);
  assert.is(out.length, 16);
  assert.equal(Array.from(out.subarray(0, 4)), [0.25, 0.25, 1, 1]);
  assert.equal(Array.from(out.subarray(12)), [0.25, 0.25, 1, 1]);
});
Resize('an empty map gives zeros', () => {
  assert.equal(Array.from(resizeMap({ data: new Float32Array(0), height: 0, width: 0 }, 2)), [0, 0, 0, 0]);
  assert.throws(() => resizeMap({ data: Float32Array.from([1]), height: 1, width: 1 }, 0), /resizeMap\(\): size/);
});
Resize.run();

const Maps = suite('depthMotionMaps');
Maps('front, side and top as the three channels of a [size, size, 3] image, each 0..1', () => {
  const out = depthMotionMaps(moving, 6, { bin: 1 });
  assert.is(out.length, 6 * 6 * 3);
  const channel = (c: number, row: number) => Array.from({ length: 6 }, (_, x) => out[(row * 6 + x) * 3 + c]);
  // Front crop [30 0 30] in both rows: each column two wide, each row three high.
  for (const row of [0, 2, 3, 5]) assert.equal(channel(0, row), [1, 1, 0, 0, 1, 1]);
  // Side crop: rows 1-2 at z 30 only, all 1.
  for (const row of [0, 5]) assert.equal(channel(1, row), [1, 1, 1, 1, 1, 1]);
  // Top crop: z 30 only, columns 1-3 [3 0 3].
  for (const row of [0, 5]) assert.equal(channel(2, row), [1, 1, 0, 0, 1, 1]);
});
Maps.run();

const dir = join(fileURLToPath(new URL('../../', import.meta.url)), '../shared/data/utd-mhad-s1-s4');
if (!existsSync(dir)) console.log(`depth motion maps on real data: skipped (${dir} absent)`);
else {
  const dataset = utdMhadDataset({ root: dir, modalities: ['depth'], subjects: [1] });
  const depthOf = async (id: string) => {
    const ref = (await dataset.list()).find((r) => r.id === id);
    if (ref === undefined) throw new Error(`no ${id} in ${dir}`);
    const stream = (await dataset.load(ref)).streams.find((s): s is VideoStream => s.kind === 'video');
    return stream?.decoded as DecodedFrames;
  };
  /** Share of the front map's energy above the middle row of the box where anything was ever read. */
  const upperShare = (video: DecodedFrames) => {
    const { front } = accumulateDepthMotion(video);
    const { frames, height, width } = video;
    let [y0, y1, x0, x1] = [height, -1, width, -1];
    frames.forEach((g, i) => {
      if (g === 0) return;
      const [y, x] = [Math.floor(i / width) % height, i % width];
      [y0, y1, x0, x1] = [Math.min(y0, y), Math.max(y1, y), Math.min(x0, x), Math.max(x1, x)];
    });
    let [total, inside, upper] = [0, 0, 0];
    front.data.forEach((e, i) => {
      const [y, x] = [Math.floor(i / width), i % width];
      total += e;
      if (y >= y0 && y <= y1 && x >= x0 && x <= x1) inside += e;
      if (y < (y0 + y1) / 2) upper += e;
    });
    return { total, inside, upper: upper / total, boxShare: ((y1 - y0 + 1) * (x1 - x0 + 1)) / (height * width) };
  };
  const Real = suite('depthMotionMaps on UTD-MHAD');
  Real('a real take gives three non-empty maps', async () => {
    const out = depthMotionMaps(await depthOf('a3_s1_t1'), 64);
    for (let c = 0; c < 3; c++) {
      let [max, nonZero] = [0, 0];
      for (let i = c; i < out.length; i += 3) {
        max = Math.max(max, out[i] as number);
        if ((out[i] as number) > 0) nonZero++;
      }
      assert.is(max, 1, `channel ${c}`);
      assert.ok(nonZero > 0.1 * 64 * 64, `channel ${c}: ${nonZero} cells moved`);
    }
  });
  Real(
    'the motion energy lies where the person is: arms in the upper body for wave, the lower body for stand2sit',
    async () => {
      const wave = upperShare(await depthOf('a3_s1_t1'));
      // The release removed the background: the person's box is a fifth of the frame and holds all motion.
      assert.ok(wave.boxShare < 0.3, `box ${wave.boxShare}`);
      assert.is(wave.inside, wave.total);
      // Measured 0.67 and 0.34.
      assert.ok(wave.upper > 0.6, `wave: upper share ${wave.upper}`);
      const sit = upperShare(await depthOf('a25_s1_t1'));
      assert.ok(sit.upper < 0.45, `stand2sit: upper share ${sit.upper}`);
    },
  );
  Real.run();
}
