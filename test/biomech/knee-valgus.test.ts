import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { kneeValgus } from '../../src/biomech/knee-valgus.ts';
import { COCO17_JOINTS } from '../../src/core/joint-sets.ts';
import { poseStream } from '../../src/core/stream.ts';

const rad = (deg: number) => (deg * Math.PI) / 180;

/** A frontal view (x right in the image, y down); each knee `alpha` deg toward the midline: FPPA = 2 alpha. */
function frontal(alpha: number, hipGap: number): Float32Array {
  const p: Record<string, number[]> = {};
  for (const [side, hipX, medial] of [
    ['left', 200 + hipGap / 2, -1],
    ['right', 200 - hipGap / 2, 1],
  ] as const) {
    const hip = [hipX, 300];
    const knee = [hipX + medial * 80 * Math.sin(rad(alpha)), 300 + 80 * Math.cos(rad(alpha))];
    const ankle = [knee[0]! - medial * 80 * Math.sin(rad(alpha)), knee[1]! + 80 * Math.cos(rad(alpha))];
    Object.assign(p, { [`${side}_hip`]: hip, [`${side}_knee`]: knee, [`${side}_ankle`]: ankle });
  }
  return Float32Array.from(COCO17_JOINTS.flatMap((j) => p[j] ?? [200, 150]));
}

const Valgus = suite('kneeValgus');

Valgus('knees 10 deg toward the midline in a frontal view: FPPA +20 deg on both sides', () => {
  const pose = poseStream({ rate: 30, t: Float64Array.from([0]), joints: 'coco17', dims: 2, data: frontal(10, 60) });
  const v = kneeValgus(pose);
  assert.ok(Math.abs(v.left[0]! - 20) < 1e-3, `left ${v.left[0]}`);
  assert.ok(Math.abs(v.right[0]! - 20) < 1e-3, `right ${v.right[0]}`);
});

Valgus('knees outward (varus) are negative', () => {
  const pose = poseStream({ rate: 30, t: Float64Array.from([0]), joints: 'coco17', dims: 2, data: frontal(-5, 60) });
  assert.ok(Math.abs(kneeValgus(pose).left[0]! + 10) < 1e-3);
});

Valgus('a side view (hips one over the other) gives no value', () => {
  const pose = poseStream({ rate: 30, t: Float64Array.from([0]), joints: 'coco17', dims: 2, data: frontal(10, 4) });
  assert.ok(Number.isNaN(kneeValgus(pose).left[0]!));
});

Valgus.run();
