// Over 400 lines: simulateMotion is one time loop whose phases share the planted-foot, pelvis and contact state.
import type { BodyDimensions } from './anthropometry.ts';
import {
  BODY_JOINTS,
  blendPoses,
  forwardKinematics,
  legChain,
  pelvisOrientation,
  withPelvisTilt,
  type BodyFrame,
  type JointAngles,
} from './body-model.ts';
import { legOf, reachShortfall, solveLeg, type LegMemo } from './leg-solver.ts';
import type { Vec3 } from './rotation.ts';

/**
 * Turns a motion program (a list of phases) into a trajectory sampled every `dt`: joint angles
 * interpolated between key poses, and the body placed in the world so that, during contact, the
 * supporting foot's ball stays where it was planted (no sliding, nothing below the floor), and in
 * flight the pelvis follows a ballistic path from its take-off velocity. A second planted foot
 * (double support) is held by solving its leg's hip and knee angles (two-link inverse kinematics,
 * leg-solver.ts).
 */
export const GRAVITY = 9.81;

export type Ease = 'smooth' | 'accelerate' | 'decelerate' | 'linear';
export interface ContactPhase {
  kind: 'contact';
  /** Feet on the floor; with 'both', `anchor` is the one whose angles are given, the other leg is solved. */
  feet: 'both' | 'left' | 'right';
  anchor?: 'left' | 'right';
  duration: number;
  to: JointAngles;
  ease: Ease;
  /**
   * Instead of `ease`, time the blend so that the pelvis's height over the anchor's ball of the
   * foot follows a force-like profile: 'launch' starts at rest, and ends at its fastest with zero
   * acceleration (propulsion: v_end = 2 x rise / duration); 'absorb' is its mirror (landing: starts
   * at its fastest, ends at rest; its duration is then set from the speed the pelvis arrives
   * with). Peak acceleration is pi/2 x v_end / duration.
   */
  pelvisProfile?: 'launch' | 'absorb';
  /**
   * Leg joints out of step (see sequencedBlend): > 0 the hips lead and the knees and ankles lag,
   * as in a push-off, where the hip's extension ends first and the knees' and ankles' last, so
   * the pelvis leaves straight up from above the feet; < 0 the reverse, as in a landing. 0 or
   * absent: all joints together.
   */
  legSequence?: number;
  /**
   * Single support: the pelvis keeps its horizontal place and only rises or sinks (its height
   * from the pose blend), the stance leg solved to keep its foot planted. For running on the
   * spot: a blend of leg angles alone would swing the pelvis forward or back at push-off.
   */
  pelvisVertical?: boolean;
  /**
   * Single support only: the free foot's ball ends this phase on the floor (a step: the next
   * phase can plant it where it touched down). Without it the free foot goes where the pose puts
   * it; in both cases it is never put through the floor (its leg is bent instead).
   */
  plant?: boolean;
  label: string;
}
export interface FlightPhase {
  kind: 'flight';
  /** Pose of the arms and trunk at landing (the legs keep their take-off angles in the air). */
  to: JointAngles;
  /** The foot that lands first. */
  lands: 'left' | 'right';
  /**
   * 'hold' (default): the legs keep their take-off angles, so the pelvis lands at the height it
   * left from (jumps: the flight time then gives the height exactly). 'swing': the legs move to
   * `to` as well (running strides).
   */
  legs?: 'hold' | 'swing';
  label: string;
}
export type Phase = ContactPhase | FlightPhase;

export interface MotionTrajectory {
  dt: number;
  /** Per step: the body frame (joints and segment orientations). */
  frames: BodyFrame[];
  /** Per step: index into `phaseLabels`. */
  phase: Uint8Array;
  phaseLabels: string[];
  /** Per step: the feet on the floor, as bits (1 left, 2 right); 0 in flight. */
  contact: Uint8Array;
  /** Flights: take-off and landing times (s) and the pelvis rise v_z^2 / 2g (m). */
  flights: { takeoff: number; landing: number; height: number }[];
}

/** Normalised displacement of the 'launch' profile: velocity 1 - cos(pi s), so G'(0) = 0, G'(1) = 2, G''(1) = 0. */
function launchDisplacement(s: number): number {
  return s - Math.sin(Math.PI * s) / Math.PI;
}

/**
 * The blend weight at each normalised time s that makes the pelvis height over the anchor ball,
 * z(w), follow the profile: z(w) = z(0) + (z(1) - z(0)) G(s). z(w) is tabulated by forward
 * kinematics and inverted by interpolation (made monotone first, should a pose blend dip).
 */
function profileTiming(
  dims: BodyDimensions,
  from: JointAngles,
  to: JointAngles,
  anchor: 0 | 1,
  profile: 'launch' | 'absorb',
  sequence: number,
): (s: number) => number {
  const m = 200;
  const z = new Float64Array(m + 1);
  for (let i = 0; i <= m; i++) z[i] = -legOf(dims, sequencedBlend(from, to, i / m, sequence), ORIGIN, anchor).toe[2];
  const rising = (z[m] as number) >= (z[0] as number);
  for (let i = 1; i <= m; i++)
    z[i] = rising ? Math.max(z[i] as number, z[i - 1] as number) : Math.min(z[i] as number, z[i - 1] as number);
  const z0 = z[0] as number;
  const span = (z[m] as number) - z0;
  return (s: number) => {
    if (Math.abs(span) < 1e-9) return s;
    const g = profile === 'launch' ? launchDisplacement(s) : 1 - launchDisplacement(1 - s);
    const target = z0 + span * g;
    // Binary search for the table interval holding target, then linear interpolation.
    let lo = 0;
    let hi = m;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (rising ? (z[mid] as number) <= target : (z[mid] as number) >= target) lo = mid;
      else hi = mid;
    }
    const a = z[lo] as number;
    const b = z[hi] as number;
    const f = b === a ? 0 : (target - a) / (b - a);
    return (lo + Math.max(0, Math.min(1, f))) / m;
  };
}

/** Height gained by the pelvis over the ball of foot `anchor` from pose `from` to `to` (m). */
export function pelvisRise(dims: BodyDimensions, from: JointAngles, to: JointAngles, anchor: 0 | 1): number {
  const z = (p: JointAngles) => -legOf(dims, p, ORIGIN, anchor).toe[2];
  return z(to) - z(from);
}

function ease(kind: Ease, s: number): number {
  if (kind === 'linear') return s;
  if (kind === 'accelerate') return s * s;
  if (kind === 'decelerate') return 1 - (1 - s) * (1 - s);
  return s * s * (3 - 2 * s);
}

/**
 * blendPoses with the legs' joints out of step: hip angles move with weight w + c w (1 - w),
 * knees and feet with w - c w (1 - w) (monotone for |c| <= 1). At the end of a push-off (c > 0)
 * the knees then extend about (1 + c) / (1 - c) times as fast as the hips: thigh and shank turn
 * against each other and lift the pelvis vertically, where a plain blend of a nearly straight
 * leg would swing it forward.
 */
export function sequencedBlend(from: JointAngles, to: JointAngles, w: number, c: number): JointAngles {
  const p = blendPoses(from, to, w);
  if (c === 0) return p;
  const hip = w + c * w * (1 - w);
  const distal = w - c * w * (1 - w);
  // The pelvis's tilt moves with the hips, so the thighs' direction in space is the same whether
  // the pelvis or the trunk carries a lean (withPelvisTilt).
  p.pelvisPitch = from.pelvisPitch + (to.pelvisPitch - from.pelvisPitch) * hip;
  p.hipFlex = [
    from.hipFlex[0] + (to.hipFlex[0] - from.hipFlex[0]) * hip,
    from.hipFlex[1] + (to.hipFlex[1] - from.hipFlex[1]) * hip,
  ];
  p.hipAbd = [
    from.hipAbd[0] + (to.hipAbd[0] - from.hipAbd[0]) * hip,
    from.hipAbd[1] + (to.hipAbd[1] - from.hipAbd[1]) * hip,
  ];
  p.kneeFlex = [
    from.kneeFlex[0] + (to.kneeFlex[0] - from.kneeFlex[0]) * distal,
    from.kneeFlex[1] + (to.kneeFlex[1] - from.kneeFlex[1]) * distal,
  ];
  p.footPitch = [
    from.footPitch[0] + (to.footPitch[0] - from.footPitch[0]) * distal,
    from.footPitch[1] + (to.footPitch[1] - from.footPitch[1]) * distal,
  ];
  return p;
}

const TOE = [BODY_JOINTS.indexOf('l_toe'), BODY_JOINTS.indexOf('r_toe')] as const;
/** How fast the legs' take-off motion dies away in the air, s. */
const TOE_OFF_DECAY = 0.03;
type Pair = [number, number];
const sideIndex = (s: 'left' | 'right'): 0 | 1 => (s === 'left' ? 0 : 1);
const ORIGIN: Vec3 = [0, 0, 0];

export function simulateMotion(
  dims: BodyDimensions,
  start: JointAngles,
  phases: Phase[],
  duration: number,
  dt = 1e-3,
): MotionTrajectory {
  const steps = Math.round(duration / dt);
  const frames: BodyFrame[] = [];
  const phaseOf = new Uint8Array(steps);
  const labels: string[] = [];
  const flights: MotionTrajectory['flights'] = [];
  const labelIndex = (l: string) => {
    let i = labels.indexOf(l);
    if (i < 0) i = labels.push(l) - 1;
    return i;
  };

  // The body starts standing with both balls of the feet on the floor, pelvis over the origin.
  // Key poses as programs write them, with the pelvis taking its share of each trunk lean.
  let pose = withPelvisTilt(start);
  const zero = forwardKinematics(dims, pose, [0, 0, 0]);
  let root: Vec3 = [0, 0, -(zero.joints[TOE[0]] as Vec3)[2]];
  let planted: (Vec3 | undefined)[] = [0, 1].map((i) => floor(add(root, zero.joints[TOE[i as 0 | 1]] as Vec3)));
  let prevRoot: Vec3 = root;
  let prevPose = pose;
  // The pelvis velocity at the last touchdown, until the contact phase after it has used it.
  let arrival: Vec3 | undefined;
  let step = 0;
  // Fraction of a step already elapsed in the next contact phase when it starts: 1 normally; after
  // a landing, the part of the landing step that followed the touchdown (so no step is lost).
  let carry = 1;
  const legMemo: LegMemo = [undefined, undefined];
  const contactOf = new Uint8Array(steps);
  const emit = (frame: BodyFrame, label: string, feet: number) => {
    if (step < steps) {
      frames.push(frame);
      phaseOf[step] = labelIndex(label);
      contactOf[step] = feet;
    }
    step++;
  };

  for (let ph = 0; ph < phases.length; ph++) {
    const phase = { ...(phases[ph] as Phase), to: withPelvisTilt((phases[ph] as Phase).to) } as Phase;
    if (step >= steps) break;
    const from = pose;
    if (phase.kind === 'contact') {
      // Before a flight, the feet leave the floor as soon as the pelvis would need pulling down
      // (vertical acceleration below -g): the floor can push, not pull.
      const endsInFlight = phases[ph + 1]?.kind === 'flight';
      let n = Math.max(1, Math.round(phase.duration / dt));
      const anchor = phase.feet === 'both' ? sideIndex(phase.anchor ?? 'left') : sideIndex(phase.feet);
      const other = (1 - anchor) as 0 | 1;
      planted = [0, 1].map((i) => {
        const onFloor = phase.feet === 'both' || i === anchor;
        return onFloor
          ? (planted[i] ?? floor(add(root, forwardKinematics(dims, pose, [0, 0, 0]).joints[TOE[i as 0 | 1]] as Vec3)))
          : undefined;
      });
      if (phase.pelvisProfile === 'absorb' && arrival !== undefined) {
        // A landing absorbs the speed the pelvis arrives with: duration = 2 x drop / speed, so
        // the profile starts at exactly that speed (no jump in velocity at touchdown).
        const vz = arrival[2];
        const drop = -pelvisRise(dims, from, phase.to, anchor);
        if (vz < -0.05 && drop > 1e-3) n = Math.max(1, Math.round((2 * drop) / -vz / dt));
      }
      arrival = undefined;
      const timing =
        phase.pelvisProfile === undefined
          ? (s: number) => ease(phase.ease, s)
          : profileTiming(dims, from, phase.to, anchor, phase.pelvisProfile, phase.legSequence ?? 0);
      const offset = carry;
      const pelvisAt: Vec3 = root;
      carry = 1;
      // A step: lower the free foot by its natural end height, gradually, so it touches down at the end.
      let plantDrop = 0;
      if (phase.plant === true && phase.feet !== 'both') {
        const end = forwardKinematics(dims, phase.to, [0, 0, 0]);
        const anchorZ = (planted[anchor] as Vec3)[2] - (end.joints[TOE[anchor]] as Vec3)[2];
        plantDrop = (end.joints[TOE[other]] as Vec3)[2] + anchorZ;
      }
      for (let k = 1; k <= n; k++) {
        const s = (k - 1 + offset) / n;
        let p = sequencedBlend(
          from,
          phase.to,
          phase.pelvisProfile === undefined ? timing(s) : ease(phase.ease, s),
          phase.legSequence ?? 0,
        );
        // With a pelvis profile the legs follow its timing and the rest of the body the plain ease:
        // the profile can move fast where the legs barely lift the pelvis, and the arms must not.
        if (phase.pelvisProfile !== undefined)
          p = withLegsOf(p, sequencedBlend(from, phase.to, timing(s), phase.legSequence ?? 0));
        const pelvisR = pelvisOrientation(p);
        const anchorToe = legChain(dims, p, pelvisR, ORIGIN, anchor).toe;
        const target = planted[anchor] as Vec3;
        root = [target[0] - anchorToe[0], target[1] - anchorToe[1], target[2] - anchorToe[2]];
        if (phase.pelvisVertical === true && phase.feet !== 'both') {
          root = [pelvisAt[0], pelvisAt[1], root[2]];
          const sink = reachShortfall(dims, p, root, anchor, target);
          if (sink < 0) root = [root[0], root[1], root[2] + sink];
          p = solveLeg(dims, p, root, anchor, target, legMemo);
        }
        if (phase.feet === 'both') {
          // Where the other leg cannot reach its planted ball, the pelvis sinks until it can and
          // the anchor leg bends to match: both feet stay where they were planted.
          const sink = reachShortfall(dims, p, root, other, planted[other] as Vec3);
          if (sink < 0) {
            root = [root[0], root[1], root[2] + sink];
            p = solveLeg(dims, p, root, anchor, target, legMemo);
          }
          p = solveLeg(dims, p, root, other, planted[other] as Vec3, legMemo);
        } else {
          const free = legChain(dims, p, pelvisR, ORIGIN, other).toe;
          const z = free[2] + root[2] - plantDrop * ease('smooth', s);
          if (plantDrop !== 0 || z < 0) {
            const aim: Vec3 = [free[0] + root[0], free[1] + root[1], Math.max(0, z)];
            // A step too long for the leg: the stance leg bends until the foot reaches.
            const sink = reachShortfall(dims, p, root, other, aim);
            if (sink < 0) {
              root = [root[0], root[1], root[2] + sink];
              p = solveLeg(dims, p, root, anchor, target, legMemo);
            }
            p = solveLeg(dims, p, root, other, aim, legMemo);
          }
        }
        if (endsInFlight && frames.length >= 2 && k > 1) {
          const z1 = ((frames[frames.length - 1] as BodyFrame).joints[0] as Vec3)[2];
          const z0 = ((frames[frames.length - 2] as BodyFrame).joints[0] as Vec3)[2];
          if ((root[2] - 2 * z1 + z0) / (dt * dt) < -GRAVITY) {
            // Take off from the previous step's state: its root and velocity.
            root = (frames[frames.length - 1] as BodyFrame).joints[0] as Vec3;
            prevRoot = (frames[frames.length - 2] as BodyFrame).joints[0] as Vec3;
            break;
          }
        }
        const body = forwardKinematics(dims, p, root);
        prevRoot = frames.length > 0 ? ((frames[frames.length - 1] as BodyFrame).joints[0] as Vec3) : root;
        prevPose = pose;
        pose = p;
        emit(body, phase.label, phase.feet === 'both' ? 3 : 1 << anchor);
      }
    } else {
      // Take-off velocity: the last contact step's pelvis velocity.
      const v: Vec3 = [(root[0] - prevRoot[0]) / dt, (root[1] - prevRoot[1]) / dt, (root[2] - prevRoot[2]) / dt];
      const takeoffRoot = root;
      const takeoffTime = step * dt;
      const lands = sideIndex(phase.lands);
      const expected = Math.max(2 * dt, (2 * v[2]) / GRAVITY);
      // The legs' joint speeds at take-off carry on into the flight and die away (toe-off is
      // smooth: the foot keeps pointing, the knee keeps extending), then the legs are back at
      // their take-off angles by the expected landing.
      const rate = (a: Pair, b: Pair): Pair => [(a[0] - b[0]) / dt, (a[1] - b[1]) / dt];
      // A knee that extends at take-off may carry on only until nearly straight (never past it).
      const kneeRate = rate(from.kneeFlex, prevPose.kneeFlex).map((r, i) =>
        Math.max(r, -((from.kneeFlex[i] as number) - 0.05) / TOE_OFF_DECAY),
      ) as Pair;
      const legRates = {
        hipFlex: rate(from.hipFlex, prevPose.hipFlex),
        kneeFlex: kneeRate,
        footPitch: rate(from.footPitch, prevPose.footPitch),
      };
      let landed = false;
      for (let k = 1; !landed && step < steps + 1; k++) {
        const t = k * dt;
        // Arms and trunk move toward the landing pose; the legs keep their take-off angles, so the
        // pelvis lands at the height it left from and the flight time gives the height exactly.
        const p = blendPoses(from, phase.to, ease('smooth', Math.min(1, t / expected)));
        if (phase.legs !== 'swing') {
          const follow =
            TOE_OFF_DECAY * (1 - Math.exp(-t / TOE_OFF_DECAY)) * (1 - ease('smooth', Math.min(1, t / expected)));
          // The thighs keep their direction in space while the pelvis tilts.
          const tilt = p.pelvisPitch - from.pelvisPitch;
          p.hipFlex = [
            from.hipFlex[0] + legRates.hipFlex[0] * follow + tilt,
            from.hipFlex[1] + legRates.hipFlex[1] * follow + tilt,
          ];
          p.hipAbd = [...from.hipAbd];
          p.kneeFlex = [
            from.kneeFlex[0] + legRates.kneeFlex[0] * follow,
            from.kneeFlex[1] + legRates.kneeFlex[1] * follow,
          ];
          p.footPitch = [
            from.footPitch[0] + legRates.footPitch[0] * follow,
            from.footPitch[1] + legRates.footPitch[1] * follow,
          ];
        }
        const r: Vec3 = [
          takeoffRoot[0] + v[0] * t,
          takeoffRoot[1] + v[1] * t,
          takeoffRoot[2] + v[2] * t - 0.5 * GRAVITY * t * t,
        ];
        const body = forwardKinematics(dims, p, r);
        const toeZ = (body.joints[TOE[lands]] as Vec3)[2];
        if (toeZ <= 0 && t > dt) {
          // Land: the exact crossing time by linear interpolation, the body set on the floor.
          const prevToe =
            frames.length > 0 ? ((frames[frames.length - 1] as BodyFrame).joints[TOE[lands]] as Vec3)[2] : 0;
          const frac = prevToe > 0 ? prevToe / (prevToe - toeZ) : 1;
          const landing = takeoffTime + (k - 1 + frac) * dt;
          flights.push({ takeoff: takeoffTime, landing, height: (v[2] * v[2]) / (2 * GRAVITY) });
          const tl = (k - 1 + frac) * dt;
          root = [
            takeoffRoot[0] + v[0] * tl,
            takeoffRoot[1] + v[1] * tl,
            takeoffRoot[2] + v[2] * tl - 0.5 * GRAVITY * tl * tl,
          ];
          pose = p;
          const settled = forwardKinematics(dims, p, root);
          planted = [undefined, undefined];
          planted[lands] = floor(settled.joints[TOE[lands]] as Vec3);
          // This step is not emitted here: the contact phase that follows starts at the touchdown
          // and its first step lands on this step's time, (1 - frac) of a step after it.
          carry = 1 - frac;
          arrival = [v[0], v[1], v[2] - GRAVITY * tl];
          landed = true;
        } else {
          prevRoot = root;
          root = r;
          pose = p;
          emit(body, phase.label, 0);
        }
      }
    }
  }
  // Hold the last pose to the end of the take.
  const last = labels.length > 0 ? (labels[phaseOf[Math.min(step, steps) - 1] as number] as string) : 'stand';
  const lastFeet = step > 0 ? (contactOf[Math.min(step, steps) - 1] as number) : 3;
  while (step < steps) emit(forwardKinematics(dims, pose, root), last, lastFeet);
  return { dt, frames, phase: phaseOf, phaseLabels: labels, contact: contactOf, flights };
}

/** `body` with the legs and pelvis orientation of `legs`. */
function withLegsOf(body: JointAngles, legs: JointAngles): JointAngles {
  return {
    ...body,
    pelvisPitch: legs.pelvisPitch,
    pelvisRoll: legs.pelvisRoll,
    hipFlex: legs.hipFlex,
    hipAbd: legs.hipAbd,
    kneeFlex: legs.kneeFlex,
    footPitch: legs.footPitch,
  };
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
function floor(p: Vec3): Vec3 {
  return [p[0], p[1], 0];
}
