import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bodyDimensions } from '../../../src/data/synthetic/anthropometry.ts';
import { standingPose } from '../../../src/data/synthetic/body-model.ts';
import { legOf, reachShortfall, solveLeg, type LegMemo } from '../../../src/data/synthetic/leg-solver.ts';
import type { Vec3 } from '../../../src/data/synthetic/rotation.ts';

const dims = bodyDimensions(1.8);
const root: Vec3 = [0, 0, 1];
const miss = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

const Solve = suite('solveLeg');
Solve('puts the ball of the foot on a reachable target, to 1 um, and leaves the other leg alone', () => {
  const pose = standingPose();
  const toe = legOf(dims, pose, root, 0).toe;
  for (const shift of [
    [0.1, 0, 0.05],
    [-0.08, 0.05, 0.1],
    [0.15, -0.03, 0.2],
  ] as Vec3[]) {
    const target: Vec3 = [toe[0] + shift[0], toe[1] + shift[1], toe[2] + shift[2]];
    const solved = solveLeg(dims, pose, root, 0, target);
    assert.ok(miss(legOf(dims, solved, root, 0).toe, target) < 1e-6, `shift ${shift.join(', ')}`);
    assert.equal(
      [solved.hipFlex[1], solved.hipAbd[1], solved.kneeFlex[1]],
      [pose.hipFlex[1], pose.hipAbd[1], pose.kneeFlex[1]],
    );
  }
});
Solve('follows a moving target from the state kept between steps, to 1 um each step', () => {
  const pose = standingPose();
  const toe = legOf(dims, pose, root, 1).toe;
  const memo: LegMemo = [undefined, undefined];
  for (let k = 1; k <= 20; k++) {
    const target: Vec3 = [toe[0] + 0.005 * k, toe[1], toe[2] + 0.004 * k];
    const kept = solveLeg(dims, pose, root, 1, target, memo);
    assert.ok(memo[1] !== undefined, 'the state is kept');
    assert.ok(miss(legOf(dims, kept, root, 1).toe, target) < 1e-6, `step ${k}`);
  }
});
Solve.run();

const Reach = suite('reachShortfall');
Reach('is 0 for a target the leg reaches, and how far the pelvis must sink for one below its reach', () => {
  const pose = standingPose();
  const toe = legOf(dims, pose, root, 0).toe;
  assert.is(reachShortfall(dims, pose, root, 0, [toe[0], toe[1], toe[2] + 0.1]), 0);
  const sink = reachShortfall(dims, pose, root, 0, [toe[0], toe[1], toe[2] - 0.2]);
  assert.ok(sink < -0.15 && sink > -0.25, `sink ${sink}`);
});
Reach.run();
