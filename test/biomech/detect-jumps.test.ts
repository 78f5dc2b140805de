import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { detectJumps } from '../../src/biomech/detect-jumps.ts';
import type { ImuStream } from '../../src/core/stream.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../src/data/synthetic/synthetic-take.ts';
import { countermovementJump, G, piecewiseTrace, type Segment } from '../helpers/jump-traces.ts';

const HandBuilt = suite('detectJumps on hand-built traces');

HandBuilt('a 0.40 s flight gives h = g t^2 / 8 = 19.62 cm, take-off and landing on time', () => {
  // Flight from 1.55 s to 1.95 s, both on sample boundaries at 200 Hz.
  const jumps = detectJumps(piecewiseTrace(countermovementJump(0.4), 200));
  assert.is(jumps.length, 1);
  const j = jumps[0]!;
  assert.ok(Math.abs(j.takeoff - 1.55) < 1e-4, `takeoff ${j.takeoff}`);
  assert.ok(Math.abs(j.landing - 1.95) < 1e-4, `landing ${j.landing}`);
  assert.ok(Math.abs(j.flightTime - 0.4) < 1e-4, `flight ${j.flightTime}`);
  // 9.81 * 0.16 / 8 = 0.1962 m
  assert.ok(Math.abs(j.height - 0.1962) < 1e-4, `height ${j.height}`);
  assert.is(j.kind, 'jump');
});

HandBuilt('an edge between samples is placed within the sample: 0.3333 s at 50 Hz gives 13.62 cm', () => {
  // Take-off at 1.5537 s and a flight of 0.3333 s: neither edge on a 20 ms sample boundary.
  const jumps = detectJumps(piecewiseTrace(countermovementJump(0.3333, 1.0037), 50));
  assert.is(jumps.length, 1);
  const j = jumps[0]!;
  assert.ok(Math.abs(j.takeoff - 1.5537) < 2e-3, `takeoff ${j.takeoff}`);
  assert.ok(Math.abs(j.flightTime - 0.3333) < 2e-3, `flight ${j.flightTime}`);
  // 9.81 * 0.3333^2 / 8 = 0.13623 m
  assert.ok(Math.abs(j.height - 0.13623) < 0.002, `height ${j.height}`);
});

HandBuilt('the take-off velocity method integrates to g t / 2 from the still period', () => {
  const j = detectJumps(piecewiseTrace(countermovementJump(0.4), 200))[0]!;
  // v0 = 9.81 * 0.4 / 2 = 1.962 m/s; v0^2 / 2g = 0.1962 m.
  assert.ok(Math.abs(j.takeoffVelocity! - 1.962) < 0.01, `v ${j.takeoffVelocity}`);
  assert.ok(Math.abs(j.heightByVelocity! - 0.1962) < 0.002, `h(v) ${j.heightByVelocity}`);
});

HandBuilt('RSImod from the countermovement onset; peak landing force', () => {
  const j = detectJumps(piecewiseTrace(countermovementJump(0.4), 200))[0]!;
  // The unweighting starts at 1.00 s, take-off at 1.55 s: RSImod = 0.1962 / 0.55 = 0.357 m/s.
  assert.ok(Math.abs(j.movementStart! - 1.0) < 0.03, `onset ${j.movementStart}`);
  assert.ok(Math.abs(j.rsiMod! - 0.357) < 0.02, `rsiMod ${j.rsiMod}`);
  // Landing: g + 1.962 / 0.15 = 22.89 m/s^2.
  assert.ok(Math.abs(j.peakLandingAcc - 22.89) < 0.05, `peak ${j.peakLandingAcc}`);
  assert.is(j.contactTime, undefined);
});

HandBuilt('a rebound jump: contact time from the first landing and RSI = height / contact', () => {
  const v0 = (G * 0.4) / 2;
  // Land from the first jump, then push straight off again: 0.25 s on the ground.
  const segments: Segment[] = [
    ...countermovementJump(0.4).slice(0, 4),
    { dur: 0.25, f: G + (2 * v0) / 0.25 },
    { dur: 0.4, f: 0 },
    { dur: 0.15, f: G + v0 / 0.15 },
    { dur: 1, f: G },
  ];
  const jumps = detectJumps(piecewiseTrace(segments, 200), { maxRegularity: Infinity });
  assert.is(jumps.length, 2);
  assert.ok(Math.abs(jumps[1]!.contactTime! - 0.25) < 1e-3, `contact ${jumps[1]!.contactTime}`);
  // 0.1962 / 0.25 = 0.785 m/s
  assert.ok(Math.abs(jumps[1]!.rsi! - 0.785) < 0.005, `rsi ${jumps[1]!.rsi}`);
});

HandBuilt('a drop jump: the drop from the box is no jump, the contact counts from its landing', () => {
  const v0 = (G * 0.4) / 2;
  const drop = (G * 0.25) / 2; // stepping off: 0.25 s of free fall from rest, then 2.45 m/s down
  const segments: Segment[] = [
    { dur: 1, f: G },
    { dur: 0.25, f: 0 },
    { dur: 0.2, f: G + (drop + v0) / 0.2 },
    { dur: 0.4, f: 0 },
    { dur: 0.15, f: G + v0 / 0.15 },
    { dur: 1, f: G },
  ];
  const jumps = detectJumps(piecewiseTrace(segments, 200));
  assert.is(jumps.length, 1);
  assert.ok(Math.abs(jumps[0]!.takeoff - 1.45) < 1e-3, `takeoff ${jumps[0]!.takeoff}`);
  assert.ok(Math.abs(jumps[0]!.contactTime! - 0.2) < 1e-3, `contact ${jumps[0]!.contactTime}`);
  // 0.1962 / 0.2 = 0.981 m/s
  assert.ok(Math.abs(jumps[0]!.rsi! - 0.981) < 0.005, `rsi ${jumps[0]!.rsi}`);
});

HandBuilt('a drop without a push-off (into a chair) is not a jump', () => {
  const segments: Segment[] = [
    { dur: 1, f: G },
    { dur: 0.25, f: 0 },
    { dur: 0.2, f: G + (G * 0.25) / 0.2 },
    { dur: 1, f: G },
  ];
  assert.equal(detectJumps(piecewiseTrace(segments, 200)), []);
});

HandBuilt('flights amid periodic gait are running strides, listed only when asked', () => {
  // Running: 0.17 s flights between 0.25 s stances, for 8 s.
  const v = (G * 0.17) / 2;
  const stride: Segment[] = [
    { dur: 0.25, f: G + (2 * v) / 0.25 },
    { dur: 0.17, f: 0 },
  ];
  const segments: Segment[] = [{ dur: 1, f: G }, ...Array.from({ length: 19 }, () => stride).flat(), { dur: 1, f: G }];
  const trace = piecewiseTrace(segments, 200);
  assert.equal(detectJumps(trace), []);
  const strides = detectJumps(trace, { includeStrides: true });
  assert.ok(strides.length >= 15, `${strides.length} strides`);
  assert.ok(strides.every((s) => s.kind === 'stride'));
});

HandBuilt('quiet standing with sensor noise has no jump', () => {
  const trace = piecewiseTrace([{ dur: 5, f: G }], 100);
  let seed = 1;
  for (let i = 0; i < trace.acc.length; i++) {
    seed = (seed * 16807) % 2147483647;
    trace.acc[i] = (trace.acc[i] as number) + 0.3 * (seed / 2147483647 - 0.5);
  }
  assert.equal(detectJumps(trace), []);
});

HandBuilt('names a bad argument', () => {
  assert.throws(
    () => detectJumps({ t: new Float64Array(4), acc: new Float32Array(6) }),
    /detectJumps\(\): acc must be n x 3/,
  );
});

HandBuilt.run();

const Synthetic = suite('detectJumps on synthetic takes (ground truth)');

Synthetic('clean pelvis IMU: heights within 1 cm of the ground truth', () => {
  const options = {
    ...SYNTHETIC_DEFAULTS,
    subjects: 2,
    duration: 2.5,
    placements: ['pelvis' as const],
    video: false,
    pose: false,
    packetLoss: 0,
    sensorOutage: 0,
  };
  for (let s = 0; s < 2; s++) {
    const subject = generateSubject(options, s);
    subject.devices = subject.devices.map((d) => ({
      ...d,
      accelNoise: 0,
      gyroNoise: 0,
      accelBias: [0, 0, 0],
      gyroBias: [0, 0, 0],
    }));
    const sample = generateTake(options, subject, 'jump', 0);
    const truth = sample.events!.find((e) => e.name === 'flight-height')!.value!;
    const stream = sample.streams.find((x): x is ImuStream => x.kind === 'imu')!;
    const n = stream.t.length;
    const acc = Float32Array.from({ length: n * 3 }, (_, i) => stream.data[Math.floor(i / 3) * 6 + (i % 3)] as number);
    const jumps = detectJumps({ t: stream.t, acc }, { placement: 'pelvis' });
    assert.is(jumps.length, 1, sample.id);
    assert.ok(Math.abs(jumps[0]!.height - truth) < 0.01, `${sample.id}: ${jumps[0]!.height} vs ${truth}`);
  }
});

Synthetic.run();
