import type { BodyDimensions } from './anthropometry.ts';
import { BODY_JOINTS, blendPoses, forwardKinematics, type BodyFrame, type JointAngles } from './body-model.ts';
import type { Vec3 } from './rotation.ts';

/**
 * Turns a motion program (a list of phases) into a trajectory sampled every `dt`: joint angles
 * interpolated between key poses, and the body placed in the world so that, during contact, the
 * supporting foot's ball stays where it was planted (no sliding, nothing below the floor), and in
 * flight the pelvis follows a ballistic path from its take-off velocity. A second planted foot
 * (double support) is held by solving its leg's hip and knee angles (two-link inverse kinematics).
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
  label: string;
}
export interface FlightPhase {
  kind: 'flight';
  /** Pose of the arms and trunk at landing (the legs keep their take-off angles in the air). */
  to: JointAngles;
  /** The foot that lands first. */
  lands: 'left' | 'right';
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
  /** Flights: take-off and landing times (s) and the pelvis rise v_z^2 / 2g (m). */
  flights: { takeoff: number; landing: number; height: number }[];
}

function ease(kind: Ease, s: number): number {
  if (kind === 'linear') return s;
  if (kind === 'accelerate') return s * s;
  if (kind === 'decelerate') return 1 - (1 - s) * (1 - s);
  return s * s * (3 - 2 * s);
}

const TOE = [BODY_JOINTS.indexOf('l_toe'), BODY_JOINTS.indexOf('r_toe')] as const;
const HIP = [BODY_JOINTS.indexOf('l_hip'), BODY_JOINTS.indexOf('r_hip')] as const;
const sideIndex = (s: 'left' | 'right'): 0 | 1 => (s === 'left' ? 0 : 1);

export function simulateMotion(dims: BodyDimensions, start: JointAngles, phases: Phase[], duration: number, dt = 1e-3): MotionTrajectory {
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
  let pose = start;
  const zero = forwardKinematics(dims, pose, [0, 0, 0]);
  let root: Vec3 = [0, 0, -(zero.joints[TOE[0]] as Vec3)[2]];
  let planted: (Vec3 | undefined)[] = [0, 1].map((i) => floor(add(root, zero.joints[TOE[i as 0 | 1]] as Vec3)));
  let prevRoot: Vec3 = root;
  let step = 0;
  const emit = (frame: BodyFrame, label: string) => {
    if (step < steps) {
      frames.push(frame);
      phaseOf[step] = labelIndex(label);
    }
    step++;
  };

  for (let ph = 0; ph < phases.length; ph++) {
    const phase = phases[ph] as Phase;
    if (step >= steps) break;
    const from = pose;
    if (phase.kind === 'contact') {
      // Before a flight, the feet leave the floor as soon as the pelvis would need pulling down
      // (vertical acceleration below -g): the floor can push, not pull.
      const endsInFlight = phases[ph + 1]?.kind === 'flight';
      const n = Math.max(1, Math.round(phase.duration / dt));
      const anchor = phase.feet === 'both' ? sideIndex(phase.anchor ?? 'left') : sideIndex(phase.feet);
      const other = (1 - anchor) as 0 | 1;
      planted = [0, 1].map((i) => {
        const onFloor = phase.feet === 'both' || i === anchor;
        return onFloor ? planted[i] ?? floor(add(root, forwardKinematics(dims, pose, [0, 0, 0]).joints[TOE[i as 0 | 1]] as Vec3)) : undefined;
      });
      for (let k = 1; k <= n; k++) {
        let p = blendPoses(from, phase.to, ease(phase.ease, k / n));
        let body = forwardKinematics(dims, p, [0, 0, 0]);
        const anchorToe = body.joints[TOE[anchor]] as Vec3;
        const target = planted[anchor] as Vec3;
        root = [target[0] - anchorToe[0], target[1] - anchorToe[1], target[2] - anchorToe[2]];
        if (phase.feet === 'both') {
          p = solveLeg(dims, p, root, other, planted[other] as Vec3);
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
        body = forwardKinematics(dims, p, root);
        prevRoot = frames.length > 0 ? (frames[frames.length - 1] as BodyFrame).joints[0] as Vec3 : root;
        pose = p;
        emit(body, phase.label);
      }
    } else {
      // Take-off velocity: the last contact step's pelvis velocity.
      const v: Vec3 = [(root[0] - prevRoot[0]) / dt, (root[1] - prevRoot[1]) / dt, (root[2] - prevRoot[2]) / dt];
      const takeoffRoot = root;
      const takeoffTime = step * dt;
      const lands = sideIndex(phase.lands);
      const expected = Math.max(2 * dt, (2 * v[2]) / GRAVITY);
      let landed = false;
      for (let k = 1; !landed && step < steps + 1; k++) {
        const t = k * dt;
        // Arms and trunk move toward the landing pose; the legs keep their take-off angles, so the
        // pelvis lands at the height it left from and the flight time gives the height exactly.
        const p = blendPoses(from, phase.to, ease('smooth', Math.min(1, t / expected)));
        p.hipFlex = [...from.hipFlex];
        p.hipAbd = [...from.hipAbd];
        p.kneeFlex = [...from.kneeFlex];
        p.footPitch = [...from.footPitch];
        const r: Vec3 = [takeoffRoot[0] + v[0] * t, takeoffRoot[1] + v[1] * t, takeoffRoot[2] + v[2] * t - 0.5 * GRAVITY * t * t];
        const body = forwardKinematics(dims, p, r);
        const toeZ = (body.joints[TOE[lands]] as Vec3)[2];
        if (toeZ <= 0 && t > dt) {
          // Land: the exact crossing time by linear interpolation, the body set on the floor.
          const prevToe = frames.length > 0 ? ((frames[frames.length - 1] as BodyFrame).joints[TOE[lands]] as Vec3)[2] : 0;
          const frac = prevToe > 0 ? prevToe / (prevToe - toeZ) : 1;
          const landing = takeoffTime + (k - 1 + frac) * dt;
          flights.push({ takeoff: takeoffTime, landing, height: (v[2] * v[2]) / (2 * GRAVITY) });
          root = [r[0], r[1], r[2] - toeZ];
          pose = p;
          const settled = forwardKinematics(dims, p, root);
          planted = [undefined, undefined];
          planted[lands] = floor(settled.joints[TOE[lands]] as Vec3);
          prevRoot = frames.length > 0 ? (frames[frames.length - 1] as BodyFrame).joints[0] as Vec3 : root;
          emit(settled, phase.label);
          landed = true;
        } else {
          prevRoot = root;
          root = r;
          pose = p;
          emit(body, phase.label);
        }
      }
    }
  }
  // Hold the last pose to the end of the trial.
  const last = labels.length > 0 ? (labels[phaseOf[Math.min(step, steps) - 1] as number] as string) : 'stand';
  while (step < steps) emit(forwardKinematics(dims, pose, root), last);
  return { dt, frames, phase: phaseOf, phaseLabels: labels, flights };
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
function floor(p: Vec3): Vec3 {
  return [p[0], p[1], 0];
}

/**
 * Hip and knee flexion of leg `side` that put its ball of the foot on `toe` (in the pelvis's
 * sagittal plane; abduction and foot pitch as given). Law of cosines on thigh and shank.
 */
function solveLeg(dims: BodyDimensions, pose: JointAngles, root: Vec3, side: 0 | 1, toe: Vec3): JointAngles {
  const body = forwardKinematics(dims, pose, root);
  const hip = body.joints[HIP[side]] as Vec3;
  // Ankle target: the toe minus the foot vector at the requested world pitch and heading.
  const pitch = pose.footPitch[side] as number;
  const fx = dims.foot * Math.cos(pitch) - dims.ankleHeight * Math.sin(pitch);
  const fz = -dims.foot * Math.sin(pitch) - dims.ankleHeight * Math.cos(pitch);
  const ankle: Vec3 = [toe[0] - fx * Math.cos(pose.yaw), toe[1] - fx * Math.sin(pose.yaw), toe[2] - fz];
  // Into the pelvis's sagittal plane: forward distance and downward distance from the hip.
  const dxw = ankle[0] - hip[0];
  const dyw = ankle[1] - hip[1];
  const forward = dxw * Math.cos(pose.yaw) + dyw * Math.sin(pose.yaw);
  const down = hip[2] - ankle[2];
  const reach = Math.min(dims.thigh + dims.shank - 1e-6, Math.hypot(forward, down));
  const cosKnee = (dims.thigh ** 2 + dims.shank ** 2 - reach ** 2) / (2 * dims.thigh * dims.shank);
  const knee = Math.PI - Math.acos(Math.max(-1, Math.min(1, cosKnee)));
  const cosAlpha = (dims.thigh ** 2 + reach ** 2 - dims.shank ** 2) / (2 * dims.thigh * reach);
  const alpha = Math.acos(Math.max(-1, Math.min(1, cosAlpha)));
  // Hip flexion: the angle of the hip-ankle line forward of vertical, plus the thigh's angle above that line.
  // (The thigh's forward angle from vertical is hipFlex - pelvisPitch.)
  const hipFlex = Math.atan2(forward, down) + alpha + pose.pelvisPitch;
  const out: JointAngles = { ...pose, hipFlex: [...pose.hipFlex] as [number, number], kneeFlex: [...pose.kneeFlex] as [number, number] };
  out.hipFlex[side] = hipFlex;
  out.kneeFlex[side] = knee;
  return out;
}
