import { SeededRandom } from '../../core/random.ts';
import type { Sample, SampleEvent } from '../../core/sample.ts';
import { videoStream, type Stream } from '../../core/stream.ts';
import { ACTIONS, actionProgram, drawStyle, type Action, type Style } from './actions.ts';
import { bodyDimensions, type BodyDimensions } from './anthropometry.ts';
import { drawBackground, paintBackground, type Rgb } from './backgrounds.ts';
import { standingPose, type BodyFrame } from './body-model.ts';
import { makeCamera, type Camera } from './camera.ts';
import { simulateMotion } from './motion.ts';
import { simulatePose } from './pose-keypoints.ts';
import { renderFrame, type Appearance, type Occluder } from './render-frame.ts';
import { defaultImuSpec, simulateImu, type ImuSpec } from './virtual-imu.ts';
import { zyx } from './rotation.ts';

/**
 * One synthetic take end to end: a subject performs an action; the motion is simulated at
 * 1 kHz, then seen by a camera (rendered RGB video and a COCO-17 pose stream, camera clock) and
 * by virtual IMUs (each on its own device clock). Ground truth rides along as events and meta.
 * Every draw comes from a generator forked by (seed, subject, action, take), so a take is the
 * same whichever order or worker generates it.
 */
export interface SyntheticOptions {
  seed: number;
  subjects: number;
  /** Takes per action and subject. */
  clipsPerClass: number;
  actions: readonly Action[];
  /** Take length, s. */
  duration: number;
  fps: number;
  /** Frame width and height, pixels. */
  size: number;
  imuRate: number;
  placements: readonly ImuSpec['placement'][];
  video: boolean;
  pose: boolean;
  /** Probability that a take has motion blur (exposure averaged over 4 sub-frames). */
  blur: number;
  /** Probability that a take has an occluder (a post or passer-by) in front of the athlete. */
  occlusion: number;
  /** Per-sample probability that an IMU packet is lost. */
  packetLoss: number;
  /**
   * Per device and take, the probability that its connection drops for 0.3-1.2 s (a BLE link
   * lost and regained): the stream then has a gap, and a model must cope without that sensor.
   */
  sensorOutage: number;
}

export const SYNTHETIC_DEFAULTS: SyntheticOptions = {
  seed: 7,
  subjects: 12,
  clipsPerClass: 10,
  actions: ACTIONS,
  duration: 2,
  fps: 30,
  size: 112,
  imuRate: 100,
  placements: ['wrist', 'ankle', 'pelvis'],
  video: true,
  pose: true,
  blur: 0.3,
  occlusion: 0.2,
  packetLoss: 0.002,
  sensorOutage: 0.1,
};

export interface SyntheticSubject {
  id: string;
  height: number;
  build: number;
  style: Style;
  appearance: Appearance;
  /** The subject's sensors: placement, side, bias, clock offset and drift are per device. */
  devices: ImuSpec[];
}

const SKINS: Rgb[] = [
  [0.96, 0.8, 0.69],
  [0.87, 0.67, 0.52],
  [0.72, 0.52, 0.38],
  [0.55, 0.38, 0.26],
  [0.36, 0.24, 0.17],
];
const HAIRS: Rgb[] = [
  [0.1, 0.07, 0.05],
  [0.3, 0.2, 0.1],
  [0.55, 0.4, 0.2],
  [0.8, 0.7, 0.45],
  [0.15, 0.15, 0.15],
];
const CLOTHES: Rgb[] = [
  [0.8, 0.1, 0.1],
  [0.1, 0.25, 0.7],
  [0.95, 0.95, 0.95],
  [0.1, 0.1, 0.1],
  [0.95, 0.8, 0.1],
  [0.1, 0.55, 0.25],
  [0.5, 0.2, 0.6],
  [0.95, 0.45, 0.1],
  [0.5, 0.5, 0.5],
];

const ARM_PLACEMENTS: ReadonlySet<ImuSpec['placement']> = new Set(['wrist', 'upper-arm']);

export function subjectId(index: number): string {
  return `S${String(index + 1).padStart(2, '0')}`;
}

export function generateSubject(options: SyntheticOptions, index: number): SyntheticSubject {
  const id = subjectId(index);
  const rng = new SeededRandom(options.seed).fork(`subject/${id}`);
  const height = rng.uniform(1.55, 1.98);
  const build = rng.uniform(0.85, 1.2);
  const style = drawStyle(rng);
  const appearance: Appearance = {
    skin: rng.pick(SKINS),
    hair: rng.pick(HAIRS),
    shirt: rng.pick(CLOTHES),
    shorts: rng.pick(CLOTHES),
    shoes: rng.pick(CLOTHES),
  };
  // Worn where people wear them: a watch-like wrist or arm sensor on the non-dominant side, and
  // leg sensors on whichever side the athlete straps them (drawn once per athlete), so a sensor
  // often misses the limb an action is done with.
  const armSide = style.dominant === 1 ? 'left' : 'right';
  const legSide = rng.bernoulli(0.5) ? 'left' : 'right';
  const devices = options.placements.map((placement) => {
    const side = ARM_PLACEMENTS.has(placement) ? armSide : legSide;
    const spec = defaultImuSpec(`${id}-${placement}`, placement, side);
    spec.rate = options.imuRate;
    spec.accelBias = [rng.normal(0, 0.05), rng.normal(0, 0.05), rng.normal(0, 0.05)];
    spec.gyroBias = [rng.normal(0, 0.01), rng.normal(0, 0.01), rng.normal(0, 0.01)];
    spec.clockOffset = rng.uniform(-0.5, 0.5); // device clock minus camera clock
    spec.clockDrift = rng.normal(0, 20e-6); // tens of ppm, as crystal oscillators
    spec.packetLoss = options.packetLoss;
    // Worn as people wear them: turned round the limb by ~20 degrees (sd), tilted by ~5.
    spec.mounting = zyx(
      rng.normal(0, (20 * Math.PI) / 180),
      rng.normal(0, (5 * Math.PI) / 180),
      rng.normal(0, (5 * Math.PI) / 180),
    );
    return spec;
  });
  return { id, height, build, style, appearance, devices };
}

export function takeId(subject: string, action: Action, take: number): string {
  return `${subject}-${action}-t${String(take + 1).padStart(2, '0')}`;
}

export function generateTake(
  options: SyntheticOptions,
  subject: SyntheticSubject,
  action: Action,
  take: number,
): Sample {
  const id = takeId(subject.id, action, take);
  // The seed label keeps the older word, so a seed gives the same takes as before the rename.
  const rng = new SeededRandom(options.seed).fork(`trial/${id}`);
  const dims = bodyDimensions(subject.height, subject.build);
  const traj = simulateMotion(
    dims,
    standingPose(),
    actionProgram(action, subject.style, dims, rng.fork('motion')),
    options.duration,
  );
  const streams: Stream[] = [];

  // Camera frames: frame i shows the body at t = i / fps (camera clock).
  const nFrames = Math.floor(options.duration * options.fps);
  const times = Float64Array.from({ length: nFrames }, (_, i) => i / options.fps);
  const stepAt = (t: number) => Math.max(0, Math.min(traj.frames.length - 1, Math.round(t / traj.dt)));
  const bodies = Array.from(times, (t) => traj.frames[stepAt(t)] as BodyFrame);
  const view = rng.fork('camera');
  const camera = placeCamera(dims, bodies, options.size, view);
  const cameras = bodies.map(() => camera);

  if (options.video) {
    const frames = new Uint8Array(nFrames * options.size * options.size * 3);
    const look = rng.fork('scene');
    const background = paintBackground(drawBackground(look), camera);
    const lightAzimuth = look.uniform(-Math.PI, Math.PI);
    const lightElevation = look.uniform(0.5, 1.3);
    const ambient = look.uniform(0.3, 0.5);
    const blur = look.bernoulli(options.blur);
    const occluders: Occluder[] = [];
    if (look.bernoulli(options.occlusion)) {
      const u0 = look.uniform(0.1, 0.75) * options.size;
      occluders.push({
        u0,
        u1: u0 + look.uniform(0.06, 0.18) * options.size,
        v0: look.uniform(-0.2, 0.5) * options.size,
        v1: options.size * 1.1,
        colour: [look.uniform(0.1, 0.9), look.uniform(0.1, 0.9), look.uniform(0.1, 0.9)],
      });
    }
    const scene = {
      camera,
      dims,
      appearance: subject.appearance,
      background,
      occluders,
      lighting: {
        direction: [
          Math.cos(lightAzimuth) * Math.cos(lightElevation),
          Math.sin(lightAzimuth) * Math.cos(lightElevation),
          Math.sin(lightElevation),
        ] as [number, number, number],
        ambient,
        diffuse: 1 - ambient,
        shadow: look.uniform(0.3, 0.6),
      },
      noiseSd: look.uniform(1, 5),
      gain: look.uniform(0.8, 1.15),
    };
    const noise = rng.fork('sensor-noise');
    const exposure = 1 / options.fps / 2; // a half-frame shutter
    for (let i = 0; i < nFrames; i++) {
      const t = times[i] as number;
      const sub = blur
        ? [0, 1, 2, 3].map((j) => traj.frames[stepAt(t - exposure + (j * exposure) / 3)] as BodyFrame)
        : [bodies[i] as BodyFrame];
      renderFrame(
        scene,
        sub,
        frames.subarray(i * options.size * options.size * 3, (i + 1) * options.size * options.size * 3),
        noise,
      );
    }
    streams.push(
      videoStream({
        rate: options.fps,
        t: times,
        decoded: { frames, height: options.size, width: options.size, channels: 3 },
        meta: { clock: 'camera', blur, occluded: occluders.length > 0 },
      }),
    );
  }
  if (options.pose) {
    streams.push(
      simulatePose(
        bodies,
        times,
        dims,
        cameras,
        { noisePx: 0.6 + 0.004 * options.size, dropout: 0.03 },
        rng.fork('pose'),
      ),
    );
  }
  const events: SampleEvent[] = [];
  for (const device of subject.devices) {
    const link = rng.fork(`outage/${device.sensorId}`);
    let spec = device;
    if (link.bernoulli(options.sensorOutage)) {
      const length = link.uniform(0.3, 1.2);
      const start = link.uniform(0, Math.max(0, options.duration - length));
      spec = { ...device, outage: [start, start + length] };
      events.push({ name: `sensor-outage/${device.sensorId}`, t: start, value: length, unit: 's' });
    }
    const { stream } = simulateImu(traj, spec, rng.fork(`imu/${device.sensorId}`));
    streams.push(stream);
    events.push({ name: `clock-offset/${device.sensorId}`, value: device.clockOffset, unit: 's' });
  }
  for (const f of traj.flights) {
    events.push(
      { name: 'takeoff', t: f.takeoff },
      { name: 'landing', t: f.landing },
      { name: 'flight-height', t: f.takeoff, value: f.height, unit: 'm' },
    );
  }
  return {
    id,
    label: action,
    subject: subject.id,
    streams,
    events,
    meta: {
      take,
      clock: 'camera',
      phasePerFrame: Array.from(times, (t) => traj.phaseLabels[traj.phase[stepAt(t)] as number] as string),
      clockDrift: Object.fromEntries(subject.devices.map((d) => [d.sensorId, d.clockDrift])),
      camera: {
        azimuth: camera.spec.azimuth,
        distance: camera.spec.distance,
        height: camera.spec.height,
        fov: camera.spec.fov,
      },
      body: { height: subject.height, build: subject.build },
    },
  };
}

/**
 * A camera at a random azimuth, distance and height, aimed at the middle of where the pelvis
 * goes, with a field of view that keeps the whole body (and its path) in frame.
 */
function placeCamera(dims: BodyDimensions, bodies: BodyFrame[], size: number, rng: SeededRandom): Camera {
  const xs = bodies.map((b) => (b.joints[0] as number[])[0] as number);
  const travel = Math.max(...xs) - Math.min(...xs);
  const centre = (Math.max(...xs) + Math.min(...xs)) / 2;
  const azimuth = rng.uniform(-Math.PI, Math.PI);
  const distance = rng.uniform(3.5, 5.5) + travel;
  const height = rng.uniform(0.7, 1.7);
  // Half the scene to keep in view, metres at the target: the body (with room for a jump) or its path.
  const half = Math.max(
    0.62 * dims.height * rng.uniform(1.05, 1.3),
    (travel / 2 + 0.4) * Math.abs(Math.sin(azimuth)) + 0.4,
  );
  const fov = 2 * Math.atan(half / (distance - travel / 2));
  return makeCamera({
    azimuth,
    distance,
    height,
    target: [centre, 0, 0.55 * dims.height],
    fov,
    width: size,
    heightPx: size,
  });
}
