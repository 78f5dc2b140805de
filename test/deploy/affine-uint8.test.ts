import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { affineDequantize, affineQuantize, quantizationError } from '../../src/deploy/affine-uint8.ts';

const Affine = suite('affineQuantize');

Affine('codes a hand-worked tensor with 0 exactly on the grid', () => {
  // Range -1..2: scale 3/255, zero at code 85, min = -85 x 3/255 = -1.
  const q = affineQuantize(Float32Array.from([-1, 0, 2, 1]));
  assert.ok(Math.abs(q.scale - 3 / 255) < 1e-15);
  assert.ok(Math.abs(q.min + 1) < 1e-12);
  assert.equal(Array.from(q.codes), [0, 85, 255, 170]);
  assert.is(affineDequantize(q)[1], 0);
});

Affine('widens a positive range to hold 0, and pruned zeros stay exact', () => {
  const values = Float32Array.from([0, 0.3, 0, 0.9, 0.6, 0]);
  const q = affineQuantize(values);
  const back = affineDequantize(q);
  for (const i of [0, 2, 5]) assert.is(back[i], 0);
  for (let i = 0; i < values.length; i++) assert.ok(Math.abs(back[i]! - values[i]!) <= q.scale / 2 + 1e-7);
});

Affine('a constant-zero tensor codes to zeros', () => {
  const q = affineQuantize(new Float32Array(4));
  assert.equal(Array.from(affineDequantize(q)), [0, 0, 0, 0]);
});

Affine('names the bad value', () => {
  assert.throws(() => affineQuantize(Float32Array.from([1, NaN])), /affineQuantize\(\): values hold NaN/);
});

Affine('per-channel scales help where channel ranges differ', () => {
  // Two output channels, one 100x the other: one scale for both wastes the small one's levels.
  const values = Float32Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 100 : 1) * Math.sin(i * 0.7));
  const e = quantizationError(values, 2);
  assert.ok(e.perChannel < e.perTensor, JSON.stringify(e));
});

Affine.run();
