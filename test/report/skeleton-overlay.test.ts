import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { whiteCanvas } from '../../src/report/canvas-primitives.ts';
import {
  boneSideColour,
  drawSkeletonOverlay,
  jointSideColour,
  SKELETON_SIDE_COLOURS,
} from '../../src/report/skeleton-overlay.ts';
import { countPixels, decodePng, near, rgbAt } from '../helpers/png-pixels.ts';

const Colours = suite('skeleton side colours');
Colours("a joint takes its side's colour; a bone its joints' side, or the middle's where they differ", () => {
  assert.is(jointSideColour('coco17', 0), SKELETON_SIDE_COLOURS.middle);
  assert.is(jointSideColour('coco17', 9), SKELETON_SIDE_COLOURS.left);
  assert.is(jointSideColour('kinect20', 10), SKELETON_SIDE_COLOURS.right);
  assert.is(boneSideColour('coco17', 7, 9), SKELETON_SIDE_COLOURS.left);
  assert.is(boneSideColour('coco17', 8, 10), SKELETON_SIDE_COLOURS.right);
  assert.is(boneSideColour('coco17', 5, 6), SKELETON_SIDE_COLOURS.middle);
  assert.is(boneSideColour('coco17', 0, 1), SKELETON_SIDE_COLOURS.middle);
});
Colours.run();

const Draw = suite('drawSkeletonOverlay');
/** COCO-17 joints on a 40 px grid inside a 200 x 200 cell at (20, 20); the left wrist (9) far outside it. */
const at = (j: number): [number, number] => (j === 9 ? [400, 400] : [30 + (j % 4) * 40, 30 + Math.floor(j / 4) * 40]);
Draw('draws bones and dots where told, clipped to the cell, and leaves out joints without a place', async () => {
  const { canvas, ctx } = whiteCanvas(460, 460);
  drawSkeletonOverlay(
    ctx,
    'coco17',
    { x: 20, y: 20, width: 200, height: 200 },
    {
      at: (j) => (j === 16 ? undefined : at(j)),
      bone: (a, b) => ({ colour: boneSideColour('coco17', a, b), width: 3 }),
      joint: (j) => ({ colour: '#00ff00', radius: 4 + (j === 0 ? 2 : 0) }),
    },
  );
  const img = await decodePng(await canvas.encode('png'));
  for (let j = 0; j < 16; j++) {
    if (j === 9) continue;
    const [x, y] = at(j);
    assert.equal(rgbAt(img, x, y), [0, 255, 0], `joint ${j}`);
  }
  const [x16, y16] = at(16);
  assert.equal(rgbAt(img, x16, y16), [255, 255, 255], 'joint 16, without a place, is not drawn');
  const outside =
    countPixels(img, 0, 0, 460, 460, (rgb) => rgb.some((c) => c !== 255)) -
    countPixels(img, 20, 20, 220, 220, (rgb) => rgb.some((c) => c !== 255));
  assert.is(outside, 0, 'pixels drawn outside the cell');
  assert.ok(
    countPixels(img, 20, 20, 220, 220, near(SKELETON_SIDE_COLOURS.left)) > 20,
    'left bones (elbow to the clipped wrist) drawn',
  );
  assert.ok(countPixels(img, 20, 20, 220, 220, near(SKELETON_SIDE_COLOURS.middle)) > 20, 'middle bones drawn');
});
Draw('leaves the context as it found it', () => {
  const { ctx } = whiteCanvas(50, 50);
  ctx.lineWidth = 7;
  ctx.globalAlpha = 0.5;
  const before = [ctx.lineWidth, ctx.globalAlpha, ctx.lineCap, ctx.getLineDash()];
  drawSkeletonOverlay(
    ctx,
    'kinect20',
    { x: 0, y: 0, width: 50, height: 50 },
    {
      lineCap: 'round',
      at: (j) => [j * 2, j * 2],
      bone: () => ({ colour: '#ff0000', width: 2, alpha: 0.3, dash: [2, 2] }),
      joint: () => ({ colour: '#0000ff', radius: 1 }),
    },
  );
  assert.equal([ctx.lineWidth, ctx.globalAlpha, ctx.lineCap, ctx.getLineDash()], before);
});
Draw.run();
