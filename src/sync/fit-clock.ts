/**
 * A device clock against the host clock, from packet arrivals.
 *
 * Each packet gives a pair (device time of its last sample, host arrival time). Arrival =
 * true host time + transport delay, and the delay is one-sided and bursty: never negative, often
 * near its minimum, sometimes tens of milliseconds (BLE delivers a connection event's packets
 * within ~2 ms, then nothing for tens of ms; ../shared/SENSORS.md). An ordinary least-squares
 * line through the pairs is therefore biased by the mean delay and tilted by where the long
 * delays happen to fall. The packets that arrived fastest carry the information: they lie on the
 * lower envelope of the (device, host) cloud, so we fit that envelope.
 *
 * Method. Among lines that lie below (or on) every point, take the one that minimises the summed
 * vertical distance to all points; that is the linear programme whose optimum is the edge of the
 * lower convex hull above the mean device time (the objective reduces to "highest line at the
 * mean"). Late outliers lie above the envelope and cannot move it. An early outlier (a packet
 * with a wrong device stamp) would pull the hull down, so points far below a robust pre-fit
 * (Theil-Sen line through per-bin minima) are dropped first.
 *
 * What cannot be seen. A constant part of the delay (the minimum transport delay) is
 * indistinguishable from a clock offset: the fit maps device time to "host time + minimum
 * delay". Only the variable part is removed.
 *
 * Precision. Device and host times can both be ~1e9 s (seconds since an epoch); float64 then
 * resolves ~0.1 us, but squaring or multiplying such values loses everything. We work on
 * x = device - origin and y = (host - device) - y0, both small, and the line in y has a slope of
 * ~1e-4 (the drift) rather than ~1.
 */

export interface ClockFit {
  /** host = device + offset + drift * (device - origin), all seconds */
  origin: number;
  offset: number;
  drift: number;
  points: number;
  /** robust spread of the residuals (s) */
  spread: number;
}

/**
 * The largest drift a fit may have: 1 % (ceramic resonators are good to ~0.5 %, crystals to
 * ~0.01 %). Without a bound, a young fit or a buffer's backlog arriving at once (device time
 * running on while host time stands still) gives absurd slopes.
 */
export const MAX_DRIFT = 0.01;

/** Points further below the robust pre-fit than this many spreads (and than EARLY_FLOOR) are dropped as early outliers. */
const EARLY_SPREADS = 8;
const EARLY_FLOOR = 0.002;
const PREFIT_BINS = 48;

/** Robust linear fit of host time against device time (offset + drift) over (device time, host arrival) pairs; arrival delays are one-sided (a packet is never early), so it fits the lower envelope. */
export function fitClock(device: ArrayLike<number>, host: ArrayLike<number>): ClockFit {
  const n = device.length;
  if (host.length !== n) throw new Error(`fitClock(): device and host differ in length (${n} vs ${host.length})`);
  if (n === 0) throw new Error('fitClock(): no points');
  const order = sortedOrder(device);
  const origin = device[order[0] as number] as number;
  const y0 = (host[order[0] as number] as number) - origin;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const d = device[i] as number;
    const h = host[i] as number;
    if (!Number.isFinite(d) || !Number.isFinite(h))
      throw new Error(`fitClock(): point ${i} is not finite (${d}, ${h})`);
    x[k] = d - origin;
    y[k] = h - d - y0;
  }
  const keep = dropEarlyOutliers(x, y);
  const { a, b } = lowerEnvelopeLine(x, y, keep);
  const residuals = new Float64Array(n);
  for (let k = 0; k < n; k++) residuals[k] = (y[k] as number) - a - b * (x[k] as number);
  return { origin, offset: y0 + a, drift: b, points: n, spread: robustSpread(residuals) };
}

/** Host time of a device time by a fit. */
export function clockFitToHost(fit: ClockFit, deviceTime: number): number {
  return deviceTime + fit.offset + fit.drift * (deviceTime - fit.origin);
}

/** Indices that sort `v` ascending (stable); the identity when already sorted, as packet streams are. */
function sortedOrder(v: ArrayLike<number>): Uint32Array {
  const n = v.length;
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && (v[i] as number) < (v[i - 1] as number)) sorted = false;
  }
  if (!sorted) order.sort((p, q) => (v[p] as number) - (v[q] as number) || p - q);
  return order;
}

/**
 * The line y = a + b x under all kept points that is highest at their mean x: the lower hull's
 * edge that spans the mean (Andrew's monotone chain; x is sorted). One distinct x: offset only.
 */
function lowerEnvelopeLine(x: Float64Array, y: Float64Array, keep: Uint8Array): { a: number; b: number } {
  const hull: number[] = [];
  let sum = 0;
  let count = 0;
  for (let k = 0; k < x.length; k++) {
    if (!keep[k]) continue;
    sum += x[k] as number;
    count++;
    const xk = x[k] as number;
    const yk = y[k] as number;
    // Same x as the last hull point: keep the lower one.
    if (hull.length > 0 && x[hull[hull.length - 1] as number] === xk) {
      if (yk >= (y[hull[hull.length - 1] as number] as number)) continue;
      hull.pop();
    }
    while (hull.length >= 2) {
      const p = hull[hull.length - 2] as number;
      const q = hull[hull.length - 1] as number;
      // Pop q when it is not strictly below the segment p -> k (cross product <= 0).
      const cross =
        ((x[q] as number) - (x[p] as number)) * (yk - (y[p] as number)) -
        ((y[q] as number) - (y[p] as number)) * (xk - (x[p] as number));
      if (cross > 0) break;
      hull.pop();
    }
    hull.push(k);
  }
  if (hull.length === 1) return { a: y[hull[0] as number] as number, b: 0 };
  const mean = sum / count;
  let e = 0;
  while (e < hull.length - 2 && (x[hull[e + 1] as number] as number) < mean) e++;
  const p = hull[e] as number;
  const q = hull[e + 1] as number;
  const b = ((y[q] as number) - (y[p] as number)) / ((x[q] as number) - (x[p] as number));
  if (Math.abs(b) <= MAX_DRIFT) return { a: (y[p] as number) - b * (x[p] as number), b };
  // The objective is concave in the slope, so the bounded optimum is at the bound: the line of
  // that slope through the hull vertex that supports it (hull edge slopes increase along the hull).
  const bound = Math.sign(b) * MAX_DRIFT;
  let v = 0;
  while (v < hull.length - 1 && edgeSlope(x, y, hull[v] as number, hull[v + 1] as number) < bound) v++;
  const at = hull[v] as number;
  return { a: (y[at] as number) - bound * (x[at] as number), b: bound };
}

function edgeSlope(x: Float64Array, y: Float64Array, p: number, q: number): number {
  return ((y[q] as number) - (y[p] as number)) / ((x[q] as number) - (x[p] as number));
}

/**
 * 1 for points to keep. A robust pre-fit: the minimum of each of PREFIT_BINS bins over x (the
 * envelope, sampled), a Theil-Sen line through those minima (the median pairwise slope, so a
 * few bad bins cannot tilt it), then points far below it are early outliers.
 */
function dropEarlyOutliers(x: Float64Array, y: Float64Array): Uint8Array {
  const n = x.length;
  const keep = new Uint8Array(n).fill(1);
  const span = (x[n - 1] as number) - (x[0] as number);
  if (n < 4 * PREFIT_BINS || span <= 0) return keep;
  const bx = new Float64Array(PREFIT_BINS).fill(NaN);
  const by = new Float64Array(PREFIT_BINS).fill(Infinity);
  for (let k = 0; k < n; k++) {
    const bin = Math.min(PREFIT_BINS - 1, Math.floor((((x[k] as number) - (x[0] as number)) / span) * PREFIT_BINS));
    if ((y[k] as number) < (by[bin] as number)) {
      by[bin] = y[k] as number;
      bx[bin] = x[k] as number;
    }
  }
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < PREFIT_BINS; i++) {
    if (Number.isFinite(bx[i] as number)) {
      px.push(bx[i] as number);
      py.push(by[i] as number);
    }
  }
  const slopes: number[] = [];
  for (let i = 0; i < px.length; i++)
    for (let j = i + 1; j < px.length; j++)
      if ((px[j] as number) > (px[i] as number))
        slopes.push(((py[j] as number) - (py[i] as number)) / ((px[j] as number) - (px[i] as number)));
  if (slopes.length === 0) return keep;
  const b = median(slopes);
  const a = median(px.map((xi, i) => (py[i] as number) - b * xi));
  const binResiduals = px.map((xi, i) => (py[i] as number) - a - b * xi);
  const tolerance = Math.max(EARLY_FLOOR, EARLY_SPREADS * robustSpread(binResiduals));
  for (let k = 0; k < n; k++) if ((y[k] as number) - a - b * (x[k] as number) < -tolerance) keep[k] = 0;
  return keep;
}

/** 1.4826 x the median absolute deviation from the median: the standard deviation for normal data, unmoved by a few outliers. */
function robustSpread(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  const v = Float64Array.from(values);
  const m = median(v);
  for (let i = 0; i < v.length; i++) v[i] = Math.abs((v[i] as number) - m);
  return 1.4826 * median(v);
}

/** The median in O(n) (quickselect; reorders a copy of the values). */
function median(values: ArrayLike<number>): number {
  const v = Float64Array.from(values);
  const h = v.length >> 1;
  const upper = select(v, h);
  return v.length % 2 ? upper : (select(v, h - 1) + upper) / 2;
}

/** The k-th smallest value; partially sorts `v` (Hoare partition round the middle value). */
function select(v: Float64Array, k: number): number {
  let lo = 0;
  let hi = v.length - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((v[i] as number) < pivot) i++;
      while ((v[j] as number) > pivot) j--;
      if (i <= j) {
        const t = v[i] as number;
        v[i++] = v[j] as number;
        v[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return v[k] as number;
}
