import type { JumpTrace } from '../../src/biomech/detect-jumps.ts';

/** A stretch of constant vertical specific force (m/s^2) lasting `dur` seconds. */
export interface Segment {
  dur: number;
  f: number;
}

/**
 * A vertical accelerometer trace of piecewise-constant specific force, sampled as an integrating
 * sensor does: sample k at t_k = (k + 1) / rate is the exact mean over (t_k - 1/rate, t_k]. So a
 * take-off or landing between two samples is known to the microsecond: the hand-worked answer.
 */
export function piecewiseTrace(segments: Segment[], rate: number): JumpTrace {
  const total = segments.reduce((s, x) => s + x.dur, 0);
  const n = Math.floor(total * rate);
  const t = new Float64Array(n);
  const acc = new Float32Array(n * 3);
  const edges: number[] = [0];
  for (const s of segments) edges.push((edges[edges.length - 1] as number) + s.dur);
  for (let k = 0; k < n; k++) {
    const b = (k + 1) / rate;
    const a = b - 1 / rate;
    let area = 0;
    segments.forEach((s, i) => {
      const lo = Math.max(a, edges[i] as number);
      const hi = Math.min(b, edges[i + 1] as number);
      if (hi > lo) area += s.f * (hi - lo);
    });
    t[k] = b;
    acc[k * 3 + 2] = area * rate;
  }
  return { t, acc };
}

export const G = 9.81;

/**
 * A countermovement jump from standing with a flight of `flight` s: unweighting (0.6 g for
 * 0.25 s), push-off (constant force for 0.3 s, sized so the take-off velocity is g t / 2), the
 * flight, then a landing that takes the same velocity away in 0.15 s. The first segment starts
 * at `lead` s of quiet standing.
 */
export function countermovementJump(flight: number, lead = 1, after = 1): Segment[] {
  const v0 = (G * flight) / 2;
  const dip = -0.4 * G * 0.25; // velocity at the bottom of the unweighting
  return [
    { dur: lead, f: G },
    { dur: 0.25, f: 0.6 * G },
    { dur: 0.3, f: G + (v0 - dip) / 0.3 },
    { dur: flight, f: 0 },
    { dur: 0.15, f: G + v0 / 0.15 },
    { dur: after, f: G },
  ];
}
