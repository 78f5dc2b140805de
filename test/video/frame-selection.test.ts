import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { evenlySpacedIndices, selectedFrameIndices } from '../../src/video/frame-selection.ts';

const Selected = suite('selectedFrameIndices');
Selected('all, every n-th, a count spread evenly, or a list (repeats kept)', () => {
  assert.equal(selectedFrameIndices(5), [0, 1, 2, 3, 4]);
  assert.equal(selectedFrameIndices(20, { every: 3 }), [0, 3, 6, 9, 12, 15, 18]);
  assert.equal(selectedFrameIndices(20, { count: 7 }), evenlySpacedIndices(20, 7));
  assert.equal(selectedFrameIndices(20, { indices: [1, 3, 3, 19] }), [1, 3, 3, 19]);
});
Selected('bad selections name the argument', () => {
  assert.throws(() => selectedFrameIndices(164, { indices: [3, 2] }), /frames.indices must not decrease/);
  assert.throws(
    () => selectedFrameIndices(164, { indices: [164] }),
    /frames.indices\[0\] = 164 is not a frame of this 164-frame clip/,
  );
  assert.throws(() => selectedFrameIndices(164, { every: 0 }), /frames.every must be a whole number >= 1/);
  assert.throws(() => selectedFrameIndices(164, { count: 1.5 }), /frames.count must be a whole number >= 1, got 1.5/);
  assert.throws(
    () => selectedFrameIndices(164, 'some' as never),
    /frames must be 'all', \{ every \}, \{ indices \} or \{ count \}, got "some"/,
  );
});
Selected.run();

const Evenly = suite('evenlySpacedIndices');
Evenly('takes the middle frame of each of count equal parts', () => {
  assert.equal(evenlySpacedIndices(164, 8), [10, 30, 51, 71, 92, 112, 133, 153]);
  assert.equal(evenlySpacedIndices(10, 4), [1, 3, 6, 8]);
});
Evenly('repeats frames when asked for more than the clip has', () => {
  assert.equal(evenlySpacedIndices(3, 7), [0, 0, 1, 1, 1, 2, 2]);
});
Evenly.run();
