import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isUserError } from '../../src/core/errors.ts';
import type { Sample } from '../../src/core/sample.ts';
import { videoStream } from '../../src/core/stream.ts';
import { depthMapsInput } from '../../src/inputs/depth-maps-input.ts';
import { buildInputSet, inputShapes } from '../../src/inputs/model-inputs.ts';

/** A sample whose one stream is a 4 x 5 grey video, two frames: a 2 x 2 block at depth 30 moving one pixel right. */
function blockSample(id: string, meta: Record<string, unknown>): Sample {
  const frames = new Uint8Array(2 * 20);
  for (const [k, x0] of [
    [0, 1],
    [1, 2],
  ] as const)
    for (const y of [1, 2]) for (const x of [x0, x0 + 1]) frames[k * 20 + y * 5 + x] = 30;
  const stream = videoStream({
    rate: 30,
    t: Float64Array.from([0, 1 / 30]),
    decoded: { frames, height: 4, width: 5, channels: 1 },
    meta,
  });
  return { id, label: 'wave', subject: 's1', streams: [stream], meta: {} };
}

const DepthMaps = suite('depth maps input');
DepthMaps('is [size, size, 3] per sample', () => {
  assert.equal(inputShapes({ depthMaps: { size: 32 } }), { depthMaps: [32, 32, 3] });
});
DepthMaps("stacks each sample's front, side and top maps from its depth video", () => {
  const samples = [blockSample('a', { modality: 'depth' }), blockSample('b', { modality: 'depth' })];
  const set = buildInputSet(samples, { depthMaps: { size: 6 } }, ['clap', 'wave']);
  assert.equal(set.depthMaps?.shape, [6, 6, 3]);
  assert.ok(set.depthMaps?.data instanceof Float32Array);
  assert.is(set.depthMaps?.data.length, 2 * 6 * 6 * 3);
  assert.equal(Array.from(set.labels), [1, 1]);
  // Row 1, first line: the front map's crop [30 0 30] spread over six columns, scaled to 0..1.
  const front = Array.from({ length: 6 }, (_, x) => set.depthMaps?.data[6 * 6 * 3 + x * 3]);
  assert.equal(front, [1, 1, 0, 0, 1, 1]);
  assert.equal(
    Array.from(depthMapsInput(samples[0] as Sample, { size: 6 })),
    Array.from(set.depthMaps?.data.subarray(0, 108) ?? []),
  );
});
DepthMaps('a sample without a depth video is a UserError naming it', () => {
  for (const sample of [blockSample('a1_s1_t1', {}), { ...blockSample('a2_s1_t1', {}), streams: [] }]) {
    try {
      depthMapsInput(sample, { size: 8 });
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.ok(isUserError(err), String(err));
      assert.match((err as Error).message, new RegExp(`sample ${sample.id} has no depth video`));
    }
  }
});
DepthMaps.run();
