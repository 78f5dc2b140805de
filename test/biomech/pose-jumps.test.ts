import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { detectPoseJumps } from '../../src/biomech/pose-jumps.ts';
import { poseStream, type PoseStream } from '../../src/core/stream.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../src/data/synthetic/synthetic-take.ts';

const G = 9.81;
const FPS = 30;
// A standing athlete seen from the side: torso (mid-shoulder to mid-hip) 100 px, straight legs.
const STAND: Record<number, [number, number]> = {
  0: [300, 250],
  5: [300, 300],
  6: [300, 300],
  11: [300, 400],
  12: [300, 400],
  13: [300, 450],
  14: [300, 450],
  15: [300, 500],
  16: [300, 500],
};

interface Frame {
  /** Rise of the whole body in px (image up). */
  lift?: number;
  /** How far the hips sink (px), knees pushed forward: a squat. */
  squat?: number;
  /** Per keypoint: [x, y, score] overriding the built one. */
  override?: Record<number, [number, number, number]>;
}

/** A COCO-17 pose stream at FPS of `seconds`, each frame built by `at(t)`. */
function sequence(seconds: number, at: (t: number) => Frame): PoseStream {
  const n = Math.round(seconds * FPS);
  const t = Float64Array.from({ length: n }, (_, f) => f / FPS);
  const data = new Float32Array(n * 34);
  const score = new Float32Array(n * 17).fill(0.9);
  for (let f = 0; f < n; f++) {
    const { lift = 0, squat = 0, override = {} } = at(t[f] as number);
    for (let j = 0; j < 17; j++) {
      const [x, y] = STAND[j] ?? STAND[0]!;
      let px = x;
      let py = y - lift;
      if (j <= 12) py += squat; // upper body and hips sink
      if (j === 13 || j === 14) {
        py += squat / 2;
        px += squat; // knees forward
      }
      data[f * 34 + 2 * j] = px;
      data[f * 34 + 2 * j + 1] = py;
    }
    for (const [j, [x, y, s]] of Object.entries(override)) {
      data[f * 34 + 2 * Number(j)] = x;
      data[f * 34 + 2 * Number(j) + 1] = y;
      score[f * 17 + Number(j)] = s;
    }
  }
  return poseStream({ rate: FPS, t, joints: 'coco17', dims: 2, data, score });
}

// 100 px torso = 0.5 m: 200 px per metre, for a ballistic flight in pixels.
const PX_PER_M = 200;
/**
 * A jump: a heel rise to the 0.2-torso edge (20 px) over 0.15 s before take-off at `t0`, a
 * ballistic flight of `flight` s from there (v = g t / 2), and the mirror after landing.
 */
function jumpLift(t0: number, flight: number) {
  const v = (G * flight) / 2;
  return (t: number): number => {
    const tau = t - t0;
    if (tau < -0.15 || tau > flight + 0.15) return 0;
    if (tau < 0) return 20 * (1 + tau / 0.15);
    if (tau > flight) return 20 * (1 - (tau - flight) / 0.15);
    return 20 + (v * tau - (G * tau * tau) / 2) * PX_PER_M;
  };
}

const Hand = suite('detectPoseJumps on hand-built keypoints');

Hand('a 0.40 s flight with edges between frames: flight within a frame, h = g t^2 / 8', () => {
  // Take-off at 1.0123 s, landing at 1.4123 s: neither on a 33.3 ms frame boundary.
  const lift = jumpLift(1.0123, 0.4);
  const jumps = detectPoseJumps(sequence(2.5, (t) => ({ lift: lift(t) })));
  assert.is(jumps.length, 1);
  const j = jumps[0]!;
  assert.ok(Math.abs(j.takeoff - 1.0123) < 1 / FPS, `takeoff ${j.takeoff}`);
  assert.ok(Math.abs(j.landing - 1.4123) < 1 / FPS, `landing ${j.landing}`);
  assert.ok(Math.abs(j.flightTime - 0.4) < 1 / FPS, `flight ${j.flightTime}`);
  assert.ok(Math.abs(j.height - (G * j.flightTime ** 2) / 8) < 1e-12);
  // One frame either way: 9.81 * 0.3667^2 / 8 = 0.165 m to 9.81 * 0.4333^2 / 8 = 0.230 m around 0.1962.
  assert.ok(j.height > 0.165 && j.height < 0.23, `height ${j.height}`);
  // The whole body rises: peak lift 20 px + (1.962^2 / 19.62 m) * 200 px/m = 59.2 px = 0.592 torso.
  assert.ok(Math.abs(j.hipRise! - 0.592) < 0.01, `hip rise ${j.hipRise}`);
  // Straight legs and an upright trunk at take-off and landing.
  for (const at of [j.angles.takeoff, j.angles.landing]) {
    assert.ok(Math.abs(at.left_knee!) < 1, `knee ${at.left_knee}`);
    assert.ok(Math.abs(at.trunk_lean!) < 1, `trunk ${at.trunk_lean}`);
  }
  assert.is(j.peakLandingAcc, undefined);
});

Hand('ankles lifted for exactly 0.40 s as a step: the edges interpolated within a frame', () => {
  // 50 px (0.5 torso) up from 0.9876 s to 1.3876 s.
  const jumps = detectPoseJumps(sequence(2.5, (t) => ({ lift: t >= 0.9876 && t < 1.3876 ? 50 : 0 })));
  assert.is(jumps.length, 1);
  assert.ok(Math.abs(jumps[0]!.flightTime - 0.4) < 1 / FPS, `flight ${jumps[0]!.flightTime}`);
});

Hand('two jumps 0.5 s apart: contact time and RSI from the first landing', () => {
  const a = jumpLift(0.8, 0.4);
  const b = jumpLift(1.7, 0.4);
  const jumps = detectPoseJumps(sequence(3, (t) => ({ lift: a(t) + b(t) })));
  assert.is(jumps.length, 2);
  // Landing at 1.2 s, take-off at 1.7 s: 0.5 s on the ground.
  assert.ok(Math.abs(jumps[1]!.contactTime! - 0.5) < 1 / FPS, `contact ${jumps[1]!.contactTime}`);
  assert.ok(Math.abs(jumps[1]!.rsi! - jumps[1]!.height / jumps[1]!.contactTime!) < 1e-12);
  assert.is(jumps[0]!.contactTime, undefined);
});

Hand('no jump while standing or squatting', () => {
  assert.equal(detectPoseJumps(sequence(2, () => ({}))), []);
  // Hips sink 60 px and rise again, the feet stay down.
  const squat = (t: number) => 60 * Math.max(0, Math.sin(Math.PI * (t - 0.5)));
  assert.equal(detectPoseJumps(sequence(3, (t) => ({ squat: t > 0.5 && t < 1.5 ? squat(t) : 0 }))), []);
});

Hand('low-score ankles are ignored', () => {
  // Both ankles lost for 0.4 s (score 0.1) and reported high up, as a detector does with hidden feet: no jump.
  const ghost = sequence(2, (t) =>
    t > 0.8 && t < 1.2
      ? {
          override: {
            15: [300, 300, 0.1],
            16: [300, 300, 0.1],
          },
        }
      : {},
  );
  assert.equal(detectPoseJumps(ghost), []);
  // A real jump with the left ankle unseen (score 0.1, stuck on the ground) throughout: the right one carries it.
  const lift = jumpLift(1.0123, 0.4);
  const oneSeen = sequence(2.5, (t) => ({ lift: lift(t), override: { 15: [300, 500, 0.1] } }));
  const jumps = detectPoseJumps(oneSeen);
  assert.is(jumps.length, 1);
  assert.ok(Math.abs(jumps[0]!.flightTime - 0.4) < 1 / FPS, `flight ${jumps[0]!.flightTime}`);
});

Hand('a flight running to the end of the stream never came back: not a jump', () => {
  assert.equal(detectPoseJumps(sequence(2, (t) => ({ lift: t > 1.5 ? 50 : 0 }))), []);
});

Hand.run();

const Synthetic = suite('detectPoseJumps on synthetic pose streams (ground truth)');

Synthetic('flight times of jump takes within two frames of the ground truth', () => {
  const options = { ...SYNTHETIC_DEFAULTS, subjects: 2, duration: 2.5, video: false, packetLoss: 0, sensorOutage: 0 };
  for (let s = 0; s < 2; s++) {
    const subject = generateSubject(options, s);
    for (const take of [0, 1]) {
      const sample = generateTake(options, subject, 'jump', take);
      const takeoff = sample.events!.find((e) => e.name === 'takeoff')!.t!;
      const landing = sample.events!.find((e) => e.name === 'landing')!.t!;
      const pose = sample.streams.find((x): x is PoseStream => x.kind === 'pose')!;
      const jumps = detectPoseJumps(pose);
      assert.is(jumps.length, 1, sample.id);
      // Each edge within a frame at 30 fps (and keypoint noise of about 1 px on a ~20 px torso).
      const error = jumps[0]!.flightTime - (landing - takeoff);
      assert.ok(Math.abs(error) < 2 / options.fps, `${sample.id}: flight off by ${error} s`);
    }
  }
});

Synthetic.run();
