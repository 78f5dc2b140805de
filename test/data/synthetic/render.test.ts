import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../../src/core/random.ts';
import { bodyDimensions } from '../../../src/data/synthetic/anthropometry.ts';
import { drawBackground, paintBackground, type BackgroundSpec } from '../../../src/data/synthetic/backgrounds.ts';
import {
  BODY_JOINTS,
  forwardKinematics,
  standingPose,
  type BodyFrame,
  type JointAngles,
} from '../../../src/data/synthetic/body-model.ts';
import { makeCamera, project, type Camera } from '../../../src/data/synthetic/camera.ts';
import { applySensor } from '../../../src/data/synthetic/image-effects.ts';
import { renderFrame, type RenderScene } from '../../../src/data/synthetic/render-frame.ts';
import type { Vec3 } from '../../../src/data/synthetic/rotation.ts';

/** The synthetic video renderer: the body over a painted background, shadow, blur, noise. */
const W = 112;
const H = 112;
const dims = bodyDimensions(1.78, 1);
const joint = (f: BodyFrame, name: (typeof BODY_JOINTS)[number]) => f.joints[BODY_JOINTS.indexOf(name)] as Vec3;

/** The body with its lower toe on the floor, raised by `lift` m. */
function body(pose: JointAngles = standingPose(), lift = 0): BodyFrame {
  const atZero = forwardKinematics(dims, pose, [0, 0, 0]);
  const toe = Math.min(joint(atZero, 'l_toe')[2], joint(atZero, 'r_toe')[2]);
  return forwardKinematics(dims, pose, [0, 0, -toe + lift]);
}
const camera = (azimuth: number, distance = 4): Camera =>
  makeCamera({ azimuth, distance, height: 1.1, target: [0, 0, 0.95], fov: 0.6, width: W, heightPx: H });
const gym: BackgroundSpec = (() => {
  for (let seed = 0; ; seed++) {
    const spec = drawBackground(new SeededRandom(seed));
    if (spec.type === 'gym') return spec;
  }
})();
function scene(
  cam: Camera,
  extra: Partial<RenderScene> = {},
  lighting: Partial<RenderScene['lighting']> = {},
): RenderScene {
  return {
    camera: cam,
    dims,
    appearance: {
      skin: [0.85, 0.62, 0.48],
      hair: [0.2, 0.12, 0.08],
      shirt: [0.1, 0.25, 0.8],
      shorts: [0.15, 0.15, 0.17],
      shoes: [0.9, 0.9, 0.9],
    },
    lighting: { direction: [0.48, 0.36, 0.8], ambient: 0.45, diffuse: 0.65, shadow: 0, ...lighting },
    background: paintBackground(gym, cam),
    noiseSd: 0,
    gain: 1,
    ...extra,
  };
}
function render(sc: RenderScene, bodies: BodyFrame[], seed = 1): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  renderFrame(sc, bodies, out, new SeededRandom(seed));
  return out;
}
const at = (img: Uint8Array, u: number, v: number): number[] => {
  const i = (Math.floor(v) * W + Math.floor(u)) * 3;
  return [img[i] as number, img[i + 1] as number, img[i + 2] as number];
};
const diff = (a: Uint8Array, b: Uint8Array, i: number) =>
  Math.abs((a[i * 3] as number) - (b[i * 3] as number)) +
  Math.abs((a[i * 3 + 1] as number) - (b[i * 3 + 1] as number)) +
  Math.abs((a[i * 3 + 2] as number) - (b[i * 3 + 2] as number));
/** Rows and columns where `img` differs from `empty`. */
function silhouette(
  img: Uint8Array,
  empty: Uint8Array,
): { top: number; bottom: number; left: number; right: number; count: number } {
  const box = { top: H, bottom: -1, left: W, right: -1, count: 0 };
  for (let i = 0; i < W * H; i++) {
    if (diff(img, empty, i) <= 6) continue;
    const u = i % W;
    const v = Math.floor(i / W);
    box.top = Math.min(box.top, v);
    box.bottom = Math.max(box.bottom, v);
    box.left = Math.min(box.left, u);
    box.right = Math.max(box.right, u);
    box.count++;
  }
  return box;
}

const Render = suite('renderFrame');
Render(
  'draws the body at the projected pelvis, neck and knees, and leaves the rest as the background (front and side)',
  () => {
    for (const azimuth of [0, Math.PI / 2]) {
      const sc = scene(camera(azimuth));
      const f = body();
      const empty = render(sc, []);
      const img = render(sc, [f]);
      for (const name of ['pelvis', 'neck', 'l_knee', 'r_knee'] as const) {
        const [u, v] = project(sc.camera, joint(f, name));
        assert.ok(
          diff(img, empty, Math.floor(v) * W + Math.floor(u)) > 40,
          `azimuth ${azimuth}: ${name} at (${u.toFixed(1)}, ${v.toFixed(1)}) is not drawn`,
        );
      }
      // Outside the projected joints' box widened by 12 px, every pixel is the background's.
      const uv = f.joints.map((p) => project(sc.camera, p));
      const u0 = Math.min(...uv.map((p) => p[0])) - 12;
      const u1 = Math.max(...uv.map((p) => p[0])) + 12;
      const v0 = Math.min(...uv.map((p) => p[1])) - 12;
      const v1 = Math.max(...uv.map((p) => p[1])) + 12;
      let outside = 0;
      for (let i = 0; i < W * H; i++) {
        const u = i % W;
        const v = Math.floor(i / W);
        if (u >= u0 && u <= u1 && v >= v0 && v <= v1) continue;
        outside++;
        assert.is(diff(img, empty, i), 0, `azimuth ${azimuth}: pixel (${u}, ${v}) changed`);
      }
      assert.ok(outside > 4000, `${outside} pixels checked`);
    }
  },
);
Render('the empty scene is the painted background, rounded to bytes', () => {
  const sc = scene(camera(0.3));
  const img = render(sc, []);
  for (let i = 0; i < img.length; i++) assert.is(img[i], Math.round(sc.background.rgb[i] as number));
});
Render('the silhouette spans the projected top of the head to the toes within 3 pixels', () => {
  for (const azimuth of [0, Math.PI / 2, 0.8]) {
    const sc = scene(camera(azimuth));
    const f = body();
    const box = silhouette(render(sc, [f]), render(sc, []));
    const head = project(sc.camera, joint(f, 'head'))[1];
    const toes = Math.max(project(sc.camera, joint(f, 'l_toe'))[1], project(sc.camera, joint(f, 'r_toe'))[1]);
    assert.ok(
      Math.abs(box.top - head) <= 3,
      `azimuth ${azimuth}: top row ${box.top}, head top projects to ${head.toFixed(1)}`,
    );
    assert.ok(
      Math.abs(box.bottom + 1 - toes) <= 3,
      `azimuth ${azimuth}: bottom row ${box.bottom}, toes project to ${toes.toFixed(1)}`,
    );
  }
});
Render('an arm raised towards the camera hides the trunk behind it', () => {
  const sc = scene(camera(0));
  const down = body();
  const raised: JointAngles = {
    ...standingPose(),
    shoulderFlex: [Math.PI / 2, 0.05],
    shoulderAbd: [-0.35, 0.12],
    elbowFlex: [0, 0.25],
  };
  const up = body(raised);
  // The forearm's middle, seen in front of the chest.
  const p = project(
    sc.camera,
    joint(up, 'l_wrist').map((x, i) => (x + (joint(up, 'l_elbow')[i] as number)) / 2) as Vec3,
  );
  const before = at(render(sc, [down]), p[0], p[1]);
  const after = at(render(sc, [up]), p[0], p[1]);
  assert.ok((before[2] as number) > (before[0] as number) + 30, `without the arm the shirt shows there: ${before}`);
  assert.ok((after[0] as number) > (after[2] as number) + 30, `the arm's skin shows in front of the shirt: ${after}`);
});
Render('a body 30 cm higher has its shadow further below it, and fainter', () => {
  // Light from behind the athlete: the shadow falls towards the camera, in view.
  const cam = camera(0.2);
  const measure = (lift: number) => {
    const f = body(standingPose(), lift);
    const bodyOnly = render(scene(cam, {}, { direction: [-0.3, 0.1, 0.95], shadow: 0 }), [f]);
    const withShadow = render(scene(cam, {}, { direction: [-0.3, 0.1, 0.95], shadow: 0.6 }), [f]);
    const bottom = silhouette(bodyOnly, render(scene(cam), [])).bottom;
    let sum = 0;
    let sumV = 0;
    let darkest = 0;
    for (let i = 0; i < W * H; i++) {
      const d = diff(bodyOnly, withShadow, i);
      sum += d;
      sumV += d * Math.floor(i / W);
      darkest = Math.max(darkest, d);
    }
    return { gap: sumV / sum - bottom, darkest, sum };
  };
  const ground = measure(0);
  const air = measure(0.3);
  assert.ok(ground.sum > 0 && air.sum > 0, 'both cast a shadow');
  assert.ok(
    air.gap - ground.gap > 8,
    `shadow centre to silhouette bottom: ${ground.gap.toFixed(1)} px on the floor, ${air.gap.toFixed(1)} px at 30 cm`,
  );
  assert.ok(
    air.darkest < ground.darkest,
    `darkest shadow pixel: ${ground.darkest} on the floor, ${air.darkest} at 30 cm`,
  );
});
Render('the same rng seed gives identical bytes; another seed changes the noise, and only the noise', () => {
  const sc = scene(camera(0.5), { noiseSd: 4 });
  const f = body();
  const a = render(sc, [f], 11);
  const b = render(sc, [f], 11);
  const c = render(sc, [f], 12);
  assert.equal(Array.from(a), Array.from(b));
  let differing = 0;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (c[i] as number));
    if (d > 0) differing++;
    maxDiff = Math.max(maxDiff, d);
  }
  assert.ok(differing > a.length / 2, `${differing} of ${a.length} bytes differ`);
  assert.ok(maxDiff < 40, `largest difference ${maxDiff}: noise, not a different picture`);
  // Without noise the seed does not matter.
  const clean = scene(camera(0.5));
  assert.equal(Array.from(render(clean, [f], 11)), Array.from(render(clean, [f], 12)));
});
Render('several exposure sub-samples average into one frame (motion blur)', () => {
  const sc = scene(camera(0));
  const a = body();
  const b = body(standingPose(), 0.25);
  const imgA = render(sc, [a]);
  const imgB = render(sc, [b]);
  const same = render(sc, [a, a, a]);
  for (let i = 0; i < same.length; i++)
    assert.ok(Math.abs((same[i] as number) - (imgA[i] as number)) <= 1, `byte ${i}`);
  const blur = render(sc, [a, b]);
  let mixed = 0;
  for (let i = 0; i < blur.length; i++) {
    const lo = Math.min(imgA[i] as number, imgB[i] as number);
    const hi = Math.max(imgA[i] as number, imgB[i] as number);
    assert.ok(
      (blur[i] as number) >= lo - 1 && (blur[i] as number) <= hi + 1,
      `byte ${i}: ${blur[i]} outside [${lo}, ${hi}]`,
    );
    if (hi - lo > 40 && Math.abs((blur[i] as number) - (lo + hi) / 2) <= 1) mixed++;
  }
  assert.ok(mixed > 50, `${mixed} bytes are the mean of two different exposures`);
});
Render('occluders are drawn over the body, with partly covered edge pixels blended', () => {
  const cam = camera(0);
  const f = body();
  const [u, v] = project(cam, joint(f, 'pelvis'));
  const img = render(scene(cam, { occluders: [{ u0: u - 5, v0: 0, u1: u + 5.5, v1: H, colour: [0.5, 0.25, 0] }] }), [
    f,
  ]);
  assert.equal(at(img, u, v), [128, 64, 0]);
  const plain = render(scene(cam), [f]);
  // The column at u + 5 is half covered.
  const edge = at(img, u + 5, v - 20);
  const under = at(plain, u + 5, v - 20);
  assert.ok(
    Math.abs((edge[0] as number) - ((under[0] as number) + 128) / 2) <= 1,
    `${edge} is half of ${under} and the occluder`,
  );
});
Render('bad arguments are errors naming the function and the argument', () => {
  const sc = scene(camera(0));
  const f = body();
  assert.throws(
    () => renderFrame(sc, [f], new Uint8Array(10), new SeededRandom(1)),
    /renderFrame\(\): out must be .* 37632 bytes, got 10/,
  );
  // The camera 4 m in front of the target at x = 4; a body at x = 5 is behind it.
  const behind = forwardKinematics(dims, standingPose(), [5, 0, 1]);
  assert.throws(
    () => render(sc, [behind]),
    /renderFrame\(\): scene\.camera must be in front of the body, but joint 'pelvis' of bodies\[0\]/,
  );
  assert.throws(
    () => render(sc, [f, { joints: f.joints.slice(0, 5), segments: f.segments }]),
    /renderFrame\(\): bodies\[1\] has 5 joints/,
  );
  assert.throws(() => render({ ...sc, gain: -1 }, [f]), /renderFrame\(\): scene\.gain/);
  assert.throws(() => render({ ...sc, noiseSd: Number.NaN }, [f]), /renderFrame\(\): scene\.noiseSd/);
  assert.throws(
    () => render({ ...sc, lighting: { ...sc.lighting, direction: [0, 0, -1] } }, [f]),
    /renderFrame\(\): scene\.lighting\.direction/,
  );
  const small = makeCamera({ ...sc.camera.spec, width: 64, heightPx: 64 });
  assert.throws(
    () => render({ ...sc, background: paintBackground(gym, small) }, [f]),
    /renderFrame\(\): scene\.background is 64x64/,
  );
});
Render.run();

const Backgrounds = suite('backgrounds');
Backgrounds('drawing and painting are deterministic in the seed', () => {
  const cam = camera(0.4);
  const a = drawBackground(new SeededRandom(5));
  const b = drawBackground(new SeededRandom(5));
  assert.equal(a, b);
  assert.equal(Array.from(paintBackground(a, cam).rgb), Array.from(paintBackground(b, cam).rgb));
});
Backgrounds('backgrounds vary: gyms and outdoors, many colours', () => {
  const specs = Array.from({ length: 40 }, (_, i) => drawBackground(new SeededRandom(100 + i)));
  const gyms = specs.filter((s) => s.type === 'gym').length;
  assert.ok(gyms > 10 && gyms < 35, `${gyms} gyms of 40`);
  const floors = new Set(specs.map((s) => s.floor.colour.map((c) => c.toFixed(2)).join()));
  assert.ok(floors.size > 30, `${floors.size} distinct floor colours`);
});
Backgrounds(
  'the floor lies below the horizon, each floor pixel sees its own floor point, and a gym wall hides the far floor',
  () => {
    for (let seed = 0; seed < 12; seed++) {
      const spec = drawBackground(new SeededRandom(seed));
      const cam = camera(seed);
      const bg = paintBackground(spec, cam);
      let floorRows = 0;
      for (let v = 0; v < H; v++) {
        const i = v * W + W / 2;
        const x = bg.floorX[i] as number;
        if (v + 0.5 < bg.horizon - 1)
          assert.ok(Number.isNaN(x), `seed ${seed}: row ${v} above the horizon (${bg.horizon.toFixed(1)}) shows floor`);
        if (Number.isNaN(x)) continue;
        floorRows++;
        const [u, pv] = project(cam, [x, bg.floorY[i] as number, 0]);
        assert.ok(
          Math.abs(u - (W / 2 + 0.5)) < 1e-3 && Math.abs(pv - (v + 0.5)) < 1e-3,
          `seed ${seed}: row ${v}'s floor point projects to (${u}, ${pv})`,
        );
      }
      if (spec.type === 'outdoor')
        assert.ok(Math.abs(H - floorRows - bg.horizon) <= 1, `seed ${seed}: outdoors the floor reaches the horizon`);
      else
        assert.ok(
          H - floorRows > bg.horizon + 1,
          `seed ${seed}: the wall base (row ${H - floorRows}) lies below the horizon (${bg.horizon.toFixed(1)})`,
        );
    }
  },
);
Backgrounds.run();

const Sensor = suite('applySensor');
Sensor('adds zero-mean Gaussian noise of the given sd, then rounds and clamps to bytes', () => {
  const src = new Float32Array(30000).fill(100.2);
  src[0] = -20;
  src[1] = 300;
  const out = new Uint8Array(src.length);
  applySensor(src, out, 1, 0, 1);
  assert.equal(Array.from(out.subarray(0, 3)), [0, 255, 100]);
  applySensor(src, out, 1.5, 5, 42);
  let sum = 0;
  let ss = 0;
  for (let i = 2; i < out.length; i++) {
    sum += (out[i] as number) - 150.3;
    ss += ((out[i] as number) - 150.3) ** 2;
  }
  const n = out.length - 2;
  assert.ok(Math.abs(sum / n) < 0.15, `mean ${sum / n}`);
  // Rounding adds 1/12 to the variance.
  assert.ok(Math.abs(Math.sqrt(ss / n - (sum / n) ** 2 - 1 / 12) - 5) < 0.1, `sd ${Math.sqrt(ss / n)}`);
});
Sensor('writes the same bytes through the 4-byte and the byte path', () => {
  const src = new Float32Array(4001).map((_, i) => (i * 37) % 260);
  const whole = new Uint8Array(4000);
  applySensor(src, whole, 1, 3, 9);
  // A view at an odd offset takes the byte path; the noise sequences differ, the clean values agree.
  const buffer = new Uint8Array(4001);
  const odd = buffer.subarray(1);
  applySensor(src, odd, 1, 0, 9);
  applySensor(src, whole, 1, 0, 9);
  assert.equal(Array.from(odd), Array.from(whole));
});
Sensor.run();
