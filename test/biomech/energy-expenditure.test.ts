import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { energyExpenditure } from '../../src/biomech/energy-expenditure.ts';

const Energy = suite('energyExpenditure');

/** `seconds` of a vertical accelerometer at `rate` Hz reading `g` times 1 g. */
function constant(seconds: number, rate: number, g: number) {
  const n = seconds * rate;
  const t = Float64Array.from({ length: n }, (_, k) => k / rate);
  const acc = new Float32Array(n * 3);
  for (let k = 0; k < n; k++) acc[3 * k + 2] = g * 9.80665;
  return { t, acc };
}

Energy('at rest (1 g) a hip sensor gives the regression intercept: 6.67 / 3.5 = 1.91 METs', () => {
  const { t, acc } = constant(120, 10, 1);
  const e = energyExpenditure(t, acc, { placement: 'waist', mass: 70 })!;
  assert.is(e.length, 2);
  assert.ok(Math.abs(e[0]!.enmo) < 1e-3);
  assert.ok(Math.abs(e[0]!.mets - 1.906) < 0.001);
});

Energy('the wrist equation crosses 3 METs at 100.6 mg and 6 METs at 428.8 mg', () => {
  for (const [mg, mets] of [
    [100.6, 3],
    [428.8, 6],
  ] as const) {
    const { t, acc } = constant(60, 10, 1 + mg / 1000);
    const e = energyExpenditure(t, acc, { placement: 'wrist', mass: 80 })![0]!;
    assert.ok(Math.abs(e.mets - mets) < 0.01, `${mg} mg: ${e.mets}`);
    // kcal/min = METs x 3.5 x 80 / 200
    assert.ok(Math.abs(e.kcalPerMin - (mets * 3.5 * 80) / 200) < 0.02);
  }
});

Energy('no equation for an ankle sensor', () => {
  const { t, acc } = constant(60, 10, 1);
  assert.is(energyExpenditure(t, acc, { placement: 'ankle', mass: 70 }), undefined);
});

Energy.run();
