/**
 * Flight phases in an accelerometer trace: where the specific force's magnitude says free fall.
 * A candidate is a run of the low-passed magnitude below `threshold` (short gaps bridged: a
 * loose strap rattles in the air); its edges are then refined on the raw magnitude (the raw
 * crossing of the threshold nearest the smoothed one, interpolated between samples), since the
 * low-pass would shift a sharp landing edge. Times are on the trace's clock.
 */
export interface FlightPhase {
  takeoff: number;
  landing: number;
  /** First sample in the air. */
  takeoffIndex: number;
  /** First sample after landing. */
  landingIndex: number;
}

export interface FindFlightsOptions {
  /** Free fall when the magnitude is below this (m/s^2). */
  threshold: number;
  /** Shortest and longest flight kept (s). */
  minFlight: number;
  maxFlight: number;
  /** Runs separated by less than this are one flight (s). */
  mergeGap: number;
  /** How far from the smoothed edge the raw crossing may lie (s). */
  reach: number;
  /**
   * Limb sensors (s, 0 = off): the edge moves to the steepest fall (take-off) or rise (landing)
   * of the raw magnitude within this far outside the threshold edge. A segment still turning
   * after toe-off reads centripetal and tangential acceleration that dies away over 0.1 s or
   * so, but the ground's force vanishes, and returns, at once.
   */
  snap?: number;
}

export function findFlights(
  t: Float64Array,
  raw: Float64Array,
  smooth: Float64Array,
  options: FindFlightsOptions,
): FlightPhase[] {
  const n = t.length;
  const runs: [number, number][] = [];
  let start = -1;
  for (let k = 0; k <= n; k++) {
    const below = k < n && (smooth[k] as number) < options.threshold;
    if (below && start < 0) start = k;
    if (!below && start >= 0) {
      const prev = runs[runs.length - 1];
      if (prev !== undefined && (t[start] as number) - (t[prev[1] - 1] as number) <= options.mergeGap) prev[1] = k;
      else runs.push([start, k]);
      start = -1;
    }
  }
  const flights: FlightPhase[] = [];
  for (const [a, b] of runs) {
    // A run that touches either end of the trace has an unseen edge.
    if (a === 0 || b === n) continue;
    let takeoff = refineEdge(t, raw, smooth, a, options, 'down');
    let landing = refineEdge(t, raw, smooth, b, options, 'up');
    if ((options.snap ?? 0) > 0) {
      takeoff = snapEdge(t, raw, takeoff, options, 'down');
      landing = snapEdge(t, raw, landing, options, 'up');
    }
    const flight = landing.time - takeoff.time;
    if (flight < options.minFlight || flight > options.maxFlight) continue;
    flights.push({
      takeoff: takeoff.time,
      landing: landing.time,
      takeoffIndex: takeoff.index,
      landingIndex: landing.index,
    });
  }
  return flights;
}

/**
 * The raw crossing of the threshold nearest sample `k` (the smoothed edge: k is the first sample
 * after the crossing), in the given direction, within `reach`; the smoothed crossing if none.
 */
function refineEdge(
  t: Float64Array,
  raw: Float64Array,
  smooth: Float64Array,
  k: number,
  options: FindFlightsOptions,
  direction: 'down' | 'up',
): { time: number; index: number } {
  const thr = options.threshold;
  const crosses = (x: Float64Array, j: number) =>
    direction === 'down'
      ? (x[j - 1] as number) >= thr && (x[j] as number) < thr
      : (x[j - 1] as number) < thr && (x[j] as number) >= thr;
  const at = (x: Float64Array, j: number) => {
    const x0 = x[j - 1] as number;
    const x1 = x[j] as number;
    const t0 = t[j - 1] as number;
    return t0 + ((t[j] as number) - t0) * ((x0 - thr) / (x0 - x1));
  };
  // Each sample is taken as the mean over its interval (t[j-1], t[j]] (an integrating sensor
  // behind an anti-alias filter; the virtual IMU does the same). The sample the edge falls in
  // then holds the contact level times the share of its interval on the ground: that share,
  // against the neighbouring sample's level, places the edge within the sample.
  const within = (j: number) => {
    if (direction === 'down') {
      const last = j - 1; // the last sample at or above the threshold
      if (last < 1) return at(raw, j);
      const share = Math.min(1, (raw[last] as number) / Math.max(raw[last - 1] as number, thr));
      return (t[last - 1] as number) + ((t[last] as number) - (t[last - 1] as number)) * share;
    }
    if (j + 1 >= t.length) return at(raw, j);
    const share = Math.min(1, (raw[j] as number) / Math.max(raw[j + 1] as number, thr));
    return (t[j] as number) - ((t[j] as number) - (t[j - 1] as number)) * share;
  };
  const centre = t[k] as number;
  let best = -1;
  for (let j = Math.max(1, k - 1); j < t.length && (t[j] as number) - centre <= options.reach; j++) {
    if (crosses(raw, j) && (best < 0 || Math.abs((t[j] as number) - centre) < Math.abs((t[best] as number) - centre)))
      best = j;
  }
  for (let j = k - 1; j >= 1 && centre - (t[j] as number) <= options.reach; j--) {
    if (crosses(raw, j) && (best < 0 || Math.abs((t[j] as number) - centre) < Math.abs((t[best] as number) - centre)))
      best = j;
  }
  if (best >= 0) return { time: within(best), index: best };
  return { time: k > 0 && crosses(smooth, k) ? at(smooth, k) : centre, index: k };
}

/** The steepest fall (before a take-off) or rise (after a landing) within `snap` seconds. */
function snapEdge(
  t: Float64Array,
  raw: Float64Array,
  edge: { time: number; index: number },
  options: FindFlightsOptions,
  direction: 'down' | 'up',
): { time: number; index: number } {
  const snap = options.snap as number;
  let best = edge.index;
  let steepest = -Infinity;
  const step = direction === 'down' ? -1 : 1;
  for (let j = edge.index; j >= 1 && j < t.length && Math.abs((t[j] as number) - edge.time) <= snap; j += step) {
    const change =
      direction === 'down' ? (raw[j - 1] as number) - (raw[j] as number) : (raw[j] as number) - (raw[j - 1] as number);
    if (change > steepest) [steepest, best] = [change, j];
  }
  if (best === edge.index) return edge;
  // The step falls between samples best - 1 and best (to a sample: the levels on either side
  // are not the contact and free-fall levels the within-sample estimate needs).
  return { time: t[best - 1] as number, index: best };
}
