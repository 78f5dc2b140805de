import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mcnemarExact, pairedTTest, studentTwoSidedP, wilcoxonSignedRank } from '../../src/train/significance.ts';

const close = (got: number, want: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tolerance, `${what}: got ${got}, want ${want}`);

const McNemar = suite('mcnemarExact');

McNemar('b=1, c=9: twice the binomial tail, 2 (C(10,0) + C(10,1)) / 2^10', () => {
  close(mcnemarExact(1, 9), (2 * (1 + 10)) / 1024, 1e-15, 'p');
  close(mcnemarExact(9, 1), 0.021484375, 1e-15, 'symmetric');
});

McNemar('b=2, c=8: 2 (1 + 10 + 45) / 1024', () => {
  close(mcnemarExact(2, 8), 112 / 1024, 1e-15, 'p');
});

McNemar('b = c gives 1 (capped: the two tails overlap at the middle)', () => {
  assert.is(mcnemarExact(5, 5), 1);
  assert.is(mcnemarExact(1, 1), 1);
});

McNemar('no discordant pair gives 1', () => {
  assert.is(mcnemarExact(0, 0), 1);
});

McNemar('all discordant pairs one way: 2 / 2^n, and no overflow past 2^1023', () => {
  close(mcnemarExact(0, 6), 2 / 64, 1e-15, 'n = 6');
  assert.is(mcnemarExact(0, 1200), 0, '2 / 2^1200 is below the smallest double');
  // 1000 vs 1100: normal approximation z = -50 / sqrt(525) = -2.18, two-sided about 0.03.
  const p = mcnemarExact(1000, 1100);
  assert.ok(p > 0.025 && p < 0.035, `p ${p}`);
});

McNemar('names a bad count', () => {
  assert.throws(() => mcnemarExact(-1, 3), /mcnemarExact\(\): b must be a whole number >= 0, got -1/);
  assert.throws(() => mcnemarExact(1, 2.5), /mcnemarExact\(\): c must be/);
});

McNemar.run();

const TDistribution = suite('studentTwoSidedP');

TDistribution('1 df is the Cauchy distribution: p = 1 - 2 atan(t) / pi', () => {
  close(studentTwoSidedP(1, 1), 0.5, 1e-15, 't = 1');
  close(studentTwoSidedP(Math.sqrt(3), 1), 1 / 3, 1e-15, 't = sqrt 3 (atan = pi / 3)');
});

TDistribution('2 df: p = 1 - t / sqrt(2 + t^2)', () => {
  close(studentTwoSidedP(1, 2), 1 - 1 / Math.sqrt(3), 1e-15, 't = 1');
  close(studentTwoSidedP(-4, 2), 1 - 4 / Math.sqrt(18), 1e-15, 't = -4 (two-sided: the sign does not count)');
});

TDistribution("the t table's critical values give their levels", () => {
  // Two-sided 5 % and 1 % points (t_0.975 and t_0.995) of a printed t table.
  close(studentTwoSidedP(12.706, 1), 0.05, 1e-4, '1 df, 5 %');
  close(studentTwoSidedP(2.776, 4), 0.05, 1e-4, '4 df, 5 %');
  close(studentTwoSidedP(2.228, 10), 0.05, 1e-4, '10 df, 5 %');
  close(studentTwoSidedP(3.169, 10), 0.01, 1e-4, '10 df, 1 %');
  close(studentTwoSidedP(2.042, 30), 0.05, 1e-4, '30 df, 5 %');
  close(studentTwoSidedP(2.626, 100), 0.01, 1e-4, '100 df, 1 %');
});

TDistribution('t = 0 gives 1, an infinite t gives 0', () => {
  assert.is(studentTwoSidedP(0, 7), 1);
  assert.is(studentTwoSidedP(Number.POSITIVE_INFINITY, 7), 0);
});

TDistribution('names a bad df', () => {
  assert.throws(() => studentTwoSidedP(1, 0), /studentTwoSidedP\(\): df must be a whole number >= 1, got 0/);
  assert.throws(() => studentTwoSidedP(1, 2.5), /got 2\.5/);
});

TDistribution.run();

const PairedT = suite('pairedTTest');

PairedT('differences 1..5: t = 3 / (sqrt(2.5) / sqrt 5) = 3 sqrt 2, 4 df, p = 1 - 36 / (11 sqrt 11)', () => {
  // By hand: mean 3, sample variance 10 / 4 = 2.5, standard error sqrt(0.5), t = 3 sqrt 2 = 4.2426.
  // 4 df (A&S 26.7.4): A = sin(theta) (1 + cos^2(theta) / 2) with tan^2(theta) = t^2 / 4 = 4.5, so
  // cos^2 = 2/11, sin = 3 / sqrt 11, A = 36 / (11 sqrt 11) and p = 1 - A = 0.013236.
  const r = pairedTTest([3, 5, 7, 9, 11], [2, 3, 4, 5, 6]);
  assert.is(r.n, 5);
  assert.is(r.df, 4);
  close(r.meanDifference, 3, 1e-15, 'mean difference');
  close(r.t, 3 * Math.SQRT2, 1e-12, 't');
  close(r.p, 1 - 36 / (11 * Math.sqrt(11)), 1e-14, 'p');
  close(r.p, 0.013236, 1e-6, 'p to 6 places');
});

PairedT('the sign of t follows a - b; p does not', () => {
  const r = pairedTTest([0.5, 0.6, 0.55], [0.7, 0.75, 0.8]);
  assert.ok(r.t < 0);
  close(r.p, pairedTTest([0.7, 0.75, 0.8], [0.5, 0.6, 0.55]).p, 1e-15, 'p');
});

PairedT('no difference gives t = 0, p = 1; equal non-zero differences give p = 0', () => {
  const same = pairedTTest([0.5, 0.75], [0.5, 0.75]);
  assert.is(same.t, 0);
  assert.is(same.p, 1);
  const shifted = pairedTTest([0.75, 1], [0.5, 0.75]);
  assert.is(shifted.t, Number.POSITIVE_INFINITY);
  assert.is(shifted.p, 0);
});

PairedT('names what is wrong', () => {
  assert.throws(() => pairedTTest([1, 2], [1]), /pairedTTest\(\): a and b must pair up, got 2 and 1 values/);
  assert.throws(() => pairedTTest([1], [2]), /pairedTTest\(\): needs at least 2 pairs, got 1/);
});

PairedT.run();

const Wilcoxon = suite('wilcoxonSignedRank');

Wilcoxon('five positive differences: W+ = 15, the largest of 2^5 sign patterns, p = 2 / 32', () => {
  const r = wilcoxonSignedRank([1, 2, 3, 4, 5], [0, 0, 0, 0, 0]);
  assert.is(r.n, 5);
  assert.is(r.wPlus, 15);
  close(r.p, 0.0625, 1e-15, 'p');
});

Wilcoxon('mixed signs: ranks 1, 3, 4, 6 positive, W+ = 14 of 21; P(W+ <= 7) = 18 / 64, p = 36 / 64', () => {
  // Subsets of {1..6} summing to 7 or less: 1 + 1 + 1 + 2 + 2 + 3 + 4 + 4 = 18 (sums 0..7).
  const r = wilcoxonSignedRank([1, -2, 3, 4, -5, 6], [0, 0, 0, 0, 0, 0]);
  assert.is(r.wPlus, 14);
  close(r.p, 36 / 64, 1e-15, 'p');
});

Wilcoxon('ties take midranks and zeros are dropped', () => {
  // |d| = 0.25, 0.25, 0.5 (the 0 dropped): ranks 1.5, 1.5, 3, all positive: W+ = 6, P = 1 / 8, p = 2 / 8.
  const r = wilcoxonSignedRank([0.75, 1, 1, 0.5], [0.5, 0.75, 0.5, 0.5]);
  assert.is(r.n, 3);
  assert.is(r.wPlus, 6);
  close(r.p, 0.25, 1e-15, 'p');
});

Wilcoxon('no difference gives p = 1', () => {
  assert.equal(wilcoxonSignedRank([0.5, 0.5], [0.5, 0.5]), { n: 0, wPlus: 0, p: 1 });
});

Wilcoxon.run();
