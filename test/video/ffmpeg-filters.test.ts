import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { onePassFilterGraph, resizeFilters, selectionFilterGraph } from '../../src/video/ffmpeg-filters.ts';
import { SHOWINFO_FILTER } from '../../src/video/probe-video.ts';

const Resize = suite('resizeFilters');
Resize(
  'crop covers the size and cuts it out; pad fits inside and borders it in black; both in RGB before the cut',
  () => {
    assert.equal(resizeFilters(64, 48, 'crop'), [
      'scale=64:48:force_original_aspect_ratio=increase:flags=area',
      'format=rgb24',
      'crop=64:48',
    ]);
    assert.equal(resizeFilters(64, 48, 'pad'), [
      'scale=64:48:force_original_aspect_ratio=decrease:flags=area',
      'format=rgb24',
      'pad=64:48:(ow-iw)/2:(oh-ih)/2:black',
    ]);
  },
);
Resize.run();

const OnePass = suite('onePassFilterGraph');
OnePass('opens with showinfo, then every n-th frame (none for n = 1), then the resize', () => {
  assert.is(onePassFilterGraph(1, 32, 32, 'crop'), [SHOWINFO_FILTER, ...resizeFilters(32, 32, 'crop')].join(','));
  assert.is(
    onePassFilterGraph(5, 32, 32, 'pad'),
    [SHOWINFO_FILTER, "select='not(mod(n,5))'", ...resizeFilters(32, 32, 'pad')].join(','),
  );
  // Side data deleted before showinfo logs it.
  assert.is(
    onePassFilterGraph(1, 32, 32, 'crop', true),
    ['sidedata=mode=delete', SHOWINFO_FILTER, ...resizeFilters(32, 32, 'crop')].join(','),
  );
});
OnePass.run();

const Selection = suite('selectionFilterGraph');
const source = { frameCount: 100, width: 320, height: 240 };
Selection('every frame at the source size is only converted to RGB', () => {
  const all = Array.from({ length: 100 }, (_, i) => i);
  assert.is(selectionFilterGraph(all, source, 320, 240, 'crop'), 'format=rgb24');
  assert.is(selectionFilterGraph(all, source, 64, 64, 'crop'), resizeFilters(64, 64, 'crop').join(','));
});
Selection('a regular stride from 0 is a mod, runs are between(), single frames eq()', () => {
  const resize = resizeFilters(64, 64, 'crop').join(',');
  assert.is(
    selectionFilterGraph([0, 10, 20, 30], source, 64, 64, 'crop'),
    `select='not(mod(n,10))*lte(n,30)',${resize}`,
  );
  assert.is(
    selectionFilterGraph([2, 3, 4, 9, 50, 51], source, 64, 64, 'crop'),
    `select='between(n,2,4)+eq(n,9)+between(n,50,51)',${resize}`,
  );
  assert.is(selectionFilterGraph([7], source, 320, 240, 'pad'), "select='eq(n,7)',format=rgb24");
});
Selection.run();
