import { findFlights } from './find-flights.ts';
import { lowPass } from './low-pass.ts';
import { stepRegularity } from './step-regularity.ts';
import { verticalForce } from './vertical-force.ts';

/** Where the IMU is worn: the defaults and the method's limits depend on it (docs/architecture.md, src/biomech/). */
export const JUMP_PLACEMENTS = ['waist', 'pelvis', 'wrist', 'ankle', 'thigh'] as const;
export type JumpPlacement = (typeof JUMP_PLACEMENTS)[number];

/** An accelerometer trace, with the gyroscope where there is one. */
export interface JumpTrace {
  /** Sample times, s (non-decreasing; the rate is taken from their median step). */
  t: Float64Array;
  /** [n x 3] specific force, m/s^2 (+g upward at rest), sensor frame. */
  acc: Float32Array;
  /** [n x 3] angular velocity, rad/s, sensor frame. */
  gyro?: Float32Array;
}

/** One jump found in a trace. Times on the trace's clock (s), heights in m, accelerations in m/s^2. */
export interface Jump {
  /** 'stride': a flight of running (only with includeStrides). */
  kind: 'jump' | 'stride';
  /** Start of the flight: the specific force falls below the free-fall threshold. */
  takeoff: number;
  /** End of the flight: the landing impact begins. */
  landing: number;
  /** landing - takeoff, s. */
  flightTime: number;
  /** Flight-time method, h = g t^2 / 8 (take-off and landing at the same height), m. */
  height: number;
  /** Take-off velocity method, v^2 / 2g, v from the world-vertical specific force integrated from a still period, m. */
  heightByVelocity?: number;
  /** That vertical take-off velocity, m/s. */
  takeoffVelocity?: number;
  /** Ground contact since the previous landing (a jump's or a drop's) when within `maxContact`, s. */
  contactTime?: number;
  /** Reactive strength index, height / contactTime (m/s). */
  rsi?: number;
  /** Onset of the countermovement (unweighting), when there is one, s. */
  movementStart?: number;
  /** RSImod, height / (takeoff - movementStart) (m/s). */
  rsiMod?: number;
  /** Peak specific-force magnitude in the landing, m/s^2 (gravity included). */
  peakLandingAcc: number;
}

export interface DetectJumpsOptions {
  placement?: JumpPlacement;
  /** m/s^2. */
  gravity?: number;
  /** Free fall: low-passed magnitude below this many g. */
  freeFall?: number;
  /** Low-pass cutoff for the magnitude (Hz). */
  cutoff?: number;
  /** Shortest flight reported as a jump, s. */
  minFlight?: number;
  /** Longest, s (a sensor dropped or thrown is not a jump). */
  maxFlight?: number;
  /**
   * The push-off before and the landing after must each show at least this fraction of the
   * impulse g t / 2 a flight of t seconds needs (from the low-passed magnitude).
   */
  minImpulse?: number;
  /** A landing decelerates the body: the peak within 0.25 s after landing exceeds this many g. */
  minLandingPeak?: number;
  /**
   * A flight amid a signal this periodic at step rates (stepRegularity, 0-1) is a running stride,
   * not a jump. Above 1: every flight is a jump (repeated hops, rebound jumps).
   */
  maxRegularity?: number;
  /** Report running strides too (kind 'stride'). */
  includeStrides?: boolean;
  /** Limb placements: move each edge to the steepest force step within this many seconds (0 = off). */
  snap?: number;
  /** Contact time and RSI are reported when the previous landing is at most this long before take-off, s. */
  maxContact?: number;
}

type Resolved = Required<Omit<DetectJumpsOptions, 'placement'>> & { placement: JumpPlacement };

const BASE = {
  gravity: 9.81,
  freeFall: 0.5,
  cutoff: 6,
  minFlight: 0.15,
  maxFlight: 1.2,
  minImpulse: 0.5,
  minLandingPeak: 1.5,
  maxRegularity: 0.6,
  includeStrides: false,
  maxContact: 1,
  snap: 0,
};

/** Per-placement defaults (why: docs/architecture.md, "src/biomech/"). */
const PLACEMENT_DEFAULTS: Record<JumpPlacement, Partial<Resolved>> = {
  waist: {},
  pelvis: {},
  // Limb segments keep turning after toe-off and before touchdown: edges snap to the force steps.
  wrist: { snap: 0.25 },
  ankle: { snap: 0.25 },
  thigh: { snap: 0.25 },
};

/**
 * The jumps in an IMU trace: each flight (free fall between a push-off and a landing impact) with
 * its height by the flight-time method, and where the trace allows, by the take-off velocity,
 * contact time, RSI and RSImod. Thresholds are physical (fractions of g), not fitted per subject.
 */
export function detectJumps(trace: JumpTrace, options: DetectJumpsOptions = {}): Jump[] {
  const o = resolve(options);
  const { t, acc, gyro } = trace;
  const n = t.length;
  if (acc.length !== n * 3) throw new Error(`detectJumps(): acc must be n x 3 = ${n * 3} values, got ${acc.length}`);
  if (gyro !== undefined && gyro.length !== n * 3)
    throw new Error(`detectJumps(): gyro must be n x 3 = ${n * 3} values, got ${gyro.length}`);
  if (n < 4) return [];
  const g = o.gravity;
  const rate = medianRate(t);
  const raw = new Float64Array(n);
  for (let k = 0; k < n; k++)
    raw[k] = Math.hypot(acc[3 * k] as number, acc[3 * k + 1] as number, acc[3 * k + 2] as number);
  // Low-pass the vector, then take its magnitude: a rattling strap's oscillation cancels in the
  // vector but would add up in the magnitude.
  const axes = [0, 1, 2].map((c) =>
    lowPass(
      Array.from({ length: n }, (_, k) => acc[3 * k + c] as number),
      rate,
      o.cutoff,
    ),
  ) as [Float64Array, Float64Array, Float64Array];
  const smooth = new Float64Array(n);
  for (let k = 0; k < n; k++) smooth[k] = Math.hypot(axes[0][k] as number, axes[1][k] as number, axes[2][k] as number);
  const flights = findFlights(t, raw, smooth, {
    threshold: o.freeFall * g,
    minFlight: o.minFlight,
    maxFlight: o.maxFlight,
    mergeGap: 0.03,
    reach: 0.5 / o.cutoff,
    snap: o.snap,
  });
  const vertical = verticalForce(t, acc, gyro, { gravity: g });
  const jumps: Jump[] = [];
  let previousLanding = -Infinity;
  let previousFlight = -Infinity;
  for (const [i, f] of flights.entries()) {
    const flightTime = f.landing - f.takeoff;
    // Impulse balance (magnitude, so an upper bound of the vertical): the push-off must have given
    // about g t / 2 upward and the landing must take about as much away. The top of a fast
    // stand-up or a drop into a chair unloads as a flight does, but fails one side.
    const due = (g * flightTime) / 2;
    const push = excessImpulse(t, smooth, indexAt(t, Math.max(f.takeoff - 1, previousFlight)), f.takeoffIndex, g);
    const next = flights[i + 1]?.takeoff ?? Infinity;
    const absorb = excessImpulse(t, smooth, f.landingIndex, indexAt(t, Math.min(f.landing + 0.4, next)), g);
    const end = indexAt(t, f.landing + 0.25);
    let peak = 0;
    for (let k = Math.max(0, f.landingIndex - 1); k <= end; k++) peak = Math.max(peak, raw[k] as number);
    previousFlight = f.landing;
    const landed = absorb >= o.minImpulse * due && peak >= o.minLandingPeak * g;
    const touchdown = previousLanding;
    // A flight that landed but was not pushed off (a drop from a box) is no jump, but the
    // ground contact of the drop jump that follows counts from its landing.
    if (landed) previousLanding = f.landing;
    if (!landed || push < o.minImpulse * due) continue;
    const regularity = stepRegularity(smooth, indexAt(t, f.takeoff - 2), indexAt(t, f.landing + 2), rate);
    const kind = regularity > o.maxRegularity ? 'stride' : 'jump';
    if (kind === 'stride' && !o.includeStrides) continue;
    const height = (g * flightTime * flightTime) / 8;
    const jump: Jump = { kind, takeoff: f.takeoff, landing: f.landing, flightTime, height, peakLandingAcc: peak };
    const contact = f.takeoff - touchdown;
    if (contact <= o.maxContact) {
      jump.contactTime = contact;
      jump.rsi = height / contact;
    }
    const onset = countermovementOnset(
      t,
      smooth,
      raw,
      f.takeoffIndex,
      Math.max(touchdown, f.takeoff - 1.5),
      g,
      0.5 / o.cutoff,
    );
    if (onset !== undefined) {
      jump.movementStart = onset;
      jump.rsiMod = height / (f.takeoff - onset);
    }
    const from = Math.max(touchdown, f.takeoff - 3);
    const v = takeoffVelocity(t, smooth, vertical, gyro, f, onset ?? f.takeoff - 0.6, from, g);
    if (v !== undefined) {
      jump.takeoffVelocity = v;
      if (v > 0) jump.heightByVelocity = (v * v) / (2 * g);
    }
    jumps.push(jump);
  }
  return jumps;
}

/** The integral of (x - g) over samples (from, to], in m/s. */
function excessImpulse(t: Float64Array, x: Float64Array, from: number, to: number, g: number): number {
  let sum = 0;
  for (let k = Math.max(1, from + 1); k <= Math.min(to, t.length - 1); k++)
    sum += ((x[k] as number) - g) * ((t[k] as number) - (t[k - 1] as number));
  return sum;
}

function resolve(options: DetectJumpsOptions): Resolved {
  const placement = options.placement ?? 'waist';
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...BASE, ...PLACEMENT_DEFAULTS[placement], ...defined, placement } as Resolved;
}

/**
 * The countermovement's onset: the unweighting is the lowest low-passed magnitude (below 0.9 g)
 * before the push-off peak; its onset the last time before it the magnitude was still at
 * 0.95 g or more. Undefined without an unweighting (a squat jump, a rebound).
 */
function countermovementOnset(
  t: Float64Array,
  smooth: Float64Array,
  raw: Float64Array,
  takeoffIndex: number,
  earliest: number,
  g: number,
  reach: number,
): number | undefined {
  const from = indexAt(t, earliest);
  let peakIndex = takeoffIndex - 1;
  for (let k = takeoffIndex - 1; k >= from && (t[takeoffIndex] as number) - (t[k] as number) <= 0.6; k--)
    if ((smooth[k] as number) > (smooth[peakIndex] as number)) peakIndex = k;
  let low = -1;
  for (let k = peakIndex; k >= from && (t[peakIndex] as number) - (t[k] as number) <= 0.8; k--)
    if (low < 0 || (smooth[k] as number) < (smooth[low] as number)) low = k;
  if (low < 0 || (smooth[low] as number) >= 0.9 * g) return undefined;
  const level = 0.95 * g;
  const crossing = (x: Float64Array, k: number) => {
    const x0 = x[k - 1] as number;
    const x1 = x[k] as number;
    return (t[k - 1] as number) + ((t[k] as number) - (t[k - 1] as number)) * ((x0 - level) / (x0 - x1));
  };
  for (let k = low; k > from; k--) {
    if ((smooth[k - 1] as number) < level) continue;
    // The low-pass leads a sharp unweighting: the raw crossing nearest the smoothed one, if any.
    const centre = crossing(smooth, k);
    let best: number | undefined;
    for (let j = Math.max(1, indexAt(t, centre - reach)); j < t.length && (t[j] as number) <= centre + reach; j++) {
      if ((raw[j - 1] as number) < level || (raw[j] as number) >= level) continue;
      const at = crossing(raw, j);
      if (best === undefined || Math.abs(at - centre) < Math.abs(best - centre)) best = at;
    }
    return best ?? centre;
  }
  return undefined;
}

/**
 * Vertical take-off velocity: the world-vertical specific force minus g, integrated from the end
 * of the last still period (velocity zero) before `movement`, up to the take-off. The specific
 * force is summed to mid-flight (in the air it is about zero, so the sum does not depend on
 * where in its sample the take-off fell) and g over the exact interval. g is the still period's
 * own mean, which cancels a scale error of the accelerometer. Undefined without a still period.
 */
function takeoffVelocity(
  t: Float64Array,
  smooth: Float64Array,
  vertical: Float64Array,
  gyro: Float32Array | undefined,
  flight: { takeoff: number; landing: number },
  movement: number,
  earliest: number,
  g: number,
): number | undefined {
  const still = (k: number) =>
    Math.abs((smooth[k] as number) - g) < 0.05 * g &&
    (gyro === undefined ||
      Math.hypot(gyro[3 * k] as number, gyro[3 * k + 1] as number, gyro[3 * k + 2] as number) < 0.5);
  const span = 0.1;
  const lowest = indexAt(t, earliest);
  const last = Math.min(indexAt(t, movement), t.length - 1);
  // The last sample at or before the movement that ends a still run of at least `span` seconds.
  let end = -1;
  let runStart = Infinity;
  for (let k = lowest; k <= last; k++) {
    if (!still(k)) {
      runStart = Infinity;
      continue;
    }
    if (runStart === Infinity) runStart = t[k] as number;
    if ((t[k] as number) - runStart >= span) end = k;
  }
  if (end < 0) return undefined;
  let sum = 0;
  let count = 0;
  for (let k = end; k >= 0 && (t[end] as number) - (t[k] as number) < span; k--) {
    sum += vertical[k] as number;
    count++;
  }
  const gLocal = sum / count;
  const mid = (flight.takeoff + flight.landing) / 2;
  let impulse = 0;
  for (let k = end + 1; k < t.length && (t[k] as number) <= mid; k++)
    impulse += (vertical[k] as number) * ((t[k] as number) - (t[k - 1] as number));
  return impulse - gLocal * (flight.takeoff - (t[end] as number));
}

/** The first index with t >= time (clamped to the trace). */
function indexAt(t: Float64Array, time: number): number {
  let lo = 0;
  let hi = t.length - 1;
  if (time <= (t[0] as number)) return 0;
  if (time > (t[hi] as number)) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((t[mid] as number) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function medianRate(t: Float64Array): number {
  const steps: number[] = [];
  for (let k = 1; k < t.length; k++) steps.push((t[k] as number) - (t[k - 1] as number));
  steps.sort((a, b) => a - b);
  const step = steps[steps.length >> 1] as number;
  if (!(step > 0)) throw new Error('detectJumps(): sample times must increase');
  return 1 / step;
}
