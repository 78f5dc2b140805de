import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lowPass } from '../../src/biomech/low-pass.ts';

const LowPass = suite('lowPass');
const sine = (hz: number, rate: number, n: number) =>
  Float64Array.from({ length: n }, (_, k) => Math.sin((2 * Math.PI * hz * k) / rate));
const rms = (x: ArrayLike<number>, from: number, to: number) => {
  let s = 0;
  for (let k = from; k < to; k++) s += (x[k] as number) ** 2;
  return Math.sqrt(s / (to - from));
};

LowPass('passes 1 Hz and removes 40 Hz at a 10 Hz cutoff, without a time shift', () => {
  const slow = lowPass(sine(1, 200, 800), 200, 10);
  const input = sine(1, 200, 800);
  // Zero phase: the output matches the input sample for sample, away from the ends.
  for (let k = 100; k < 700; k++) assert.ok(Math.abs(slow[k]! - input[k]!) < 0.01, `sample ${k}`);
  // 4th-order response at 4 x the cutoff: |H|^2 = 1 / (1 + 4^4) ~ 0.004.
  assert.ok(rms(lowPass(sine(40, 200, 800), 200, 10), 100, 700) < 0.01);
});

LowPass('keeps a straight line (odd-reflection padding), to 1e-4', () => {
  const line = Float64Array.from({ length: 50 }, (_, k) => 3 + 0.5 * k);
  const out = lowPass(line, 100, 5);
  for (let k = 0; k < 50; k++) assert.ok(Math.abs(out[k]! - line[k]!) < 1e-4, `sample ${k}: ${out[k]}`);
});

LowPass('names a bad argument', () => {
  assert.throws(() => lowPass([1, 2, 3], 0, 5), /lowPass\(\): rate must be > 0, got 0/);
});

LowPass.run();
