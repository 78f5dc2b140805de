import { createCanvas } from '@napi-rs/canvas';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DecodedFrames } from '../../src/core/stream.ts';
import { framePng, putFrame, whiteCanvas } from '../../src/report/canvas-primitives.ts';
import { decodePng, rgbAt } from '../helpers/png-pixels.ts';

/** Two 3 x 2 frames whose every byte differs. */
const rgb: DecodedFrames = {
  frames: Uint8Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => (i * 7) % 256),
  height: 2,
  width: 3,
  channels: 3,
};

const Put = suite('putFrame');
Put("copies one frame's bytes, each pixel repeated scale x scale times, at its corner", async () => {
  const { canvas, ctx } = whiteCanvas(10, 8);
  putFrame(ctx, rgb, 1, 2, 1, 2);
  const img = await decodePng(await canvas.encode('png'));
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 6; x++) {
      const src = ((1 * 2 + Math.floor(y / 2)) * 3 + Math.floor(x / 2)) * 3;
      assert.equal(rgbAt(img, 2 + x, 1 + y), Array.from(rgb.frames.subarray(src, src + 3)), `(${x}, ${y})`);
    }
  }
  assert.equal(rgbAt(img, 1, 1), [255, 255, 255], 'left of the frame stays white');
  assert.equal(rgbAt(img, 8, 5), [255, 255, 255], 'right of the frame stays white');
});
Put('draws a grey frame as grey RGB', async () => {
  const grey: DecodedFrames = { frames: Uint8Array.of(0, 60, 120, 250), height: 2, width: 2, channels: 1 };
  const canvas = createCanvas(2, 2);
  putFrame(canvas.getContext('2d'), grey, 0, 0, 0);
  const img = await decodePng(await canvas.encode('png'));
  assert.equal(
    [rgbAt(img, 0, 0), rgbAt(img, 1, 0), rgbAt(img, 0, 1), rgbAt(img, 1, 1)],
    [
      [0, 0, 0],
      [60, 60, 60],
      [120, 120, 120],
      [250, 250, 250],
    ],
  );
});
Put.run();

const Png = suite('framePng');
Png('is one frame at its own size, exact bytes', async () => {
  const img = await decodePng(await framePng(rgb, 0));
  assert.equal([img.width, img.height], [3, 2]);
  assert.equal(rgbAt(img, 2, 1), Array.from(rgb.frames.subarray(15, 18)));
});
Png.run();
