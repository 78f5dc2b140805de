import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepRegularity } from '../../src/biomech/step-regularity.ts';

const Regularity = suite('stepRegularity');

Regularity('a 3 Hz cadence correlates with itself one step later; one bump amid quiet does not', () => {
  const rate = 100;
  const gait = Float64Array.from({ length: 400 }, (_, k) => Math.sin((2 * Math.PI * 3 * k) / rate));
  assert.ok(stepRegularity(gait, 0, 400, rate) > 0.95);
  const bump = Float64Array.from({ length: 400 }, (_, k) => Math.exp(-(((k - 200) / 10) ** 2)));
  assert.ok(stepRegularity(bump, 0, 400, rate) < 0.1);
});

Regularity('a stretch shorter than two of the longest lag gives 0', () => {
  assert.is(stepRegularity(new Float64Array(150), 0, 150, 100), 0);
});

Regularity.run();
