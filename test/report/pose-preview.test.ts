import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VideoPose } from '../../src/pose/movenet-pose.ts';
import { renderPosePreview } from '../../src/report/pose-preview.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import { probeVideo } from '../../src/video/probe-video.ts';
import { countPixels, decodePng, isDark, rgbAt } from '../helpers/png-pixels.ts';

/**
 * The pose command's preview over the 340 x 256 clip in ../shared/data/video (skipped, saying so,
 * when it is absent), with made-up poses, so no model runs.
 */
const DEMO = join(fileURLToPath(new URL('../../../shared/data/video', import.meta.url)), 'demo_demo.mp4');
const present = existsSync(DEMO);
if (!present) console.log(`pose preview tests: skipped (no real clip: ${DEMO} is absent)`);

/** Keypoint j at (20 + 18 j, 40 + 10 j) in the video's pixels; the right ankle (16) unsure. */
const poseAt = (index: number): VideoPose => ({
  index,
  t: index / 28,
  keypoints: Float32Array.from({ length: 34 }, (_, i) => (i % 2 === 0 ? 20 + 18 * (i / 2) : 40 + 10 * ((i - 1) / 2))),
  scores: Float32Array.from({ length: 17 }, (_, j) => (j === 16 ? 0.1 : 0.95)),
});

const Preview = suite('renderPosePreview');
const test = present ? Preview : Preview.skip;
test("a row of evenly picked frames at the clip's size, each with its skeleton, sure points green, and a caption", async () => {
  const ffmpeg = (await locateFfmpeg()).path;
  const probe = await probeVideo(ffmpeg, DEMO);
  const poses = [0, 50, 100, 150, 200].map(poseAt);
  const img = await decodePng(await renderPosePreview(ffmpeg, DEMO, probe, poses, 3));
  // Three 340 x 256 cells in one row: margins 8, gaps 8, a 46 px title band and a 20 px caption.
  assert.equal([img.width, img.height], [8 + 3 * 340 + 2 * 8 + 8, 46 + 8 + 256 + 20 + 8]);
  for (let k = 0; k < 3; k++) {
    const x0 = 8 + k * (340 + 8);
    for (const j of [0, 5, 10]) {
      const [r, g, b] = rgbAt(img, Math.round(x0 + 20 + 18 * j), Math.round(54 + 40 + 10 * j)) as [
        number,
        number,
        number,
      ];
      assert.ok(
        g > 150 && g > r + 40 && g > b + 40,
        `cell ${k}, keypoint ${j}: rgb ${r}, ${g}, ${b} is not the green of a sure point`,
      );
    }
    const caption = countPixels(img, x0, 54 + 256, x0 + 340, img.height, isDark);
    assert.ok(caption > 80, `cell ${k}: ${caption} dark pixels in its caption`);
  }
  assert.ok(countPixels(img, 0, 0, img.width, 46, isDark) > 300, 'title and legend');
});
test('shows all frames when asked for more than were estimated', async () => {
  const ffmpeg = (await locateFfmpeg()).path;
  const probe = await probeVideo(ffmpeg, DEMO);
  const img = await decodePng(await renderPosePreview(ffmpeg, DEMO, probe, [poseAt(10), poseAt(20)], 6));
  assert.equal([img.width, img.height], [8 + 2 * 340 + 8 + 8, 46 + 8 + 256 + 20 + 8]);
});
Preview.run();
