import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DecodedClip } from '../../src/video/decode-clip.ts';
import type { VideoProbe } from '../../src/video/probe-video.ts';
import { KEYFRAME_PLOT_COLOURS, renderKeyFramePlot } from '../../src/report/keyframe-plot.ts';
import { countPixels, decodePng, near, type Pixels } from '../helpers/png-pixels.ts';

/** A 20-frame clip at 10 fps (t 0 to 1.9 s); the plot only reads its times, indices and frame size. */
const n = 20;
const timestamps = Float64Array.from({ length: n }, (_, i) => i / 10);
const probe = {
  path: 'clip.mp4',
  width: 64,
  height: 48,
  fps: 10,
  frameCount: n,
  duration: 2,
  timestamps,
  codec: 'h264',
} satisfies VideoProbe;
const clip: DecodedClip = {
  frames: { frames: new Uint8Array(n * 8 * 8 * 3), height: 8, width: 8, channels: 3 },
  timestamps,
  indices: Array.from({ length: n }, (_, i) => i),
  fps: 10,
  sourceWidth: 64,
  sourceHeight: 48,
  probe,
};
/** D_i up to 20, so the y axis runs to 25 (ticks of 5 over 20 x 1.05). */
const differences = Float32Array.from({ length: n - 1 }, (_, i) => (i === 4 || i === 11 ? 20 : 2 + (i % 3)));
const labels = { title: 'clip.mp4', threshold: 'fixed threshold T = 10' };
/** The plot area: 72 px left, 24 right, 64 top, 56 bottom of the 1100 x 460 image. */
const AREA = { x: 72, y: 64, width: 1004, height: 340 };
/** The threshold's red (#d62728), also where a line between pixel rows blends it with white; not the key frames' orange (G well above B). */
const reddish = ([r, g, b]: number[]) =>
  (r as number) - (g as number) > 60 && Math.abs((g as number) - (b as number)) < 30;
/** Rows of the plot area with a reddish pixel. */
const redRows = (img: Pixels) => {
  const rows: number[] = [];
  for (let y = AREA.y + 1; y < AREA.y + AREA.height - 1; y++)
    if (countPixels(img, AREA.x + 1, y, AREA.x + AREA.width - 1, y + 1, reddish) > 0) rows.push(y);
  return rows;
};

const Plot = suite('renderKeyFramePlot');
Plot('D_i, the threshold and the key frames, each where its value puts it, in a 1100 x 460 PNG', async () => {
  const img = await decodePng(
    await renderKeyFramePlot(clip, { indices: [0, 5, 12], differences, threshold: 10 }, labels),
  );
  assert.equal([img.width, img.height], [1100, 460]);
  const threshold = redRows(img);
  const y10 = AREA.y + AREA.height - (10 / 25) * AREA.height;
  assert.ok(
    threshold.length > 0 &&
      threshold.every((y) => Math.abs(y - y10) <= 1.5) &&
      countPixels(img, AREA.x, y10 - 1, AREA.x + AREA.width, y10 + 1, reddish) > 400,
    `threshold rows ${threshold.join(', ')}, expected ${y10}`,
  );
  assert.ok(
    countPixels(img, AREA.x, AREA.y, AREA.x + AREA.width, AREA.y + AREA.height, near(KEYFRAME_PLOT_COLOURS.d)) > 500,
    'the D_i curve',
  );
  for (const index of [0, 5, 12]) {
    const x = Math.round(AREA.x + ((timestamps[index] as number) / 1.9) * AREA.width);
    const orange = countPixels(img, x, AREA.y + 1, x + 1, AREA.y + AREA.height - 1, near(KEYFRAME_PLOT_COLOURS.key));
    assert.ok(orange > 200, `key frame ${index}: ${orange} orange pixels in column ${x}`);
  }
  const title = countPixels(img, 0, 0, img.width, 48, (rgb) => Math.max(...rgb) < 110);
  assert.ok(title > 300, `${title} dark pixels in the title and subtitle`);
});
Plot('without a threshold (NaN: nothing to set it from) no threshold line is drawn', async () => {
  const img = await decodePng(
    await renderKeyFramePlot(clip, { indices: [0, 4, 11], differences, threshold: Number.NaN }, labels),
  );
  assert.equal(redRows(img), []);
});
Plot.run();
