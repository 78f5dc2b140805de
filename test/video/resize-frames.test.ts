import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resizeFrames } from '../../src/video/resize-frames.ts';

/** Area-average resizing of selected frames. */
const Resize = suite('resizeFrames');
Resize('averages the source area under each output pixel, for the chosen frames only', () => {
  // Two 4x4 single-channel frames; frame 1 has 0..15 row-major.
  const frames = new Uint8Array(2 * 16);
  for (let i = 0; i < 16; i++) frames[16 + i] = i * 10;
  const out = resizeFrames({ frames, width: 4, height: 4, channels: 1 }, [1], 2);
  // Top-left 2x2 block of frame 1: 0, 10, 40, 50 -> 25.
  assert.equal(Array.from(out), [25, 45, 105, 125]);
});
Resize('a non-integer factor weights partly covered source pixels', () => {
  const frames = Uint8Array.from([0, 90, 180]); // one row of 3 pixels, 1 channel, 1 high
  const out = resizeFrames({ frames, width: 3, height: 1, channels: 1 }, [0], 1);
  assert.equal(Array.from(out), [90]);
  const two = resizeFrames(
    { frames: Uint8Array.from([0, 90, 180, 0, 90, 180, 0, 90, 180]), width: 3, height: 3, channels: 1 },
    [0],
    2,
  );
  // Each output covers 1.5 source pixels: (0 + 0.5 x 90) / 1.5 = 30 and (0.5 x 90 + 180) / 1.5 = 150.
  assert.equal(Array.from(two), [30, 150, 30, 150]);
});
Resize.run();
