import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { heatColour, renderGradCamStrip } from '../../src/report/grad-cam-strip.ts';
import { decodePng, rgbAt } from '../helpers/png-pixels.ts';

const Strip = suite('renderGradCamStrip');

Strip('heat colours: blue at 0, cyan, yellow, red at 1', () => {
  assert.equal(heatColour(0), [0, 0, 255]);
  assert.equal(heatColour(0.5), [128, 255, 128], 'half-way between cyan and yellow');
  assert.equal(heatColour(1), [255, 0, 0]);
  assert.equal(heatColour(7), [255, 0, 0], 'clamped');
});

Strip('draws the key frames bare, then each map over them, hot cells red and cold ones unchanged', async () => {
  // Two 8 px grey frames (128), zoom 4: each cell 32 px. The map is 1 in frame 1's top-left pixel,
  // 0 elsewhere. Layout: columns from x = 8 + 150, rows from y = 8 + 24, 32 + 4 px apart.
  const maps = new Float32Array(2 * 64);
  maps[64] = 1;
  const png = await renderGradCamStrip({
    title: 'S01-jump-t01: jump, predicted hop',
    frames: new Uint8Array(2 * 8 * 8 * 3).fill(128),
    count: 2,
    size: 8,
    scale: 4,
    rows: [{ label: 'key frames' }, { label: 'Grad-CAM for hop', maps }],
    columnNotes: ['attention 0.40', 'attention 0.60'],
  });
  const img = await decodePng(png);
  assert.is(img.width, 8 * 2 + 150 + 2 * 32 + 4);
  assert.is(img.height, 8 * 2 + 24 + 2 * 36 + 16);
  const frame1 = 158 + 36;
  // Alpha 0.6 at 1: 0.4 x 128 + 0.6 x (255, 0, 0).
  assert.equal(rgbAt(img, frame1 + 1, 32 + 36 + 1), [204, 51, 51], 'hot pixel of the map row');
  assert.equal(rgbAt(img, frame1 + 20, 32 + 36 + 20), [128, 128, 128], 'a cold pixel keeps the frame');
  assert.equal(rgbAt(img, 158 + 1, 32 + 36 + 1), [128, 128, 128], 'frame 0 has no heat');
  assert.equal(rgbAt(img, frame1 + 1, 32 + 1), [128, 128, 128], 'the bare row is the frame');
});

Strip('names a wrong size', async () => {
  try {
    await renderGradCamStrip({ title: '', frames: new Uint8Array(10), count: 2, size: 8, rows: [] });
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /renderGradCamStrip\(\): frames must be 2 x 8 x 8 x 3, got 10/);
  }
});

Strip.run();
