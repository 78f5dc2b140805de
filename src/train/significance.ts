/**
 * Significance tests for two models tested on the same samples: the exact McNemar test on one
 * split's predictions, and the paired t-test and Wilcoxon signed-rank test on per-run scores
 * (runs paired by fold and repeat). Every p-value is two-sided.
 */

/** The level under which a p-value is called significant. */
export const SIGNIFICANCE_LEVEL = 0.05;

/**
 * Exact McNemar test: `b` samples only the first model got right, `c` only the second. Under the
 * null hypothesis each discordant sample is a fair coin, so p = min(1, 2 P(X <= min(b, c))) for
 * X ~ Binomial(b + c, 1/2); p = 1 when b + c = 0.
 */
export function mcnemarExact(b: number, c: number): number {
  for (const [name, v] of [
    ['b', b],
    ['c', c],
  ] as const)
    if (!Number.isInteger(v) || v < 0) throw new Error(`mcnemarExact(): ${name} must be a whole number >= 0, got ${v}`);
  const n = b + c;
  if (n === 0) return 1;
  // C(n, i) / 2^n term by term in logs: 2^n overflows past n = 1023 discordant samples.
  let logTerm = -n * Math.LN2;
  let tail = Math.exp(logTerm);
  for (let i = 0; i < Math.min(b, c); i++) {
    logTerm += Math.log((n - i) / (i + 1));
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}

export interface PairedTTest {
  /** Pairs. */
  n: number;
  meanDifference: number;
  t: number;
  df: number;
  p: number;
}

/**
 * Paired t-test of `a` against `b` (a[i] and b[i] one pair): t = mean(d) / (sd(d) / sqrt(n)) on
 * the differences d = a - b, with n - 1 degrees of freedom. Differences all 0 give t = 0, p = 1;
 * equal non-zero differences (no spread) give t = +-Infinity, p = 0, as the formula's limit.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTTest {
  if (a.length !== b.length)
    throw new Error(`pairedTTest(): a and b must pair up, got ${a.length} and ${b.length} values`);
  const n = a.length;
  if (n < 2) throw new Error(`pairedTTest(): needs at least 2 pairs, got ${n}`);
  const d = a.map((x, i) => x - (b[i] as number));
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const df = n - 1;
  if (mean === 0) return { n, meanDifference: 0, t: 0, df, p: 1 };
  const t = sd === 0 ? Math.sign(mean) * Number.POSITIVE_INFINITY : mean / (sd / Math.sqrt(n));
  return { n, meanDifference: mean, t, df, p: studentTwoSidedP(t, df) };
}

/**
 * P(|T| >= |t|) for Student's t with `df` whole degrees of freedom. For whole df the CDF is a
 * finite sum (Abramowitz & Stegun 26.7.3 for odd df, 26.7.4 for even), exact up to rounding with
 * no iteration or tolerance, so no library is needed (the registry's t CDF, @stdlib's, brings 223
 * packages). p = 1 - A(|t| | df), so p below ~1e-15 loses its relative precision (shown as < 0.0001).
 */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`studentTwoSidedP(): df must be a whole number >= 1, got ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const cos2 = Math.cos(theta) ** 2;
  let a: number;
  if (df % 2 === 1) {
    // A = 2/pi [theta + sin cos (1 + 2/3 cos^2 + 2.4/(3.5) cos^4 + ... + 2.4...(df-3)/(3.5...(df-2)) cos^(df-3))]
    let sum = df === 1 ? 0 : 1;
    let term = 1;
    for (let k = 1; k <= (df - 3) / 2; k++) {
      term *= ((2 * k) / (2 * k + 1)) * cos2;
      sum += term;
    }
    a = (2 / Math.PI) * (theta + Math.sin(theta) * Math.cos(theta) * sum);
  } else {
    // A = sin (1 + 1/2 cos^2 + 1.3/(2.4) cos^4 + ... + 1.3...(df-3)/(2.4...(df-2)) cos^(df-2))
    let sum = 1;
    let term = 1;
    for (let k = 1; k <= (df - 2) / 2; k++) {
      term *= ((2 * k - 1) / (2 * k)) * cos2;
      sum += term;
    }
    a = Math.sin(theta) * sum;
  }
  return Math.min(1, Math.max(0, 1 - a));
}

export interface WilcoxonSignedRank {
  /** Non-zero differences (zeros are dropped, Wilcoxon's way). */
  n: number;
  /** Sum of the ranks of the positive differences (midranks for ties). */
  wPlus: number;
  p: number;
}

/**
 * Wilcoxon signed-rank test of `a` against `b` (pairs), with the exact p: the distribution of W+
 * over all 2^n sign assignments of the observed ranks (ties take midranks, doubled here to whole
 * numbers, so ties are exact too), by dynamic programming over rank sums: n * n(n+1) steps.
 * No differences left (all 0) give p = 1.
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): WilcoxonSignedRank {
  if (a.length !== b.length)
    throw new Error(`wilcoxonSignedRank(): a and b must pair up, got ${a.length} and ${b.length} values`);
  // Scores such as accuracies differ by at least 1/(test samples): anything closer is equal (float noise).
  const same = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x), Math.abs(y));
  const d = a.map((x, i) => x - (b[i] as number)).filter((x) => !same(x, 0));
  const n = d.length;
  if (n === 0) return { n: 0, wPlus: 0, p: 1 };
  const byMagnitude = d.map((x, i) => ({ m: Math.abs(x), i })).sort((x, y) => x.m - y.m);
  const rank2 = new Array<number>(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && same((byMagnitude[j + 1] as { m: number }).m, (byMagnitude[i] as { m: number }).m)) j++;
    // Ranks i+1 .. j+1 share their mean; doubled: i + j + 2.
    for (let k = i; k <= j; k++) rank2[(byMagnitude[k] as { i: number }).i] = i + j + 2;
    i = j + 1;
  }
  const total = n * (n + 1);
  const observed = d.reduce((s, x, i) => s + (x > 0 ? (rank2[i] as number) : 0), 0);
  // dist[s]: probability that the positive ranks sum (doubled) to s, each sign a fair coin.
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  let reach = 0;
  for (const r of rank2) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const half = (dist[s] as number) / 2;
      next[s] = (next[s] as number) + half;
      next[s + r] = (next[s + r] as number) + half;
    }
    reach += r;
    dist = next;
  }
  let lower = 0;
  let upper = 0;
  for (let s = 0; s <= total; s++) {
    if (s <= observed) lower += dist[s] as number;
    if (s >= observed) upper += dist[s] as number;
  }
  return { n, wPlus: observed / 2, p: Math.min(1, 2 * Math.min(lower, upper)) };
}
