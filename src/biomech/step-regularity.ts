/**
 * How periodic a stretch of signal is at step rates: the largest normalised autocorrelation of
 * `x` (mean removed) at lags from `minLag` to `maxLag` seconds, over samples `from`..`to`. Gait
 * (walking, running, stairs) repeats every step, so its trunk acceleration correlates strongly
 * with itself one step later (Moe-Nilssen and Helbostad, J Biomech 37:121, 2004: "step
 * regularity"); a single jump between quiet standing does not. In [-1, 1]; 0 for a stretch
 * shorter than twice `maxLag`.
 */
export function stepRegularity(
  x: Float64Array,
  from: number,
  to: number,
  rate: number,
  minLag = 0.25,
  maxLag = 1,
): number {
  const a = Math.max(0, from);
  const b = Math.min(x.length, to);
  const n = b - a;
  const lo = Math.max(1, Math.round(minLag * rate));
  const hi = Math.round(maxLag * rate);
  if (n < 2 * hi) return 0;
  let mean = 0;
  for (let k = a; k < b; k++) mean += x[k] as number;
  mean /= n;
  let best = -1;
  for (let lag = lo; lag <= hi; lag++) {
    // Unbiased: each lag's products normalised by their own two segments' energies.
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let k = a; k + lag < b; k++) {
      const u = (x[k] as number) - mean;
      const v = (x[k + lag] as number) - mean;
      xy += u * v;
      xx += u * u;
      yy += v * v;
    }
    const r = xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
    if (r > best) best = r;
  }
  return best;
}
