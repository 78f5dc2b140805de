import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deviceToHost, fitOffsets } from '../../../src/data/session/fit-offsets.ts';

const FitOffsets = suite('fitOffsets');

/** A 32-bit LCG: the noise of one fixed draw, so the test checks the same numbers every run. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

FitOffsets('a 100 ppm device clock over 10 minutes maps to host time within 1 ms', () => {
  // host = device + 1234.5 + 1e-4 * device; offsets every 2 s with +-0.5 ms of estimation noise.
  const rand = noise(7);
  const times: number[] = [];
  const offsets: number[] = [];
  for (let d = 100; d <= 700; d += 2) {
    times.push(d);
    offsets.push(1234.5 + 1e-4 * d + 1e-3 * rand());
  }
  const fit = fitOffsets(times, offsets);
  assert.ok(Math.abs(fit.drift - 1e-4) < 2e-6, `drift ${fit.drift}`);
  let worst = 0;
  for (let d = 100; d <= 700; d += 0.005)
    worst = Math.max(worst, Math.abs(deviceToHost(fit, d) - (d + 1234.5 + 1e-4 * d)));
  assert.ok(worst < 1e-3, `worst error ${worst} s`);
  // Without the drift term, the error at the ends would be 1e-4 * 300 s = 30 ms.
  assert.ok(worst < 0.1 * 1e-4 * 300);
});

FitOffsets('a stray offset far from the line is left out of the refit', () => {
  const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const offsets = times.map((t) => 10 + 2e-5 * t + (t % 2 === 0 ? 1e-5 : -1e-5));
  offsets[4] = 10.03; // a burst of late packets: 30 ms off
  const fit = fitOffsets(times, offsets);
  assert.is(fit.points, 9);
  assert.ok(Math.abs(deviceToHost(fit, 4) - (4 + 10 + 8e-5)) < 2e-5, `${deviceToHost(fit, 4)}`);
});

FitOffsets('one offset is a constant; none is an error naming the function', () => {
  const fit = fitOffsets([3], [0.25]);
  assert.is(deviceToHost(fit, 10), 10.25);
  assert.is(fit.drift, 0);
  assert.throws(() => fitOffsets([], []), /fitOffsets\(\): need as many offsets as times/);
});

FitOffsets.run();
