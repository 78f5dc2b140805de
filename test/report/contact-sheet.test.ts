import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sample } from '../../src/core/sample.ts';
import type { VideoStream } from '../../src/core/stream.ts';
import { generateSubject, generateTake, SYNTHETIC_DEFAULTS } from '../../src/data/synthetic/synthetic-take.ts';
import { contactSheetLayout, renderContactSheet, type ContactSheetCell } from '../../src/report/contact-sheet.ts';
import { countPixels, decodePng, isDark, rgbAt } from '../helpers/png-pixels.ts';
import { rejects } from '../helpers/rejects.ts';

/** The contact sheet of a real synthetic take, decoded back to pixels. */
const options = { ...SYNTHETIC_DEFAULTS, duration: 1 };
const trial = generateTake(options, generateSubject(options, 0), 'jump', 0);
const video = trial.streams.find((s) => s.kind === 'video') as VideoStream & {
  decoded: NonNullable<VideoStream['decoded']>;
};

const Sheet = suite('renderContactSheet');
Sheet(
  "picks frames evenly, first and last included, in a grid of scaled cells; the PNG has the layout's size",
  async () => {
    const layout = contactSheetLayout(trial, { columns: 3, frames: 6, scale: 2 });
    assert.equal(
      layout.cells.map((c) => c.frame),
      [0, 6, 12, 17, 23, 29],
    );
    assert.equal([...new Set(layout.cells.map((c) => c.x))].length, 3);
    assert.equal([...new Set(layout.cells.map((c) => c.y))].length, 2);
    for (const c of layout.cells) assert.equal([c.width, c.height], [224, 224]);
    const img = await decodePng(await renderContactSheet(trial, { columns: 3, frames: 6, scale: 2, pose: false }));
    assert.equal([img.width, img.height], [layout.width, layout.height]);
    assert.ok(layout.width >= 3 * 224 && layout.width < 3 * 224 + 80, `width ${layout.width}`);

    const defaults = contactSheetLayout(trial);
    assert.is(defaults.cells.length, 12);
    assert.equal([...new Set(defaults.cells.map((c) => c.x))].length, 4);
    assert.equal([defaults.cells[0]?.frame, defaults.cells[11]?.frame, defaults.cells[0]?.width], [0, 29, 224]);
  },
);
Sheet("each cell holds its frame's pixels exactly, each repeated scale x scale times", async () => {
  const scale = 3;
  const layout = contactSheetLayout(trial, { frames: 4, scale });
  const img = await decodePng(await renderContactSheet(trial, { frames: 4, scale, pose: false }));
  const { frames, width, height } = video.decoded;
  for (const cell of [layout.cells[1], layout.cells[3]] as ContactSheetCell[]) {
    const middle = rgbAt(img, cell.x + cell.width / 2, cell.y + cell.height / 2);
    const src = ((cell.frame * height + height / 2) * width + width / 2) * 3;
    assert.equal(middle, Array.from(frames.subarray(src, src + 3)), `frame ${cell.frame}, middle pixel`);
    let wrong = 0;
    for (let y = 0; y < cell.height; y++) {
      for (let x = 0; x < cell.width; x++) {
        const s = ((cell.frame * height + Math.floor(y / scale)) * width + Math.floor(x / scale)) * 3;
        const got = rgbAt(img, cell.x + x, cell.y + y);
        if (got[0] !== frames[s] || got[1] !== frames[s + 1] || got[2] !== frames[s + 2]) wrong++;
      }
    }
    assert.is(wrong, 0, `frame ${cell.frame}: pixels that differ from the frame`);
  }
});
Sheet('the title and every caption are drawn as dark text on white', async () => {
  const layout = contactSheetLayout(trial, { columns: 2, frames: 4 });
  const img = await decodePng(await renderContactSheet(trial, { columns: 2, frames: 4 }));
  const first = layout.cells[0] as ContactSheetCell;
  const title = countPixels(img, 0, 0, img.width, first.y, isDark);
  assert.ok(title > 150, `${title} dark pixels in the title band`);
  layout.cells.forEach((cell, k) => {
    const below = layout.cells[k + 2]?.y ?? img.height;
    const caption = countPixels(img, cell.x, cell.y + cell.height, cell.x + cell.width, below, isDark);
    assert.ok(caption > 80, `${caption} dark pixels under cell ${k}`);
  });
  // The gutter between the two columns stays white.
  const gutter = countPixels(
    img,
    first.x + first.width + 1,
    first.y,
    (layout.cells[1] as ContactSheetCell).x - 1,
    first.y + first.height,
    (rgb) => rgb.some((c) => c !== 255),
  );
  assert.is(gutter, 0);
});
Sheet("the pose overlay marks confident keypoints of the cell's frame and stays inside the cells", async () => {
  const layout = contactSheetLayout(trial, { frames: 4 });
  const plain = await decodePng(await renderContactSheet(trial, { frames: 4, pose: false }));
  const posed = await decodePng(await renderContactSheet(trial, { frames: 4 }));
  const pose = trial.streams.find((s) => s.kind === 'pose');
  assert.ok(pose !== undefined && pose.kind === 'pose' && pose.score !== undefined);
  let marked = 0;
  for (const cell of layout.cells) {
    for (let j = 0; j < 17; j++) {
      if ((pose.score[cell.frame * 17 + j] as number) < 0.3) continue;
      const x = Math.floor(cell.x + (pose.data[(cell.frame * 17 + j) * 2] as number) * 2);
      const y = Math.floor(cell.y + (pose.data[(cell.frame * 17 + j) * 2 + 1] as number) * 2);
      assert.not.equal(rgbAt(posed, x, y), rgbAt(plain, x, y), `frame ${cell.frame}, keypoint ${j} at (${x}, ${y})`);
      marked++;
    }
  }
  assert.ok(marked > 40, `${marked} keypoints checked`);
  const insideACell = (x: number, y: number) =>
    layout.cells.some((c) => x >= c.x && x < c.x + c.width && y >= c.y && y < c.y + c.height);
  let outside = 0;
  for (let y = 0; y < plain.height; y++) {
    for (let x = 0; x < plain.width; x++) {
      if (!insideACell(x, y) && rgbAt(plain, x, y).some((c, i) => c !== rgbAt(posed, x, y)[i])) outside++;
    }
  }
  assert.is(outside, 0, 'pixels changed by the overlay outside the cells');
});
Sheet('a sample without decoded video, and bad options, are errors that say so', async () => {
  const imuOnly: Sample = { ...trial, streams: trial.streams.filter((s) => s.kind !== 'video') };
  await rejects(
    renderContactSheet(imuOnly),
    /renderContactSheet\(\): sample 'S01-jump-t01' has no decoded video stream/,
  );
  await rejects(
    renderContactSheet(trial, { columns: 0 }),
    /renderContactSheet\(\): columns must be an integer >= 1, got 0/,
  );
  await rejects(
    renderContactSheet(trial, { scale: 1.5 }),
    /renderContactSheet\(\): scale must be an integer >= 1, got 1.5/,
  );
  const noPose: Sample = { ...trial, streams: trial.streams.filter((s) => s.kind !== 'pose') };
  await rejects(renderContactSheet(noPose, { pose: true }), /pose: true needs a 2D COCO-17 pose stream/);
  await decodePng(await renderContactSheet(noPose, { frames: 1 }));
});
Sheet.run();
