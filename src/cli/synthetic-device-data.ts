import { ACTIONS } from '../data/synthetic/actions.ts';
import {
  SYNTHETIC_DEFAULTS,
  generateSubject,
  generateTake,
  type SyntheticOptions,
} from '../data/synthetic/synthetic-take.ts';
import { VIRTUAL_IMU_PLACEMENTS } from '../data/synthetic/virtual-imu.ts';

/** Actions the simulated athlete performs in turn, looped by the device simulator. */
const PROGRAM = ACTIONS.slice(0, 4);
const TAKE_SECONDS = 3;

/** The action the simulated athlete performs at `t` seconds of device time (the program loops). */
export function simulatedActionAt(t: number): string {
  return PROGRAM[Math.floor(t / TAKE_SECONDS) % PROGRAM.length] as string;
}

/**
 * What the simulated devices of `motionfuse simulate-device` measure: one synthetic athlete
 * (src/data/synthetic) performing a few actions, seen by `sensors` virtual IMUs worn at the
 * data set's placements in turn, at `rate` Hz. Built here, in the CLI, because sensors/ may not
 * import src/data: the simulator gets plain [n x 6] arrays (acc m/s^2, gyro rad/s).
 */
export function syntheticDeviceData(
  sensors: number,
  rate: number,
  seed: number,
): { data: Float32Array[]; placements: string[] } {
  const placements = Array.from(
    { length: sensors },
    (_, i) => VIRTUAL_IMU_PLACEMENTS[i % VIRTUAL_IMU_PLACEMENTS.length]!,
  );
  const options: SyntheticOptions = {
    ...SYNTHETIC_DEFAULTS,
    seed,
    imuRate: rate,
    duration: TAKE_SECONDS,
    video: false,
    pose: false,
    packetLoss: 0,
    sensorOutage: 0,
    // The same placement twice would give the same device id: distinct placements first, then repeats are copies.
    placements: [...new Set(placements)],
  };
  const subject = generateSubject(options, 0);
  const parts = new Map<string, Float32Array[]>();
  for (const action of PROGRAM) {
    for (const stream of generateTake(options, subject, action, 0).streams) {
      if (stream.kind !== 'imu') continue;
      parts.set(stream.placement, [...(parts.get(stream.placement) ?? []), stream.data]);
    }
  }
  const data = placements.map((placement) => {
    const chunks = parts.get(placement) ?? [];
    const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  });
  return { data, placements };
}
