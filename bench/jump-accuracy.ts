/**
 * `npx tsx bench/jump-accuracy.ts [--takes N] [--rate HZ] [--noise clean|default]`: detectJumps
 * (src/biomech) against the synthetic takes' ground truth (flight-height and flight events of
 * the 'jump' and 'hop' actions), per IMU placement. Prints a table and, last, one JSON line.
 */
import { parseArgs } from 'node:util';
import { jumpTraceOf } from '../src/biomech/jump-trace.ts';
import { detectJumps, type JumpPlacement } from '../src/biomech/detect-jumps.ts';
import type { ImuStream } from '../src/core/stream.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../src/data/synthetic/synthetic-take.ts';
import type { ImuSpec } from '../src/data/synthetic/virtual-imu.ts';

const { values } = parseArgs({
  options: {
    takes: { type: 'string', default: '4' },
    subjects: { type: 'string', default: '6' },
    rate: { type: 'string', default: '100' },
    noise: { type: 'string', default: 'clean' },
    actions: { type: 'string', default: 'jump' },
  },
});
const rate = Number(values.rate);
const clean = values.noise === 'clean';
const placements: ImuSpec['placement'][] = ['pelvis', 'wrist', 'ankle', 'thigh'];
const options = {
  ...SYNTHETIC_DEFAULTS,
  subjects: Number(values.subjects),
  duration: 2.5,
  imuRate: rate,
  placements,
  video: false,
  pose: false,
  packetLoss: clean ? 0 : SYNTHETIC_DEFAULTS.packetLoss,
  sensorOutage: 0,
};
const rows: Record<
  string,
  { errors: number[]; missed: number; extra: number; velocity: number[]; takeoffMs: number[] }
> = {};
for (let s = 0; s < options.subjects; s++) {
  const subject = generateSubject(options, s);
  if (clean)
    subject.devices = subject.devices.map((d) => ({
      ...d,
      accelNoise: 0,
      gyroNoise: 0,
      accelBias: [0, 0, 0],
      gyroBias: [0, 0, 0],
    }));
  for (const action of values.actions.split(',') as ('jump' | 'hop')[]) {
    for (let take = 0; take < Number(values.takes); take++) {
      const sample = generateTake(options, subject, action, take);
      const truth = (sample.events ?? []).filter((e) => e.name === 'flight-height').map((e) => e.value as number);
      for (const stream of sample.streams) {
        if (stream.kind !== 'imu') continue;
        const placement = (stream as ImuStream).placement as JumpPlacement;
        const jumps = detectJumps(jumpTraceOf(stream as ImuStream), { placement });
        const row = (rows[placement] ??= { errors: [], missed: 0, extra: 0, velocity: [], takeoffMs: [] });
        // The true take-off on this sensor's clock: t_device = offset + (1 + drift) t_camera.
        const offset = sample.events?.find((e) => e.name === `clock-offset/${stream.sensorId}`)?.value ?? 0;
        const drift = (sample.meta['clockDrift'] as Record<string, number>)[stream.sensorId] ?? 0;
        const takeoff = sample.events?.find((e) => e.name === 'takeoff')?.t;
        if (truth.length === 0) {
          row.extra += jumps.length;
          continue;
        }
        const jump = jumps[0];
        if (jump === undefined) row.missed++;
        else {
          row.errors.push(jump.height - (truth[0] as number));
          if (takeoff !== undefined) row.takeoffMs.push(1000 * (jump.takeoff - (offset + (1 + drift) * takeoff)));
          if (jump.heightByVelocity !== undefined) row.velocity.push(jump.heightByVelocity - (truth[0] as number));
          row.extra += jumps.length - 1;
        }
      }
    }
  }
}
const stats = (e: number[]) => ({
  n: e.length,
  meanCm: e.length ? (100 * e.reduce((a, b) => a + b, 0)) / e.length : NaN,
  maxAbsCm: e.length ? 100 * Math.max(...e.map(Math.abs)) : NaN,
});
const result = Object.fromEntries(
  Object.entries(rows).map(([p, r]) => [
    p,
    {
      flightTime: stats(r.errors),
      takeoffVelocity: stats(r.velocity),
      takeoffTimeMs: stats(r.takeoffMs.map((x) => x / 100)),
      missed: r.missed,
      extra: r.extra,
    },
  ]),
);
console.error(`rate ${rate} Hz, ${clean ? 'clean' : 'default noise'}, actions ${values.actions}`);
for (const [p, r] of Object.entries(result))
  console.error(
    `${p.padEnd(7)} flight-time: n ${r.flightTime.n} mean ${r.flightTime.meanCm.toFixed(2)} cm, max |err| ${r.flightTime.maxAbsCm.toFixed(2)} cm; ` +
      `take-off velocity: n ${r.takeoffVelocity.n} mean ${r.takeoffVelocity.meanCm.toFixed(2)} cm, max |err| ${r.takeoffVelocity.maxAbsCm.toFixed(2)} cm; ` +
      `take-off time: mean ${r.takeoffTimeMs.meanCm.toFixed(1)} ms, max |err| ${r.takeoffTimeMs.maxAbsCm.toFixed(1)} ms; missed ${r.missed}, extra ${r.extra}`,
  );
console.log(JSON.stringify({ rate, noise: values.noise, result }));
