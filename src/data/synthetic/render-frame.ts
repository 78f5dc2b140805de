// Over 400 lines: one software renderer whose capsules, shading, depth buffer and floor shadows share its module-level scratch buffers.
import type { SeededRandom } from '../../core/random.ts';
import type { BodyDimensions } from './anthropometry.ts';
import type { PaintedBackground, Rgb } from './backgrounds.ts';
import { BODY_JOINTS, type BodyFrame } from './body-model.ts';
import type { Camera } from './camera.ts';
import { applySensor } from './image-effects.ts';
import type { Vec3 } from './rotation.ts';

/**
 * A software renderer for the synthetic athlete video: the camera's view of the body model as an
 * RGB image, cheap enough for tens of thousands of frames a data set.
 *
 * The body is 18 volumes, all capsules (a cylinder with hemispherical caps; a sphere when both ends
 * meet): pelvis (between the hips), the chest as two capsules side by side (wide from the front,
 * flat from the side), the shoulder girdle, neck, head (a short capsule along the trunk, its top at
 * the head joint), upper arms, forearms, hands, thighs, shanks and feet (heel to toe tip, resting on
 * the sole). Radii are fractions of body height, times `girth` for the limbs. Each capsule is
 * ray-cast per pixel (after Quilez: the infinite cylinder, then the cap on the side of the hit) over
 * the pixels where its row's discriminant is positive inside its screen bounding box, nearest
 * capsule first with an early depth test; a per-pixel depth buffer resolves what hides what, and
 * Lambert shading uses the true surface normal at the hit. Hair covers the top and back of the head.
 *
 * The floor shadow: each capsule projected along the light onto z = 0 is a 2-D capsule, with a
 * penumbra that widens and a darkness that fades with the height it is cast from, so a jump lifts
 * the body off its shadow as in real video. The background is painted once per take
 * (`paintBackground`) and copied in every frame. Then occluders, exposure gain, sensor noise and
 * 8-bit quantisation (`applySensor`). Several body frames average into one image: motion blur.
 *
 * Deterministic: the only randomness is one draw from `rng` a frame (the noise seed), and nothing
 * depends on time or object key order. Scratch buffers are module-level and reused (the function is
 * synchronous, so calls cannot interleave), and the per-frame path allocates almost nothing.
 */
export interface Appearance {
  skin: Rgb;
  hair: Rgb;
  shirt: Rgb;
  shorts: Rgb;
  shoes: Rgb;
}

export interface Lighting {
  /** Unit vector from the body towards the light, world frame; must point upwards (z > 0). */
  direction: Vec3;
  /** Shade = ambient + diffuse * max(0, n . direction), times the surface colour. */
  ambient: number;
  diffuse: number;
  /** Darkness of the body's shadow on the floor, 0 (none) to 1 (black); about diffuse * dz / (ambient + diffuse * dz). */
  shadow: number;
}

/** A rectangle in image coordinates (pixels, u right, v down; fractional edges are anti-aliased) drawn over everything. */
export interface Occluder {
  u0: number;
  v0: number;
  u1: number;
  v1: number;
  colour: Rgb;
}

export interface RenderScene {
  camera: Camera;
  dims: BodyDimensions;
  appearance: Appearance;
  lighting: Lighting;
  /** Painted for this camera (same image size). */
  background: PaintedBackground;
  /** Sensor read noise, standard deviation in 0-255 units, per pixel and channel. */
  noiseSd: number;
  /** Exposure gain: every value is multiplied by it before noise and quantisation. */
  gain: number;
  occluders?: readonly Occluder[];
}

// Colour slots.
const SKIN = 0;
const HAIR = 1;
const SHIRT = 2;
const SHORTS = 3;
const SHOES = 4;

// One primitive: fields at PRIM[k * STRIDE + field].
const STRIDE = 24;
const AX = 0; // endpoints in camera coordinates (right, down, forward), metres
const BX = 3;
const RAD = 6;
const COLOUR = 7;
const ZMIN = 8;
const X0 = 9; // screen bounding box, pixel indices, inclusive
const Y0 = 10;
const X1 = 11;
const Y1 = 12;
const SPHERE = 13;
const WA = 14; // endpoints in world coordinates
const WB = 17;
const IS_HEAD = 20;
const N_PRIM = 18;
/** Which primitives cast a shadow, in buildPrimitives' order: not the shoulder girdle, neck or hands (inside others' shadows). */
const CASTS = Uint8Array.from([1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1]);

const PRIM = new Float64Array(N_PRIM * STRIDE);
const ORDER = new Int32Array(N_PRIM);
const ALBEDO = new Float64Array(5 * 3);
/** Light direction and the trunk's up and forward axes, camera coordinates. */
const LIGHT = new Float64Array(3);
const TRUNK_AXES = new Float64Array(6);
/** The trunk frame in world coordinates: origin, then the left and up axes. */
const TRUNK_FRAME = new Float64Array(9);
/** Per capsule: its shadow's floor endpoints (x, y, x, y) and image box. */
const SHADOW = new Float64Array(N_PRIM * 4);
const SHADOW_BOX = new Int32Array(N_PRIM * 4);
const BOX = new Int32Array(4);
/** The last body's drawn region (body and shadow), pixel indices inclusive; empty when x0 > x1. */
const REGION = new Int32Array(4);

let work = new Float32Array(0);
let acc = new Float32Array(0);
let depth = new Float32Array(0);
let shade = new Float32Array(0);

// Shadow: penumbra half-width (m) = PENUMBRA_0 + PENUMBRA_K * height; darkness / (1 + height / FADE_HEIGHT).
const PENUMBRA_0 = 0.02;
const PENUMBRA_K = 0.1;
const FADE_HEIGHT = 0.6;

/** The nearest a joint may be to the camera (depth, m): more than any limb radius. */
const MIN_DEPTH = 0.3;

const J = Object.fromEntries(BODY_JOINTS.map((name, i) => [name, i])) as Record<(typeof BODY_JOINTS)[number], number>;

/**
 * Renders `bodies` (one body frame, or several exposure sub-samples to average for motion blur;
 * none renders the empty scene) into `out`: RGB, row-major, height x width x 3 bytes.
 */
export function renderFrame(
  scene: RenderScene,
  bodies: readonly BodyFrame[],
  out: Uint8Array,
  rng: SeededRandom,
): void {
  const cam = scene.camera;
  const bg = scene.background;
  const w = cam.spec.width;
  const h = cam.spec.heightPx;
  if (!(out instanceof Uint8Array) || out.length !== w * h * 3) {
    throw new Error(
      `renderFrame(): out must be a Uint8Array of ${w}x${h}x3 = ${w * h * 3} bytes, got ${out instanceof Uint8Array ? out.length : typeof out}`,
    );
  }
  if (bg.width !== w || bg.height !== h)
    throw new Error(
      `renderFrame(): scene.background is ${bg.width}x${bg.height}, the camera's image ${w}x${h}; paint it for this camera`,
    );
  if (!(scene.noiseSd >= 0 && scene.noiseSd < 256))
    throw new Error(`renderFrame(): scene.noiseSd must be in [0, 256), got ${scene.noiseSd}`);
  if (!(scene.gain > 0 && scene.gain < 100))
    throw new Error(`renderFrame(): scene.gain must be in (0, 100), got ${scene.gain}`);
  const [lx, ly, lz] = scene.lighting.direction;
  const ln = Math.hypot(lx, ly, lz);
  if (!(lz / ln > 0.05))
    throw new Error(`renderFrame(): scene.lighting.direction must point upwards (z > 0), got [${lx}, ${ly}, ${lz}]`);
  const { ambient, diffuse, shadow } = scene.lighting;
  if (!(ambient >= 0 && diffuse >= 0 && shadow >= 0 && shadow <= 1)) {
    throw new Error(
      `renderFrame(): scene.lighting needs ambient, diffuse >= 0 and shadow in [0, 1], got ${ambient}, ${diffuse}, ${shadow}`,
    );
  }
  if (!Array.isArray(bodies)) throw new Error('renderFrame(): bodies must be an array of BodyFrame');
  for (let b = 0; b < bodies.length; b++) {
    const joints = (bodies[b] as BodyFrame).joints;
    if (joints.length !== BODY_JOINTS.length)
      throw new Error(`renderFrame(): bodies[${b}] has ${joints.length} joints, expected ${BODY_JOINTS.length}`);
    for (let j = 0; j < joints.length; j++) {
      const p = joints[j] as Vec3;
      const z =
        (p[0] - cam.position[0]) * cam.forward[0] +
        (p[1] - cam.position[1]) * cam.forward[1] +
        (p[2] - cam.position[2]) * cam.forward[2];
      if (!(z > MIN_DEPTH)) {
        throw new Error(
          `renderFrame(): scene.camera must be in front of the body, but joint '${BODY_JOINTS[j]}' of bodies[${b}] is at depth ${z.toFixed(2)} m (needs > ${MIN_DEPTH} m)`,
        );
      }
    }
  }

  const n = w * h;
  if (work.length !== n * 3) {
    work = new Float32Array(n * 3);
    acc = new Float32Array(n * 3);
    depth = new Float32Array(n);
    shade = new Float32Array(n);
  }
  const ap = scene.appearance;
  const colours = [ap.skin, ap.hair, ap.shirt, ap.shorts, ap.shoes];
  for (let c = 0; c < 5; c++) for (let k = 0; k < 3; k++) ALBEDO[c * 3 + k] = ((colours[c] as Rgb)[k] as number) * 255;
  const lightW: Vec3 = [lx / ln, ly / ln, lz / ln];
  LIGHT[0] = dot3(cam.right, lightW);
  LIGHT[1] = dot3(cam.down, lightW);
  LIGHT[2] = dot3(cam.forward, lightW);
  const noiseSeed = rng.int(0, 0xffffffff);

  work.set(bg.rgb);
  let image = work;
  if (bodies.length === 1) {
    drawBody(scene, bodies[0] as BodyFrame, lightW);
  } else if (bodies.length > 1) {
    // The mean of the sub-sample images: background plus the mean of each one's change to it.
    acc.set(bg.rgb);
    const k = 1 / bodies.length;
    const src = bg.rgb;
    for (const body of bodies) {
      drawBody(scene, body, lightW);
      const x0 = REGION[0] as number;
      const x1 = REGION[2] as number;
      for (let y = REGION[1] as number; y <= (REGION[3] as number); y++) {
        for (let i = (y * w + x0) * 3, end = (y * w + x1) * 3 + 3; i < end; i++) {
          acc[i] = (acc[i] as number) + ((work[i] as number) - (src[i] as number)) * k;
          work[i] = src[i] as number;
        }
      }
    }
    image = acc;
  }
  if (scene.occluders) for (const o of scene.occluders) drawOccluder(image, w, h, o);
  applySensor(image, out, scene.gain, scene.noiseSd, noiseSeed);
}

function dot3(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Draws one body (shadow, then the volumes) into `work`; sets REGION to what it changed. */
function drawBody(scene: RenderScene, frame: BodyFrame, lightW: Vec3): void {
  const cam = scene.camera;
  const w = cam.spec.width;
  const h = cam.spec.heightPx;
  buildPrimitives(scene.dims, frame, cam);
  let bx0 = w;
  let by0 = h;
  let bx1 = -1;
  let by1 = -1;
  for (let k = 0; k < N_PRIM; k++) {
    const o = k * STRIDE;
    if ((PRIM[o + X0] as number) > (PRIM[o + X1] as number) || (PRIM[o + Y0] as number) > (PRIM[o + Y1] as number))
      continue;
    bx0 = Math.min(bx0, PRIM[o + X0] as number);
    by0 = Math.min(by0, PRIM[o + Y0] as number);
    bx1 = Math.max(bx1, PRIM[o + X1] as number);
    by1 = Math.max(by1, PRIM[o + Y1] as number);
  }
  REGION[0] = bx0;
  REGION[1] = by0;
  REGION[2] = bx1;
  REGION[3] = by1;
  if (scene.lighting.shadow > 0) drawShadow(scene, lightW);
  if (bx0 > bx1) return;
  for (let y = by0; y <= by1; y++) depth.fill(Number.POSITIVE_INFINITY, y * w + bx0, y * w + bx1 + 1);
  // Nearest first, so that the early depth test rejects most pixels of hidden volumes.
  for (let k = 0; k < N_PRIM; k++) ORDER[k] = k;
  for (let i = 1; i < N_PRIM; i++) {
    const k = ORDER[i] as number;
    const z = PRIM[k * STRIDE + ZMIN] as number;
    let j = i - 1;
    while (j >= 0 && (PRIM[(ORDER[j] as number) * STRIDE + ZMIN] as number) > z) {
      ORDER[j + 1] = ORDER[j] as number;
      j--;
    }
    ORDER[j + 1] = k;
  }
  for (let i = 0; i < N_PRIM; i++)
    rasterise(ORDER[i] as number, w, cam.focal, scene.lighting.ambient, scene.lighting.diffuse);
}

/** Radii as fractions of body height (average build), from typical girths. */
const RADIUS = {
  upperArm: 0.025,
  forearm: 0.02,
  hand: 0.018,
  thigh: 0.045,
  shank: 0.03,
  neck: 0.025,
  head: 0.05,
  chest: 0.058,
  pelvis: 0.055,
};

/**
 * Fills PRIM from a body frame: endpoints (world and camera), radius, colour, depth and screen box.
 * (No closures here or in any per-frame path: tsx wraps each closure creation in a costly __name call.)
 */
function buildPrimitives(d: BodyDimensions, f: BodyFrame, cam: Camera): void {
  const jt = f.joints;
  const H = d.height;
  const g = d.girth;
  const tR = f.segments[1] as number[];
  // Trunk frame: origin at the pelvis joint; the columns of tR are its forward, left and up axes.
  const root = jt[J.pelvis] as Vec3;
  for (let c = 0; c < 3; c++) {
    TRUNK_FRAME[c] = root[c] as number;
    TRUNK_FRAME[3 + c] = tR[c * 3 + 1] as number;
    TRUNK_FRAME[6 + c] = tR[c * 3 + 2] as number;
  }
  const ux = tR[2] as number;
  const uy = tR[5] as number;
  const uz = tR[8] as number;
  const fx = tR[0] as number;
  const fy = tR[3] as number;
  const fz = tR[6] as number;
  TRUNK_AXES[0] = cam.right[0] * ux + cam.right[1] * uy + cam.right[2] * uz;
  TRUNK_AXES[1] = cam.down[0] * ux + cam.down[1] * uy + cam.down[2] * uz;
  TRUNK_AXES[2] = cam.forward[0] * ux + cam.forward[1] * uy + cam.forward[2] * uz;
  TRUNK_AXES[3] = cam.right[0] * fx + cam.right[1] * fy + cam.right[2] * fz;
  TRUNK_AXES[4] = cam.down[0] * fx + cam.down[1] * fy + cam.down[2] * fz;
  TRUNK_AXES[5] = cam.forward[0] * fx + cam.forward[1] * fy + cam.forward[2] * fz;
  let k = 0;
  // Pelvis: between the hips, its ends drawn in so that the thighs' tops show.
  const lh = jt[J.l_hip] as Vec3;
  const rh = jt[J.r_hip] as Vec3;
  const sIn = 0.225;
  put(
    k++,
    cam,
    lh[0] + (rh[0] - lh[0]) * sIn,
    lh[1] + (rh[1] - lh[1]) * sIn,
    lh[2] + (rh[2] - lh[2]) * sIn,
    rh[0] + (lh[0] - rh[0]) * sIn,
    rh[1] + (lh[1] - rh[1]) * sIn,
    rh[2] + (lh[2] - rh[2]) * sIn,
    RADIUS.pelvis * H * g,
    SHORTS,
    false,
  );
  // Chest: two capsules side by side, narrower at the waist (a V from the front, flat from the
  // side); their lateral offsets stay below the radius, so they overlap along the midline.
  const shw = d.shoulderHalfWidth;
  const rc = RADIUS.chest * H * (0.5 + 0.5 * g);
  const inner = Math.min(0.25 * shw, 0.9 * rc);
  const outer = Math.min(0.4 * shw, 0.9 * rc);
  trunkCapsule(k++, cam, inner, 0.2 * d.trunk, outer, 0.8 * d.trunk, rc, SHIRT, false);
  trunkCapsule(k++, cam, -inner, 0.2 * d.trunk, -outer, 0.8 * d.trunk, rc, SHIRT, false);
  k = jointCapsule(k, cam, jt[J.l_shoulder] as Vec3, jt[J.r_shoulder] as Vec3, RADIUS.upperArm * 1.15 * H * g, SHIRT);
  trunkCapsule(k++, cam, 0, d.trunk - 0.03 * H, 0, d.trunk + d.neck, RADIUS.neck * H * g, SKIN, false);
  // Head: the head joint is the top of the head; a short capsule along the trunk, chin d.head below the top.
  const rHead = RADIUS.head * H;
  trunkCapsule(k++, cam, 0, d.trunk + d.neck + d.head - rHead, 0, d.trunk + d.neck + rHead, rHead, SKIN, true);
  for (let i = 0; i < 2; i++) {
    const elbow = jt[J.l_elbow + i] as Vec3;
    const wrist = jt[J.l_wrist + i] as Vec3;
    k = jointCapsule(k, cam, jt[J.l_shoulder + i] as Vec3, elbow, RADIUS.upperArm * H * g, SHIRT);
    k = jointCapsule(k, cam, elbow, wrist, RADIUS.forearm * H * g, SKIN);
    // Hand: on from the wrist along the forearm.
    const fl = Math.sqrt((wrist[0] - elbow[0]) ** 2 + (wrist[1] - elbow[1]) ** 2 + (wrist[2] - elbow[2]) ** 2);
    const dx = (wrist[0] - elbow[0]) / fl;
    const dy = (wrist[1] - elbow[1]) / fl;
    const dz = (wrist[2] - elbow[2]) / fl;
    const a0 = 0.012 * H;
    const a1 = 0.055 * H;
    put(
      k++,
      cam,
      wrist[0] + dx * a0,
      wrist[1] + dy * a0,
      wrist[2] + dz * a0,
      wrist[0] + dx * a1,
      wrist[1] + dy * a1,
      wrist[2] + dz * a1,
      RADIUS.hand * H,
      SKIN,
      false,
    );
    const knee = jt[J.l_knee + i] as Vec3;
    const ankle = jt[J.l_ankle + i] as Vec3;
    k = jointCapsule(k, cam, jt[J.l_hip + i] as Vec3, knee, RADIUS.thigh * H * g, SHORTS);
    k = jointCapsule(k, cam, knee, ankle, RADIUS.shank * H * g, SKIN);
    // Foot: heel to toe tip along the foot's x axis, its underside on the sole (toe joint) plane.
    const fR = f.segments[10 + i] as number[];
    const rf = 0.55 * d.ankleHeight;
    const heel = -0.02 * H + rf;
    const tip = d.foot + 0.02 * H - rf;
    const up = -d.ankleHeight + rf;
    const f0 = fR[0] as number;
    const f3 = fR[3] as number;
    const f6 = fR[6] as number;
    const u2 = fR[2] as number;
    const u5 = fR[5] as number;
    const u8 = fR[8] as number;
    put(
      k++,
      cam,
      ankle[0] + f0 * heel + u2 * up,
      ankle[1] + f3 * heel + u5 * up,
      ankle[2] + f6 * heel + u8 * up,
      ankle[0] + f0 * tip + u2 * up,
      ankle[1] + f3 * tip + u5 * up,
      ankle[2] + f6 * tip + u8 * up,
      rf,
      SHOES,
      false,
    );
  }
}

/** Primitive k between two joints; returns k + 1. */
function jointCapsule(k: number, cam: Camera, a: Vec3, b: Vec3, r: number, colour: number): number {
  put(k, cam, a[0], a[1], a[2], b[0], b[1], b[2], r, colour, false);
  return k + 1;
}

/** Primitive k from (lateral, up) points in the trunk frame (TRUNK_FRAME). */
function trunkCapsule(
  k: number,
  cam: Camera,
  ya: number,
  za: number,
  yb: number,
  zb: number,
  r: number,
  colour: number,
  head: boolean,
): void {
  const T = TRUNK_FRAME;
  put(
    k,
    cam,
    (T[0] as number) + (T[3] as number) * ya + (T[6] as number) * za,
    (T[1] as number) + (T[4] as number) * ya + (T[7] as number) * za,
    (T[2] as number) + (T[5] as number) * ya + (T[8] as number) * za,
    (T[0] as number) + (T[3] as number) * yb + (T[6] as number) * zb,
    (T[1] as number) + (T[4] as number) * yb + (T[7] as number) * zb,
    (T[2] as number) + (T[5] as number) * yb + (T[8] as number) * zb,
    r,
    colour,
    head,
  );
}

/** Stores primitive k: world and camera endpoints, and its screen bounding box (a conservative one: the boxes of both end spheres). */
function put(
  k: number,
  cam: Camera,
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
  r: number,
  colour: number,
  head: boolean,
): void {
  const o = k * STRIDE;
  const { right, down, forward, position, focal } = cam;
  PRIM[o + WA] = ax;
  PRIM[o + WA + 1] = ay;
  PRIM[o + WA + 2] = az;
  PRIM[o + WB] = bx;
  PRIM[o + WB + 1] = by;
  PRIM[o + WB + 2] = bz;
  ax -= position[0];
  ay -= position[1];
  az -= position[2];
  bx -= position[0];
  by -= position[1];
  bz -= position[2];
  const cax = right[0] * ax + right[1] * ay + right[2] * az;
  const cay = down[0] * ax + down[1] * ay + down[2] * az;
  const caz = forward[0] * ax + forward[1] * ay + forward[2] * az;
  const cbx = right[0] * bx + right[1] * by + right[2] * bz;
  const cby = down[0] * bx + down[1] * by + down[2] * bz;
  const cbz = forward[0] * bx + forward[1] * by + forward[2] * bz;
  PRIM[o + AX] = cax;
  PRIM[o + AX + 1] = cay;
  PRIM[o + AX + 2] = caz;
  PRIM[o + BX] = cbx;
  PRIM[o + BX + 1] = cby;
  PRIM[o + BX + 2] = cbz;
  PRIM[o + RAD] = r;
  PRIM[o + COLOUR] = colour;
  PRIM[o + IS_HEAD] = head ? 1 : 0;
  PRIM[o + SPHERE] = (cbx - cax) ** 2 + (cby - cay) ** 2 + (cbz - caz) ** 2 < 1e-12 ? 1 : 0;
  const zmin = Math.min(caz, cbz) - r;
  PRIM[o + ZMIN] = zmin;
  const w = cam.spec.width;
  const h = cam.spec.heightPx;
  if (zmin <= 0.01) {
    // Unreachable after renderFrame's depth check; kept so a bad call cannot divide by ~0.
    PRIM[o + X0] = 1;
    PRIM[o + X1] = 0;
    PRIM[o + Y0] = 1;
    PRIM[o + Y1] = 0;
    return;
  }
  const za0 = caz - r;
  const za1 = caz + r;
  const zb0 = cbz - r;
  const zb1 = cbz + r;
  const umin = Math.min((cax - r) / za0, (cax - r) / za1, (cbx - r) / zb0, (cbx - r) / zb1) * focal + w / 2;
  const umax = Math.max((cax + r) / za0, (cax + r) / za1, (cbx + r) / zb0, (cbx + r) / zb1) * focal + w / 2;
  const vmin = Math.min((cay - r) / za0, (cay - r) / za1, (cby - r) / zb0, (cby - r) / zb1) * focal + h / 2;
  const vmax = Math.max((cay + r) / za0, (cay + r) / za1, (cby + r) / zb0, (cby + r) / zb1) * focal + h / 2;
  // Pixels whose centres (index + 0.5) lie inside.
  PRIM[o + X0] = Math.max(0, Math.ceil(umin - 0.5));
  PRIM[o + X1] = Math.min(w - 1, Math.floor(umax - 0.5));
  PRIM[o + Y0] = Math.max(0, Math.ceil(vmin - 0.5));
  PRIM[o + Y1] = Math.min(h - 1, Math.floor(vmax - 0.5));
}

/**
 * Ray-casts primitive k over its screen box: for each pixel whose depth could still improve, the
 * ray from the camera through the pixel centre, rd = ((u - cx) / f, (v - cy) / f, 1), so that the
 * ray parameter t is the depth. Capsule intersection after Quilez (the infinite cylinder, then the
 * cap sphere on the side of the hit), with an unnormalised direction.
 */
function rasterise(k: number, w: number, focal: number, ambient: number, diffuse: number): void {
  const o = k * STRIDE;
  const x0 = PRIM[o + X0] as number;
  const x1 = PRIM[o + X1] as number;
  const y0 = PRIM[o + Y0] as number;
  const y1 = PRIM[o + Y1] as number;
  if (x0 > x1 || y0 > y1) return;
  const h = depth.length / w;
  const ax = PRIM[o + AX] as number;
  const ay = PRIM[o + AX + 1] as number;
  const az = PRIM[o + AX + 2] as number;
  const bx = PRIM[o + BX] as number;
  const by = PRIM[o + BX + 1] as number;
  const bz = PRIM[o + BX + 2] as number;
  const r = PRIM[o + RAD] as number;
  const zmin = PRIM[o + ZMIN] as number;
  const sphere = PRIM[o + SPHERE] === 1;
  const isHead = PRIM[o + IS_HEAD] === 1;
  const c = (PRIM[o + COLOUR] as number) * 3;
  const cr = ALBEDO[c] as number;
  const cg = ALBEDO[c + 1] as number;
  const cb = ALBEDO[c + 2] as number;
  const hr = ALBEDO[HAIR * 3] as number;
  const hg = ALBEDO[HAIR * 3 + 1] as number;
  const hb = ALBEDO[HAIR * 3 + 2] as number;
  const Lx = LIGHT[0] as number;
  const Ly = LIGHT[1] as number;
  const Lz = LIGHT[2] as number;
  const upx = TRUNK_AXES[0] as number;
  const upy = TRUNK_AXES[1] as number;
  const upz = TRUNK_AXES[2] as number;
  const fwx = TRUNK_AXES[3] as number;
  const fwy = TRUNK_AXES[4] as number;
  const fwz = TRUNK_AXES[5] as number;
  const r2 = r * r;
  const invR = 1 / r;
  const bax = bx - ax;
  const bay = by - ay;
  const baz = bz - az;
  const baba = bax * bax + bay * bay + baz * baz;
  const invBaba = sphere ? 0 : 1 / baba;
  const baoa = -(bax * ax + bay * ay + baz * az);
  const C = baba * (ax * ax + ay * ay + az * az) - baoa * baoa - r2 * baba;
  const capA = ax * ax + ay * ay + az * az - r2;
  const capB = bx * bx + by * by + bz * bz - r2;
  const invF = 1 / focal;
  const cx = w / 2;
  const cy = h / 2;
  const eps = 1e-9 * baba;
  for (let py = y0; py <= y1; py++) {
    const ry = (py + 0.5 - cy) * invF;
    const yy1 = ry * ry + 1;
    const p0 = bay * ry + baz;
    const qa0 = -(ay * ry + az);
    const qb0 = -(by * ry + bz);
    const row = py * w;
    // The pixels of this row whose rays can meet the volume: where the discriminant (of the
    // infinite cylinder, or of the sphere), a quadratic h2 x^2 + h1 x + h0 in x = rx, is >= 0.
    let h2: number;
    let h1: number;
    let h0: number;
    if (sphere) {
      h2 = ax * ax - capA;
      h1 = -2 * qa0 * ax;
      h0 = qa0 * qa0 - yy1 * capA;
    } else {
      const m1 = -baba * ax - baoa * bax;
      const m0 = baba * qa0 - baoa * p0;
      h2 = m1 * m1 - C * (baba - bax * bax);
      h1 = 2 * m1 * m0 + C * 2 * bax * p0;
      h0 = m0 * m0 - C * (baba * yy1 - p0 * p0);
    }
    let xs = x0;
    let xe = x1;
    if (h2 < 0) {
      const disc = h1 * h1 - 4 * h2 * h0;
      if (disc < 0) continue;
      const sq = Math.sqrt(disc);
      // h2 < 0: the roots in increasing order are (-h1 + sq) / 2h2 and (-h1 - sq) / 2h2; one pixel of margin for rounding.
      const lo = ((-h1 + sq) / (2 * h2)) * focal + cx - 0.5;
      const hi = ((-h1 - sq) / (2 * h2)) * focal + cx - 0.5;
      xs = Math.max(x0, Math.ceil(lo) - 1);
      xe = Math.min(x1, Math.floor(hi) + 1);
    }
    for (let px = xs; px <= xe; px++) {
      const idx = row + px;
      const dCur = depth[idx] as number;
      if (dCur <= zmin) continue;
      const rx = (px + 0.5 - cx) * invF;
      const rdrd = rx * rx + yy1;
      const rdoa = qa0 - ax * rx;
      let t: number;
      if (sphere) {
        const hh = rdoa * rdoa - rdrd * capA;
        if (hh <= 0) continue;
        t = (-rdoa - Math.sqrt(hh)) / rdrd;
      } else {
        const bard = bax * rx + p0;
        const A = baba * rdrd - bard * bard;
        const B = baba * rdoa - baoa * bard;
        const disc = B * B - A * C;
        if (disc < 0) continue;
        let axial: number;
        if (A > eps) {
          t = (-B - Math.sqrt(disc)) / A;
          axial = baoa + t * bard;
        } else {
          // Looking straight down the axis: the cap facing the camera.
          t = 0;
          axial = bard > 0 ? -1 : baba + 1;
        }
        if (axial <= 0 || axial >= baba) {
          const bb = axial <= 0 ? rdoa : qb0 - bx * rx;
          const hh = bb * bb - rdrd * (axial <= 0 ? capA : capB);
          if (hh <= 0) continue;
          t = (-bb - Math.sqrt(hh)) / rdrd;
        }
      }
      if (t >= dCur) continue;
      depth[idx] = t;
      // The normal: from the nearest axis point to the hit point, over r.
      let s = sphere ? 0 : (baoa + t * (bax * rx + p0)) * invBaba;
      s = s < 0 ? 0 : s > 1 ? 1 : s;
      const nx = (t * rx - ax - s * bax) * invR;
      const ny = (t * ry - ay - s * bay) * invR;
      const nz = (t - az - s * baz) * invR;
      const lambert = nx * Lx + ny * Ly + nz * Lz;
      const k2 = ambient + (lambert > 0 ? diffuse * lambert : 0);
      const q = idx * 3;
      // Hair on the top and back of the head.
      if (isHead && nx * upx + ny * upy + nz * upz - 0.6 * (nx * fwx + ny * fwy + nz * fwz) > 0.15) {
        work[q] = hr * k2;
        work[q + 1] = hg * k2;
        work[q + 2] = hb * k2;
      } else {
        work[q] = cr * k2;
        work[q + 1] = cg * k2;
        work[q + 2] = cb * k2;
      }
    }
  }
}

/**
 * The body's shadow on the floor: each capsule projected along the light onto z = 0 is a 2-D
 * capsule of the same radius, with a penumbra that widens and a darkness that fades with the
 * height it was cast from. The darkest coverage over all capsules (not their sum: overlapping
 * limbs do not make a darker shadow) darkens the floor pixels of `work`. Extends REGION.
 */
function drawShadow(scene: RenderScene, lightW: Vec3): void {
  const cam = scene.camera;
  const bg = scene.background;
  const w = cam.spec.width;
  const h = cam.spec.heightPx;
  const floorX = bg.floorX;
  const floorY = bg.floorY;
  const [lx, ly, lz] = lightW;
  let sx0 = w;
  let sy0 = h;
  let sx1 = -1;
  let sy1 = -1;
  // First pass: each capsule's floor box in the image; the union is cleared.
  for (let k = 0; k < N_PRIM; k++) {
    if (CASTS[k] === 0) {
      SHADOW_BOX[k * 4] = 1;
      SHADOW_BOX[k * 4 + 2] = 0;
      continue;
    }
    const o = k * STRIDE;
    const r = PRIM[o + RAD] as number;
    const ha = Math.max(0, PRIM[o + WA + 2] as number);
    const hb = Math.max(0, PRIM[o + WB + 2] as number);
    const pax = (PRIM[o + WA] as number) - (ha * lx) / lz;
    const pay = (PRIM[o + WA + 1] as number) - (ha * ly) / lz;
    const pbx = (PRIM[o + WB] as number) - (hb * lx) / lz;
    const pby = (PRIM[o + WB + 1] as number) - (hb * ly) / lz;
    const reach = r + PENUMBRA_0 + PENUMBRA_K * Math.max(ha, hb);
    floorBox(
      cam,
      Math.min(pax, pbx) - reach,
      Math.min(pay, pby) - reach,
      Math.max(pax, pbx) + reach,
      Math.max(pay, pby) + reach,
    );
    const x0 = BOX[0] as number;
    const y0 = BOX[1] as number;
    const x1 = BOX[2] as number;
    const y1 = BOX[3] as number;
    SHADOW[k * 4] = pax;
    SHADOW[k * 4 + 1] = pay;
    SHADOW[k * 4 + 2] = pbx;
    SHADOW[k * 4 + 3] = pby;
    SHADOW_BOX[k * 4] = x0;
    SHADOW_BOX[k * 4 + 1] = y0;
    SHADOW_BOX[k * 4 + 2] = x1;
    SHADOW_BOX[k * 4 + 3] = y1;
    if (x0 > x1 || y0 > y1) continue;
    sx0 = Math.min(sx0, x0);
    sy0 = Math.min(sy0, y0);
    sx1 = Math.max(sx1, x1);
    sy1 = Math.max(sy1, y1);
  }
  if (sx0 > sx1) return;
  for (let y = sy0; y <= sy1; y++) shade.fill(0, y * w + sx0, y * w + sx1 + 1);
  for (let k = 0; k < N_PRIM; k++) {
    const x0 = SHADOW_BOX[k * 4] as number;
    const y0 = SHADOW_BOX[k * 4 + 1] as number;
    const x1 = SHADOW_BOX[k * 4 + 2] as number;
    const y1 = SHADOW_BOX[k * 4 + 3] as number;
    if (x0 > x1 || y0 > y1) continue;
    const o = k * STRIDE;
    const r = PRIM[o + RAD] as number;
    const ha = Math.max(0, PRIM[o + WA + 2] as number);
    const hb = Math.max(0, PRIM[o + WB + 2] as number);
    const pax = SHADOW[k * 4] as number;
    const pay = SHADOW[k * 4 + 1] as number;
    const ex = (SHADOW[k * 4 + 2] as number) - pax;
    const ey = (SHADOW[k * 4 + 3] as number) - pay;
    const ee = ex * ex + ey * ey;
    const invEe = ee > 1e-12 ? 1 / ee : 0;
    const dh = hb - ha;
    const reach = r + PENUMBRA_0 + PENUMBRA_K * Math.max(ha, hb);
    const reach2 = reach * reach;
    for (let py = y0; py <= y1; py++) {
      for (let px = x0, i = py * w + x0; px <= x1; px++, i++) {
        const fx = floorX[i] as number;
        if (fx !== fx) continue; // NaN: wall or sky
        const dx = fx - pax;
        const dy = (floorY[i] as number) - pay;
        let s = (dx * ex + dy * ey) * invEe;
        s = s < 0 ? 0 : s > 1 ? 1 : s;
        const qx = dx - s * ex;
        const qy = dy - s * ey;
        const d2 = qx * qx + qy * qy;
        if (d2 >= reach2) continue;
        const height = ha + s * dh;
        const pen = PENUMBRA_0 + PENUMBRA_K * height;
        const dist = Math.sqrt(d2);
        if (dist >= r + pen) continue;
        let cover = (r + pen - dist) / (2 * pen);
        cover = cover > 1 ? 1 : cover * cover * (3 - 2 * cover);
        cover /= 1 + height / FADE_HEIGHT;
        if (cover > (shade[i] as number)) shade[i] = cover;
      }
    }
  }
  const dark = scene.lighting.shadow;
  for (let y = sy0; y <= sy1; y++) {
    for (let i = y * w + sx0, end = y * w + sx1; i <= end; i++) {
      const s = shade[i] as number;
      if (s === 0) continue;
      const m = 1 - dark * s;
      work[i * 3] = (work[i * 3] as number) * m;
      work[i * 3 + 1] = (work[i * 3 + 1] as number) * m;
      work[i * 3 + 2] = (work[i * 3 + 2] as number) * m;
    }
  }
  if ((REGION[0] as number) > (REGION[2] as number)) {
    REGION[0] = sx0;
    REGION[1] = sy0;
    REGION[2] = sx1;
    REGION[3] = sy1;
  } else {
    REGION[0] = Math.min(REGION[0] as number, sx0);
    REGION[1] = Math.min(REGION[1] as number, sy0);
    REGION[2] = Math.max(REGION[2] as number, sx1);
    REGION[3] = Math.max(REGION[3] as number, sy1);
  }
}

/** Sets BOX to the image box (pixel indices, inclusive) of the floor rectangle [x0, x1] x [y0, y1]; the whole image when part of it is behind the camera. */
function floorBox(cam: Camera, x0: number, y0: number, x1: number, y1: number): void {
  const w = cam.spec.width;
  const h = cam.spec.heightPx;
  let umin = Number.POSITIVE_INFINITY;
  let umax = Number.NEGATIVE_INFINITY;
  let vmin = Number.POSITIVE_INFINITY;
  let vmax = Number.NEGATIVE_INFINITY;
  const { right, down, forward, position, focal } = cam;
  for (let c = 0; c < 4; c++) {
    const dx = (c & 1 ? x1 : x0) - position[0];
    const dy = (c & 2 ? y1 : y0) - position[1];
    const dz = -position[2];
    const z = forward[0] * dx + forward[1] * dy + forward[2] * dz;
    if (z < 0.05) {
      umin = vmin = Number.NEGATIVE_INFINITY;
      umax = vmax = Number.POSITIVE_INFINITY;
      break;
    }
    const u = (focal * (right[0] * dx + right[1] * dy + right[2] * dz)) / z + w / 2;
    const v = (focal * (down[0] * dx + down[1] * dy + down[2] * dz)) / z + h / 2;
    umin = Math.min(umin, u);
    umax = Math.max(umax, u);
    vmin = Math.min(vmin, v);
    vmax = Math.max(vmax, v);
  }
  BOX[0] = Math.max(0, Math.ceil(Math.max(-1, umin) - 0.5));
  BOX[1] = Math.max(0, Math.ceil(Math.max(-1, vmin) - 0.5));
  BOX[2] = Math.min(w - 1, Math.floor(Math.min(w + 1, umax) - 0.5));
  BOX[3] = Math.min(h - 1, Math.floor(Math.min(h + 1, vmax) - 0.5));
}

/** Paints an occluder over `img` (0-255 floats), edge pixels blended by the share of them it covers. */
function drawOccluder(img: Float32Array, w: number, h: number, o: Occluder): void {
  const u0 = Math.max(0, Math.min(o.u0, o.u1));
  const u1 = Math.min(w, Math.max(o.u0, o.u1));
  const v0 = Math.max(0, Math.min(o.v0, o.v1));
  const v1 = Math.min(h, Math.max(o.v0, o.v1));
  if (!(u1 > u0 && v1 > v0)) return;
  const r = o.colour[0] * 255;
  const g = o.colour[1] * 255;
  const b = o.colour[2] * 255;
  for (let y = Math.floor(v0); y < Math.ceil(v1); y++) {
    const cy = Math.min(y + 1, v1) - Math.max(y, v0);
    for (let x = Math.floor(u0); x < Math.ceil(u1); x++) {
      const cover = cy * (Math.min(x + 1, u1) - Math.max(x, u0));
      const i = (y * w + x) * 3;
      img[i] = (img[i] as number) + (r - (img[i] as number)) * cover;
      img[i + 1] = (img[i + 1] as number) + (g - (img[i + 1] as number)) * cover;
      img[i + 2] = (img[i + 2] as number) + (b - (img[i + 2] as number)) * cover;
    }
  }
}
