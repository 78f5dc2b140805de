import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  confusionPartners,
  errorByPhase,
  errorByVariant,
  jumpMetricsSideBySide,
  pooledAttribution,
  trainingSizeFigure,
} from '../../src/report/jumping-error-figures.ts';
import { CLASSES, explanations, sectionFolds } from './jumping-fixture.ts';

const Figures = suite('jumping-error figures');
const withoutFraction = (v: string) => v.replace(/(^| )fraction=[^ ]+/, '').trim();

Figures('confusion partners: the focus row and column summed over folds', () => {
  const p = confusionPartners(
    sectionFolds().filter((f) => f.variant === 'imu-only fraction=1'),
    'jump',
  );
  // Fold 0: jumps -> jump, jump, hop, hop; fold 1: squat, squat, jump, jump. Nothing is taken for jump.
  assert.equal(p.takenFor, [4, 2, 2]);
  assert.equal(p.takenAs, [4, 0, 0]);
  assert.is(p.support, 8);
});

Figures('error by phase: missed / samples per phase, empty phases kept, unknown only when present', () => {
  assert.equal(errorByPhase(explanations(undefined).samples, CLASSES, 'jump'), [
    { phase: 'take-off', n: 2, missed: 1 },
    { phase: 'flight', n: 0, missed: 0 },
    { phase: 'landing', n: 2, missed: 0 },
    { phase: 'none', n: 0, missed: 0 },
  ]);
});

Figures('error per variant at the full training set: mean and sample std over folds', () => {
  const rows = errorByVariant(sectionFolds(), 'jump');
  assert.equal(
    rows.map((r) => [r.variant, r.modalities, r.folds]),
    [
      ['fused fraction=1', 'video + flow + imu', 2],
      ['imu-only fraction=1', 'imu', 2],
    ],
  );
  // fused: errors 0.25 and 0 -> mean 0.125, std sqrt(2 x 0.125^2) = 0.1768.
  assert.ok(Math.abs((rows[0]?.mean ?? 0) - 0.125) < 1e-12);
  assert.ok(Math.abs((rows[0]?.std ?? 0) - 0.1767767) < 1e-6);
  assert.ok(Math.abs((rows[1]?.mean ?? 0) - 0.5) < 1e-12, 'imu-only: 2 of 4 missed in each fold');
});

Figures('training-size curve: one line per variant with several shares, error in %', () => {
  const fig = trainingSizeFigure('t', sectionFolds(), 'jump', withoutFraction);
  assert.ok(fig !== undefined);
  assert.is(fig.data.length, 1, 'imu-only has one share: no line');
  assert.equal(fig.data[0]?.['x'], [50, 100]);
  // fraction 0.5: 0.5 and 0.25 -> 37.5; fraction 1: 25 and 0 -> 12.5.
  assert.equal(fig.data[0]?.['y'], [37.5, 12.5]);
});

Figures('jump metrics: the first detected jump of correct and missed samples, in cm', () => {
  const m = jumpMetricsSideBySide(explanations(undefined).samples, CLASSES, 'jump');
  assert.equal(m.detected, { correct: '3 of 3', wrong: '1 of 1' });
  const height = m.rows.find((r) => r.label === 'height (flight time), cm');
  // Correct: 30, 20, 25 cm -> 25.0 ± 5.00 (3); missed: 10 cm.
  assert.equal(height, { label: 'height (flight time), cm', correct: '25.0 ± 5.00 (3)', wrong: '10.0 ± 0.00 (1)' });
  assert.is(m.rows.find((r) => r.label.startsWith('RSImod'))?.correct, '–', 'no value: a dash');
});

Figures('modality attribution pooled over folds by support', () => {
  const one = explanations(undefined);
  const two = { ...one, fold: 1, attribution: [{ removed: null, perClass: [{ name: 'jump', support: 2, error: 1 }] }] };
  // No modality removed: (0.25 x 4 + 1 x 2) / 6 = 0.5.
  assert.equal(pooledAttribution([one, two], 'jump'), [
    { removed: '', error: 0.5, support: 6 },
    { removed: 'video', error: 0.5, support: 4 },
    { removed: 'imu', error: 0.75, support: 4 },
  ]);
});

Figures.run();
