import type { SeededRandom } from '../../core/random.ts';
import { imuStream, type ImuStream, type Placement } from '../../core/stream.ts';
import { BODY_JOINTS, SEGMENTS, type BodyJoint, type Segment } from './body-model.ts';
import { GRAVITY, type MotionTrajectory } from './motion.ts';
import { applyTransposed, logMap, multiply, transpose, type Mat3, type Vec3 } from './rotation.ts';

/**
 * A virtual IMU strapped to a body segment. The accelerometer reads specific force (acceleration
 * minus gravity, so +9.81 m/s^2 upward at rest) and the gyroscope the segment's angular velocity,
 * both in the sensor (segment) frame, in SI units. Each sample is the mean over its sampling
 * interval of the 1 kHz motion (as a sensor's anti-alias filter would give), then bias, white
 * noise and range saturation are applied. Timestamps are on the device's clock:
 * t_device = offset + (1 + drift) t_camera. Lost packets drop samples (gaps in t).
 */
/** Where a virtual IMU can be worn (each is a segment of the body model). */
export const VIRTUAL_IMU_PLACEMENTS = [
  'wrist',
  'ankle',
  'pelvis',
  'thigh',
  'shank',
  'chest',
  'upper-arm',
  'foot',
] as const satisfies readonly Placement[];

export interface ImuSpec {
  sensorId: string;
  placement: (typeof VIRTUAL_IMU_PLACEMENTS)[number];
  side: 'left' | 'right';
  rate: number;
  accelNoise: number; // m/s^2, rms per sample
  gyroNoise: number; // rad/s, rms per sample
  accelBias: Vec3;
  gyroBias: Vec3;
  accelRange: number; // m/s^2 (16 g)
  gyroRange: number; // rad/s (2000 deg/s)
  clockOffset: number; // s, device clock minus camera clock at t = 0
  clockDrift: number; // relative (2e-5 = 20 ppm)
  packetLoss: number; // probability a sample is lost
  /** A connection lost for a while: no samples in [start, end) s of camera time. */
  outage?: [number, number];
  /**
   * How the sensor sits on its segment: the sensor frame's axes in the segment frame (a strap
   * turned round the wrist, a clip tilted on the belt). Default: aligned with the segment.
   */
  mounting?: Mat3;
}

export function defaultImuSpec(
  sensorId: string,
  placement: ImuSpec['placement'],
  side: ImuSpec['side'] = 'right',
): ImuSpec {
  return {
    sensorId,
    placement,
    side,
    rate: 100,
    accelNoise: 0.02,
    gyroNoise: 0.005,
    accelBias: [0, 0, 0],
    gyroBias: [0, 0, 0],
    accelRange: 16 * GRAVITY,
    gyroRange: (2000 * Math.PI) / 180,
    clockOffset: 0,
    clockDrift: 0,
    packetLoss: 0,
  };
}

const ATTACHMENT: Record<ImuSpec['placement'], { segment: string; joint: string }> = {
  wrist: { segment: 'forearm', joint: 'wrist' },
  ankle: { segment: 'shank', joint: 'ankle' },
  shank: { segment: 'shank', joint: 'knee' },
  thigh: { segment: 'thigh', joint: 'knee' },
  'upper-arm': { segment: 'upper_arm', joint: 'elbow' },
  foot: { segment: 'foot', joint: 'toe' },
  pelvis: { segment: 'pelvis', joint: 'pelvis' },
  chest: { segment: 'trunk', joint: 'neck' },
};

function attachment(spec: ImuSpec): { segment: number; joint: number } {
  const a = ATTACHMENT[spec.placement];
  const sided = (name: string) =>
    ['pelvis', 'trunk', 'neck'].includes(name) ? name : `${spec.side === 'left' ? 'l' : 'r'}_${name}`;
  return {
    segment: SEGMENTS.indexOf(sided(a.segment) as Segment),
    joint: BODY_JOINTS.indexOf(sided(a.joint) as BodyJoint),
  };
}

export interface ImuTruth {
  /** Noise-free specific force and angular velocity at the same samples (sensor frame). */
  clean: Float32Array;
  /** Camera-clock time of each kept sample. */
  cameraTime: Float64Array;
}

export function simulateImu(
  traj: MotionTrajectory,
  spec: ImuSpec,
  rng: SeededRandom,
): { stream: ImuStream; truth: ImuTruth } {
  const { segment, joint } = attachment(spec);
  const dt = traj.dt;
  const n = traj.frames.length;
  const pos = (k: number) => (traj.frames[Math.max(0, Math.min(n - 1, k))] as { joints: Vec3[] }).joints[joint] as Vec3;
  const rot = (k: number) =>
    (traj.frames[Math.max(0, Math.min(n - 1, k))] as { segments: Mat3[] }).segments[segment] as Mat3;
  // Per internal step: specific force (central second difference) and angular velocity (body frame).
  const force = new Float64Array(n * 3);
  const omega = new Float64Array(n * 3);
  for (let k = 0; k < n; k++) {
    // At the trajectory's first and last step the neighbouring step's difference stands in: a
    // clamped position there would read a take that ends in mid-air as a crash into a wall.
    const c = Math.max(1, Math.min(n - 2, k));
    const [p0, p1, p2] = [pos(c - 1), pos(c), pos(c + 1)];
    const a: Vec3 = [0, 1, 2].map(
      (i) => ((p2[i] as number) - 2 * (p1[i] as number) + (p0[i] as number)) / (dt * dt),
    ) as Vec3;
    const inSegment = applyTransposed(rot(k), [a[0], a[1], a[2] + GRAVITY]);
    // Angular velocity over the step centred on k: log(R_{k-1}^T R_{k+1}) / 2dt, in the segment frame.
    const wSegment = logMap(multiply(transpose(rot(k - 1)), rot(k + 1)));
    // Both are vectors: into the sensor's own axes by the mounting rotation.
    const f = spec.mounting === undefined ? inSegment : applyTransposed(spec.mounting, inSegment);
    const w = spec.mounting === undefined ? wSegment : applyTransposed(spec.mounting, wSegment);
    const span = (Math.min(n - 1, k + 1) - Math.max(0, k - 1)) * dt;
    for (let i = 0; i < 3; i++) {
      force[k * 3 + i] = f[i] as number;
      omega[k * 3 + i] = span > 0 ? (w[i] as number) / span : 0;
    }
  }
  const period = 1 / spec.rate;
  const samples = Math.floor((n * dt) / period);
  const perSample = Math.round(period / dt);
  const t: number[] = [];
  const cam: number[] = [];
  const data: number[] = [];
  const clean: number[] = [];
  for (let s = 1; s <= samples; s++) {
    const lost = spec.packetLoss > 0 && rng.bernoulli(spec.packetLoss);
    // Interval (end - period, end]: the mean of the internal steps in it.
    const end = Math.min(n, s * perSample);
    const cut = spec.outage !== undefined && end * dt >= spec.outage[0] && end * dt < spec.outage[1];
    const mean = [0, 0, 0, 0, 0, 0];
    for (let k = end - perSample; k < end; k++) {
      for (let i = 0; i < 3; i++) {
        (mean[i] as number) += (force[k * 3 + i] as number) / perSample;
        (mean[3 + i] as number) += (omega[k * 3 + i] as number) / perSample;
      }
    }
    // Noise is drawn for lost samples too, so one loss does not shift every later draw.
    const noisy = mean.map((v, i) => {
      const bias = i < 3 ? (spec.accelBias[i] as number) : (spec.gyroBias[i - 3] as number);
      const sd = i < 3 ? spec.accelNoise : spec.gyroNoise;
      const range = i < 3 ? spec.accelRange : spec.gyroRange;
      return Math.max(-range, Math.min(range, v + bias + sd * rng.normal()));
    });
    if (lost || cut) continue;
    const cameraTime = end * dt;
    cam.push(cameraTime);
    t.push(spec.clockOffset + (1 + spec.clockDrift) * cameraTime);
    data.push(...noisy);
    clean.push(...mean);
  }
  const stream = imuStream({
    rate: spec.rate,
    t: Float64Array.from(t),
    data: Float32Array.from(data),
    sensorId: spec.sensorId,
    placement: spec.placement,
    meta: { side: spec.side, clock: 'device', units: { accel: 'm/s^2', gyro: 'rad/s' } },
  });
  return { stream, truth: { clean: Float32Array.from(clean), cameraTime: Float64Array.from(cam) } };
}
