/**
 * Device time to host time from a stream's recorded ClockOffset chunks. Each chunk says
 * host - device at a device time (the recorder's own estimate, already smoothed over packet
 * arrivals by src/sync), so what is left is the straight line through them: an ordinary least
 * squares fit of offset against device time without the strays (an estimate made from a burst
 * of late packets), as pyxdf fits LabRecorder's offsets with a robust line.
 */
export interface OffsetFit {
  /** host = device + offset + drift * (device - origin), all seconds (the shape of src/sync's ClockFit). */
  origin: number;
  offset: number;
  drift: number;
  /** Offsets the line was fitted to (after leaving out strays). */
  points: number;
  /** Median absolute residual x 1.4826 (s): a robust standard deviation of the offsets about the line. */
  spread: number;
}

/**
 * The line through (device time, offset) pairs; one pair gives a constant offset, none is an
 * error. The first line is Theil-Sen's (the median of pairwise slopes), which a minority of
 * wild offsets cannot tilt; offsets within five robust spreads of it (at least 0.1 ms) are then
 * fitted by least squares.
 */
export function fitOffsets(times: ArrayLike<number>, offsets: ArrayLike<number>): OffsetFit {
  const n = times.length;
  if (n === 0 || offsets.length !== n)
    throw new Error(`fitOffsets(): need as many offsets as times, at least one (got ${n} and ${offsets.length})`);
  const all = Array.from({ length: n }, (_, i) => i);
  const first = theilSen(times, offsets);
  const residuals = all.map((i) => Math.abs(residual(first, times, offsets, i)));
  const limit = Math.max(5 * 1.4826 * median(residuals), 1e-4);
  const kept = all.filter((i) => (residuals[i] as number) <= limit);
  const fit = leastSquares(times, offsets, kept.length > 0 ? kept : all);
  const spread = 1.4826 * median(kept.map((i) => Math.abs(residual(fit, times, offsets, i))));
  return { ...fit, points: kept.length, spread };
}

/** Host time of a device time by a fit. */
export function deviceToHost(fit: OffsetFit, deviceTime: number): number {
  return deviceTime + fit.offset + fit.drift * (deviceTime - fit.origin);
}

function leastSquares(x: ArrayLike<number>, y: ArrayLike<number>, idx: number[]): Omit<OffsetFit, 'points' | 'spread'> {
  // Centred on the mean device time, so large clock values lose no precision in the sums.
  let mx = 0;
  let my = 0;
  for (const i of idx) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= idx.length;
  my /= idx.length;
  let sxx = 0;
  let sxy = 0;
  for (const i of idx) {
    const dx = (x[i] as number) - mx;
    sxx += dx * dx;
    sxy += dx * ((y[i] as number) - my);
  }
  return { origin: mx, offset: my, drift: sxx > 0 ? sxy / sxx : 0 };
}

/** Median of pairwise slopes (pairs thinned to about 100,000 for long sessions), line through the medians. */
function theilSen(x: ArrayLike<number>, y: ArrayLike<number>): Omit<OffsetFit, 'points' | 'spread'> {
  const n = x.length;
  const step = Math.max(1, Math.floor((n * n) / 2 / 100_000));
  const slopes: number[] = [];
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (k++ % step !== 0) continue;
      const dx = (x[j] as number) - (x[i] as number);
      if (dx !== 0) slopes.push(((y[j] as number) - (y[i] as number)) / dx);
    }
  const drift = slopes.length > 0 ? median(slopes) : 0;
  const origin = median(Array.from(x));
  const offset = median(Array.from({ length: n }, (_, i) => (y[i] as number) - drift * ((x[i] as number) - origin)));
  return { origin, offset, drift };
}

function residual(fit: Omit<OffsetFit, 'points' | 'spread'>, x: ArrayLike<number>, y: ArrayLike<number>, i: number) {
  return (y[i] as number) - fit.offset - fit.drift * ((x[i] as number) - fit.origin);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
