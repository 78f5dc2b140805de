import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/core/random.ts';
import { bodyDimensions } from '../../../src/data/synthetic/anthropometry.ts';
import { BODY_JOINTS, standingPose } from '../../../src/data/synthetic/body-model.ts';
import { GRAVITY, simulateMotion, type MotionTrajectory } from '../../../src/data/synthetic/motion.ts';
import { ACTIONS, actionProgram, drawStyle, type Action } from '../../../src/data/synthetic/actions.ts';
import { defaultImuSpec, simulateImu, type ImuSpec } from '../../../src/data/synthetic/virtual-imu.ts';
import { expMap, logMap, multiply, transpose, type Mat3, type Vec3 } from '../../../src/data/synthetic/rotation.ts';

/** Physics of the synthetic athlete so far (#4): body placement, flight, and the virtual IMU. */
function take(action: Action, seed: number): { traj: MotionTrajectory; rng: SeededRandom } {
  const rng = new SeededRandom(seed);
  const dims = bodyDimensions(rng.uniform(1.55, 1.95), rng.uniform(0.85, 1.2));
  const traj = simulateMotion(dims, standingPose(), actionProgram(action, drawStyle(rng), dims, rng), 2.5);
  return { traj, rng };
}
const ideal = (placement: ImuSpec['placement'], side: ImuSpec['side'] = 'right'): ImuSpec => ({
  ...defaultImuSpec('s', placement, side),
  accelNoise: 0,
  gyroNoise: 0,
  accelRange: 1e9,
  gyroRange: 1e9,
});
const norm3 = (d: Float32Array, i: number) =>
  Math.hypot(d[i * 6] as number, d[i * 6 + 1] as number, d[i * 6 + 2] as number);

const Physics = suite('synthetic motion physics');
Physics('at rest every accelerometer reads 9.81 +- 0.05 m/s^2 (specific force, upward)', () => {
  for (const action of ACTIONS) {
    const { traj, rng } = take(action, 3);
    for (const placement of ['pelvis', 'wrist', 'ankle'] as const) {
      const { stream } = simulateImu(traj, { ...defaultImuSpec('s', placement), accelBias: [0, 0, 0] }, rng);
      // The first 0.1 s are quiet standing in every program.
      for (let i = 0; i < 10; i++)
        assert.ok(
          Math.abs(norm3(stream.data, i) - GRAVITY) < 0.05,
          `${action} ${placement} sample ${i}: ${norm3(stream.data, i)}`,
        );
    }
  }
});
Physics(
  'in flight the pelvis sensor reads near-zero specific force, and the flight time gives the height (h = g t^2 / 8, within 1 cm)',
  () => {
    let flights = 0;
    for (let seed = 10; seed < 20; seed++) {
      for (const action of ['jump', 'hop'] as const) {
        const { traj, rng } = take(action, seed);
        assert.is(traj.flights.length, 1, `${action} seed ${seed}: one flight`);
        const f = traj.flights[0] as MotionTrajectory['flights'][number];
        const t = f.landing - f.takeoff;
        assert.ok(f.height > 0.03 && t > 0.15, `${action} seed ${seed}: a real flight (${f.height} m, ${t} s)`);
        assert.ok(
          Math.abs((GRAVITY * t * t) / 8 - f.height) < 0.01,
          `${action} seed ${seed}: g t^2/8 = ${(GRAVITY * t * t) / 8} vs ${f.height}`,
        );
        const { stream, truth } = simulateImu(traj, ideal('pelvis'), rng);
        for (let i = 0; i < stream.t.length; i++) {
          const end = truth.cameraTime[i] as number;
          // Samples whose whole interval lies inside the flight.
          // (2 ms margins: the acceleration is a central difference over neighbouring 1 ms steps.)
          if (end - 1 / stream.rate > f.takeoff + 2 * traj.dt && end < f.landing - 2 * traj.dt)
            assert.ok(norm3(stream.data, i) < 0.05, `${action} seed ${seed}: |f| ${norm3(stream.data, i)} in flight`);
        }
        flights++;
      }
    }
    assert.is(flights, 20);
  },
);
Physics('the squat has the dip and no flight', () => {
  for (let seed = 0; seed < 5; seed++) {
    const { traj } = take('squat', seed);
    assert.is(traj.flights.length, 0);
    const z = traj.frames.map((f) => (f.joints[0] as Vec3)[2]);
    assert.ok(Math.max(...z) - Math.min(...z) > 0.1, 'the pelvis dips more than 10 cm');
  }
});
Physics('feet never go below the floor, and a planted foot does not slide (every action)', () => {
  const toes = [BODY_JOINTS.indexOf('l_toe'), BODY_JOINTS.indexOf('r_toe')] as const;
  for (const action of ACTIONS) {
    for (const seed of [5, 6]) {
      const { traj } = take(action, seed);
      let plantedSteps = 0;
      for (let k = 1; k < traj.frames.length; k++) {
        const [a, b] = [
          traj.frames[k - 1] as MotionTrajectory['frames'][number],
          traj.frames[k] as MotionTrajectory['frames'][number],
        ];
        for (let side = 0; side < 2; side++) {
          const toe = b.joints[toes[side] as number] as Vec3;
          assert.ok(toe[2] > -1e-4, `${action} seed ${seed} step ${k}: toe ${side} at z = ${toe[2]}`);
          // On the floor in both steps: the ball of the foot stays put (0.2 mm over a step at most).
          if (((traj.contact[k] as number) & (traj.contact[k - 1] as number) & (1 << side)) !== 0) {
            const before = a.joints[toes[side] as number] as Vec3;
            const moved = Math.hypot(toe[0] - before[0], toe[1] - before[1], toe[2] - before[2]);
            assert.ok(
              moved < 2e-4,
              `${action} seed ${seed} step ${k} (${traj.phaseLabels[traj.phase[k] as number]}): a planted foot moved ${(moved * 1000).toFixed(3)} mm`,
            );
            assert.ok(
              Math.abs(toe[2]) < 1e-4,
              `${action} seed ${seed} step ${k}: a planted foot is off the floor (${toe[2]} m)`,
            );
            plantedSteps++;
          }
        }
      }
      assert.ok(plantedSteps > 1000, `${action}: feet on the floor most of the time (${plantedSteps} foot-steps)`);
    }
  }
});
Physics('every action is its own movement: the body moves, and the ten programs differ', () => {
  const signature = (action: Action) => {
    const { traj } = take(action, 8);
    // Range of each joint's height over the take: a cheap fingerprint of what moved.
    return BODY_JOINTS.map((_, j) => {
      const z = traj.frames.map((f) => (f.joints[j] as Vec3)[2]);
      return Math.max(...z) - Math.min(...z);
    });
  };
  const all = ACTIONS.map(signature);
  for (const [i, sig] of all.entries())
    assert.ok(Math.max(...sig) > 0.1, `${ACTIONS[i]}: something moves more than 10 cm`);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const d = Math.hypot(...(all[i] as number[]).map((v, k) => v - ((all[j] as number[])[k] as number)));
      assert.ok(d > 0.05, `${ACTIONS[i]} and ${ACTIONS[j]} move alike (distance ${d.toFixed(3)})`);
    }
  }
});
Physics("integrating the gyroscope over a take gives the segment's orientation change (within 2 degrees)", () => {
  for (const [action, placement] of [
    ['jump', 'wrist'],
    ['hop', 'ankle'],
    ['squat', 'pelvis'],
  ] as const) {
    const { traj, rng } = take(action, 7);
    const { stream, truth } = simulateImu(traj, ideal(placement), rng);
    let r: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    for (let i = 0; i < stream.t.length; i++) {
      const w: Vec3 = [
        stream.data[i * 6 + 3] as number,
        stream.data[i * 6 + 4] as number,
        stream.data[i * 6 + 5] as number,
      ];
      r = multiply(r, expMap([w[0] / stream.rate, w[1] / stream.rate, w[2] / stream.rate]));
    }
    const seg = ['pelvis', 'wrist', 'ankle'].indexOf(placement);
    const segIndex = [0, 5, 9][seg] as number; // pelvis, r_forearm, r_shank in SEGMENTS order
    const lastK = Math.round((truth.cameraTime[stream.t.length - 1] as number) / traj.dt) - 1;
    const r0 = (traj.frames[0] as MotionTrajectory['frames'][number]).segments[segIndex] as Mat3;
    const r1 = (traj.frames[lastK] as MotionTrajectory['frames'][number]).segments[segIndex] as Mat3;
    const truthChange = multiply(transpose(r0), r1);
    const err = logMap(multiply(transpose(truthChange), r));
    const errDeg = (Math.hypot(...err) * 180) / Math.PI;
    const moved = (Math.hypot(...logMap(truthChange)) * 180) / Math.PI;
    assert.ok(
      errDeg < 2,
      `${action} ${placement}: ${errDeg.toFixed(2)} deg off (the segment turned ${moved.toFixed(1)} deg)`,
    );
  }
});
Physics('same seed, same streams; another seed, other streams; clock offset and drift stamp the device times', () => {
  const run = (seed: number) => {
    const { traj, rng } = take('jump', seed);
    return simulateImu(
      traj,
      { ...defaultImuSpec('s', 'wrist'), clockOffset: 0.125, clockDrift: 5e-5, packetLoss: 0.05 },
      rng,
    );
  };
  const a = run(21);
  const b = run(21);
  const c = run(22);
  assert.equal(Array.from(a.stream.data), Array.from(b.stream.data));
  assert.equal(Array.from(a.stream.t), Array.from(b.stream.t));
  assert.not.equal(Array.from(a.stream.data.slice(0, 600)), Array.from(c.stream.data.slice(0, 600)));
  a.stream.t.forEach((t, i) =>
    assert.ok(Math.abs(t - (0.125 + (1 + 5e-5) * (a.truth.cameraTime[i] as number))) < 1e-9),
  );
  const expected = Math.floor(2.5 * 100);
  assert.ok(
    a.stream.t.length < expected && a.stream.t.length > expected * 0.85,
    `packet loss kept ${a.stream.t.length} of ${expected}`,
  );
});
Physics(
  'no velocity steps: the pelvis reads under 12 g through jumps, hops, squats, lunges, runs (landings are absorbed) and kicks',
  () => {
    for (const action of ['jump', 'hop', 'squat', 'lunge', 'run', 'kick'] as const) {
      for (let seed = 30; seed < 36; seed++) {
        const { traj, rng } = take(action, seed);
        const { stream } = simulateImu(traj, ideal('pelvis'), rng);
        let peak = 0;
        for (let i = 0; i < stream.t.length; i++) peak = Math.max(peak, norm3(stream.data, i));
        assert.ok(peak < 12 * GRAVITY, `${action} seed ${seed}: pelvis peak ${(peak / GRAVITY).toFixed(1)} g`);
      }
    }
  },
);
Physics(
  'a jump takes off from above the feet: the pelvis is within 15 cm of the balls of the feet (horizontally) and leaves vertically',
  () => {
    const toe = BODY_JOINTS.indexOf('l_toe');
    for (let seed = 40; seed < 46; seed++) {
      const { traj } = take('jump', seed);
      const f = traj.flights[0] as MotionTrajectory['flights'][number];
      const k = Math.round(f.takeoff / traj.dt) - 1;
      const frame = traj.frames[k] as MotionTrajectory['frames'][number];
      const offset = (frame.joints[0] as Vec3)[0] - (frame.joints[toe] as Vec3)[0];
      assert.ok(
        Math.abs(offset) < 0.15,
        `seed ${seed}: pelvis ${offset.toFixed(3)} m from the ball of the foot at take-off`,
      );
      const before = traj.frames[k - 1] as MotionTrajectory['frames'][number];
      const vx = ((frame.joints[0] as Vec3)[0] - (before.joints[0] as Vec3)[0]) / traj.dt;
      assert.ok(Math.abs(vx) < 0.1, `seed ${seed}: horizontal take-off speed ${vx.toFixed(3)} m/s`);
    }
  },
);
Physics('the pelvis tilts as the trunk leans: a pelvis gyroscope sees a squat (pitch rate > 0.4 rad/s)', () => {
  for (let seed = 50; seed < 54; seed++) {
    const { traj, rng } = take('squat', seed);
    const { stream } = simulateImu(traj, ideal('pelvis'), rng);
    let peak = 0;
    for (let i = 0; i < stream.t.length; i++) peak = Math.max(peak, Math.abs(stream.data[i * 6 + 4] as number));
    assert.ok(peak > 0.4, `seed ${seed}: pelvis pitch rate peaks at ${peak.toFixed(2)} rad/s`);
  }
});
Physics('a turned sensor reads the segment-aligned values rotated into its own axes', () => {
  const { traj } = take('throw', 60);
  const mounting = expMap([0.1, -0.2, 0.6]);
  const aligned = simulateImu(traj, ideal('wrist'), new SeededRandom(1)).stream.data;
  const turned = simulateImu(traj, { ...ideal('wrist'), mounting }, new SeededRandom(1)).stream.data;
  for (let i = 0; i < aligned.length / 6; i += 7) {
    for (const o of [0, 3]) {
      const v: Vec3 = [aligned[i * 6 + o]!, aligned[i * 6 + o + 1]!, aligned[i * 6 + o + 2]!];
      // m^T v: the segment-frame vector in the sensor's axes.
      const expected = [0, 1, 2].map((c) => mounting[c]! * v[0] + mounting[3 + c]! * v[1] + mounting[6 + c]! * v[2]);
      for (let c = 0; c < 3; c++)
        assert.ok(
          Math.abs(turned[i * 6 + o + c]! - expected[c]!) < 1e-3 * (1 + Math.abs(expected[c]!)),
          `sample ${i} channel ${o + c}`,
        );
    }
  }
});
Physics.run();
