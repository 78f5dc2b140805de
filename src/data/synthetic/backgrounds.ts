// Over 400 lines: the backdrop specs, their random draw and the painter share the floor and wall geometry and the noise helpers.
import type { SeededRandom } from '../../core/random.ts';
import type { Camera } from './camera.ts';

/**
 * Procedural backgrounds for the synthetic athlete video: a gym (a floor up to a wall behind the
 * athlete, the wall in panels or stripes with a dado band) or outdoors (a floor to the horizon
 * under a sky gradient with a distant skyline). `drawBackground(rng)` picks one as plain data;
 * `paintBackground(spec, camera)` paints it once per take into a buffer that `renderFrame`
 * copies every frame, along with the floor coordinates of each pixel (for the body's shadow).
 * Geometry is the camera's world frame: z up, floor at z = 0, metres. Colours are RGB in 0-1.
 */
export type Rgb = [number, number, number];

/** A straight painted line on the floor: the points with |cos(angle) x + sin(angle) y - offset| < width / 2. */
export interface FloorLine {
  angle: number;
  offset: number;
  width: number;
  colour: Rgb;
}

export interface FloorSpec {
  colour: Rgb;
  /** Boards or lanes: strips `stripeWidth` m wide running along direction `stripeAngle` (rad), each shaded by up to +-stripeJitter. */
  stripeWidth: number;
  stripeAngle: number;
  stripeJitter: number;
  /** Boards end every `stripeLength` m (staggered) with a dark seam; 0 for continuous strips. */
  stripeLength: number;
  /** Darkening of the seams between strips (0 none), and a white line at every strip edge (a running track). */
  seams: number;
  laneLines: boolean;
  lines: FloorLine[];
  /** Low-frequency blotches: relative amplitude and size (m). */
  patches: number;
  patchSize: number;
}

export interface GymBackground {
  type: 'gym';
  seed: number;
  /** The wall stands `wallDistance` m behind the camera's target, facing the camera. */
  wallDistance: number;
  wall: Rgb;
  /** Vertical panels: one every `panelWidth` m, covering `panelShare` of it, shifted by `panelPhase` m. */
  panel: Rgb;
  panelWidth: number;
  panelShare: number;
  panelPhase: number;
  /** A band of another colour (mats, paint) from the floor up to `dadoHeight` m; 0 for none. */
  dado: Rgb;
  dadoHeight: number;
  floor: FloorSpec;
  /** Per-pixel texture noise, relative amplitude. */
  grain: number;
}

export interface OutdoorBackground {
  type: 'outdoor';
  seed: number;
  skyTop: Rgb;
  skyHorizon: Rgb;
  /** Trees or buildings at the horizon: colour and mean angular height (rad). */
  skyline: Rgb;
  skylineHeight: number;
  /** Distance (m) over which the floor fades into the horizon colour. */
  haze: number;
  floor: FloorSpec;
  grain: number;
}

export type BackgroundSpec = GymBackground | OutdoorBackground;

/** A background painted for one camera: what `renderFrame` copies under the body. */
export interface PaintedBackground {
  width: number;
  height: number;
  /** Row-major RGB, 0-255 (floats: the renderer works in floats until the sensor quantises). */
  rgb: Float32Array;
  /** World floor point (x, y) seen through each pixel centre; NaN where the pixel shows wall or sky. */
  floorX: Float32Array;
  floorY: Float32Array;
  /** Image row (v, pixels) of the horizon: where the floor at great distance projects. */
  horizon: number;
}

const jitter = (rng: SeededRandom, c: Rgb, amount: number): Rgb =>
  c.map((x) => Math.min(1, Math.max(0, x * rng.uniform(1 - amount, 1 + amount)))) as Rgb;
const mix = (a: Rgb, b: Rgb, w: number): Rgb => [
  a[0] + (b[0] - a[0]) * w,
  a[1] + (b[1] - a[1]) * w,
  a[2] + (b[2] - a[2]) * w,
];
const scale = (a: Rgb, k: number): Rgb => [Math.min(1, a[0] * k), Math.min(1, a[1] * k), Math.min(1, a[2] * k)];

const WALLS: Rgb[] = [
  [0.86, 0.85, 0.8],
  [0.9, 0.86, 0.7],
  [0.7, 0.78, 0.86],
  [0.62, 0.63, 0.64],
  [0.72, 0.8, 0.7],
  [0.66, 0.38, 0.3],
  [0.8, 0.74, 0.62],
];
const MATS: Rgb[] = [
  [0.15, 0.3, 0.65],
  [0.7, 0.15, 0.15],
  [0.2, 0.5, 0.3],
  [0.35, 0.35, 0.38],
  [0.85, 0.55, 0.15],
];
const WOODS: Rgb[] = [
  [0.78, 0.58, 0.36],
  [0.7, 0.5, 0.3],
  [0.84, 0.68, 0.46],
  [0.6, 0.42, 0.26],
];
const VINYLS: Rgb[] = [
  [0.25, 0.4, 0.6],
  [0.3, 0.5, 0.35],
  [0.55, 0.55, 0.55],
  [0.75, 0.45, 0.25],
  [0.6, 0.25, 0.25],
];
const LINE_COLOURS: Rgb[] = [
  [0.95, 0.95, 0.92],
  [0.95, 0.85, 0.2],
  [0.8, 0.15, 0.15],
  [0.15, 0.3, 0.75],
  [0.1, 0.1, 0.1],
];

function drawLines(rng: SeededRandom, n: number): FloorLine[] {
  const lines: FloorLine[] = [];
  for (let i = 0; i < n; i++) {
    // Mostly along or across the athlete's facing direction, sometimes at an angle.
    const angle = rng.bernoulli(0.8) ? rng.pick([0, Math.PI / 2]) : rng.uniform(0, Math.PI);
    lines.push({ angle, offset: rng.uniform(-4, 4), width: rng.uniform(0.04, 0.1), colour: rng.pick(LINE_COLOURS) });
  }
  return lines;
}

function drawFloor(rng: SeededRandom, outdoor: boolean): FloorSpec {
  const kind = outdoor
    ? rng.pick(['grass', 'track', 'asphalt'] as const)
    : rng.pick(['wood', 'wood', 'vinyl'] as const);
  const stripeAngle = rng.bernoulli(0.7) ? rng.pick([0, Math.PI / 2]) : rng.uniform(0, Math.PI);
  const base = { stripeAngle, lines: [] as FloorLine[], laneLines: false, stripeLength: 0, seams: 0 };
  switch (kind) {
    case 'wood':
      return {
        ...base,
        colour: jitter(rng, rng.pick(WOODS), 0.1),
        stripeWidth: rng.uniform(0.06, 0.2),
        stripeJitter: rng.uniform(0.04, 0.12),
        stripeLength: rng.uniform(1, 3),
        seams: rng.uniform(0.1, 0.3),
        lines: drawLines(rng, rng.int(0, 2)),
        patches: rng.uniform(0, 0.08),
        patchSize: rng.uniform(0.5, 2),
      };
    case 'vinyl':
      return {
        ...base,
        colour: jitter(rng, rng.pick(VINYLS), 0.15),
        stripeWidth: rng.uniform(1, 2),
        stripeJitter: rng.uniform(0, 0.04),
        lines: drawLines(rng, rng.int(1, 2)),
        patches: rng.uniform(0, 0.05),
        patchSize: rng.uniform(0.5, 2),
      };
    case 'grass':
      return {
        ...base,
        colour: jitter(rng, [0.3, 0.52, 0.2], 0.2),
        stripeWidth: rng.uniform(2, 6),
        stripeJitter: rng.uniform(0, 0.1),
        lines: drawLines(rng, rng.int(0, 1)),
        patches: rng.uniform(0.08, 0.2),
        patchSize: rng.uniform(0.3, 1.5),
      };
    case 'track':
      return {
        ...base,
        colour: jitter(rng, [0.62, 0.27, 0.2], 0.12),
        stripeWidth: 1.22,
        stripeJitter: 0,
        laneLines: true,
        patches: rng.uniform(0.02, 0.06),
        patchSize: rng.uniform(0.3, 1),
      };
    case 'asphalt':
      return {
        ...base,
        colour: jitter(rng, [0.4, 0.4, 0.41], 0.2),
        stripeWidth: 3,
        stripeJitter: 0,
        lines: drawLines(rng, rng.int(0, 2)),
        patches: rng.uniform(0.05, 0.12),
        patchSize: rng.uniform(0.3, 1.5),
      };
  }
}

/** A random background: a gym (60%) or outdoors (40%), colours and patterns varied. */
export function drawBackground(rng: SeededRandom): BackgroundSpec {
  const seed = rng.int(0, 0x7fffffff);
  if (rng.bernoulli(0.6)) {
    const wall = jitter(rng, rng.pick(WALLS), 0.1);
    const panel = rng.bernoulli(0.5)
      ? jitter(rng, scale(wall, rng.uniform(0.7, 0.9)), 0.05)
      : jitter(rng, rng.pick([...MATS, ...WOODS]), 0.1);
    const hasDado = rng.bernoulli(0.6);
    return {
      type: 'gym',
      seed,
      wallDistance: rng.uniform(2.5, 9),
      wall,
      panel,
      panelWidth: rng.uniform(0.3, 2.5),
      panelShare: rng.uniform(0.1, 0.85),
      panelPhase: rng.uniform(0, 3),
      dado: jitter(rng, rng.pick(MATS), 0.1),
      dadoHeight: hasDado ? rng.uniform(0.5, 1.8) : 0,
      floor: drawFloor(rng, false),
      grain: rng.uniform(0.005, 0.03),
    };
  }
  const overcast = rng.bernoulli(0.35);
  const skyTop: Rgb = overcast ? jitter(rng, [0.72, 0.74, 0.77], 0.1) : jitter(rng, [0.3, 0.5, 0.85], 0.15);
  return {
    type: 'outdoor',
    seed,
    skyTop,
    skyHorizon: mix(skyTop, [0.92, 0.93, 0.95], rng.uniform(0.4, 0.8)),
    skyline: rng.bernoulli(0.6) ? jitter(rng, [0.2, 0.35, 0.18], 0.25) : jitter(rng, [0.5, 0.5, 0.52], 0.2),
    skylineHeight: rng.uniform(0.01, 0.08),
    haze: rng.uniform(20, 80),
    floor: drawFloor(rng, true),
    grain: rng.uniform(0.01, 0.04),
  };
}

/** Integer hash of (a, b, seed) to [0, 1). */
function hash(a: number, b: number, seed: number): number {
  let h = Math.imul(a | 0, 0x27d4eb2d) ^ Math.imul(b | 0, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [-1, 1] at (x, y), unit cells. */
function valueNoise(x: number, y: number, seed: number): number {
  const i = Math.floor(x);
  const j = Math.floor(y);
  let fx = x - i;
  let fy = y - j;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  const a = hash(i, j, seed);
  const b = hash(i + 1, j, seed);
  const c = hash(i, j + 1, seed);
  const d = hash(i + 1, j + 1, seed);
  return 2 * (a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy) - 1;
}

/**
 * The share of the interval [x - b/2, x + b/2] (a pixel's footprint, box filter) inside the
 * periodic band {x : (x mod period) < share * period}: exact anti-aliasing for stripes.
 */
function bandCover(x: number, period: number, share: number, b: number): number {
  const on = share * period;
  if (b < 1e-9) return x - Math.floor(x / period) * period < on ? 1 : 0;
  return (bandIntegral(x + b / 2, period, on) - bandIntegral(x - b / 2, period, on)) / b;
}

/** The length of the band inside [0, y] (negative for y < 0). A plain function, not a closure: tsx wraps every closure creation in a costly __name call. */
function bandIntegral(y: number, period: number, on: number): number {
  const k = Math.floor(y / period);
  return k * on + Math.min(y - k * period, on);
}

/** The share of [x - b/2, x + b/2] below `edge`. */
function belowCover(x: number, edge: number, b: number): number {
  if (b < 1e-9) return x < edge ? 1 : 0;
  return Math.min(1, Math.max(0, (edge - x) / b + 0.5));
}

/** The share of [x - b/2, x + b/2] inside [-half, half]. */
function intervalCover(x: number, half: number, b: number): number {
  if (b < 1e-9) return Math.abs(x) < half ? 1 : 0;
  return Math.max(0, Math.min(x + b / 2, half) - Math.max(x - b / 2, -half)) / b;
}

const LANE_WHITE: Rgb = [0.95, 0.95, 0.95];
const LANE_WIDTH = 0.05;
/** Seams between boards, metres. */
const SEAM_WIDTH = 0.004;

/**
 * Floor colour at world (x, y), box-filtered over the pixel's footprint: moving one pixel right
 * moves the floor point by (ux, uy), one pixel down by (vx, vy).
 */
function floorColour(
  f: FloorSpec,
  seed: number,
  x: number,
  y: number,
  ux: number,
  uy: number,
  vx: number,
  vy: number,
  out: Float64Array,
): void {
  const ca = Math.cos(f.stripeAngle);
  const sa = Math.sin(f.stripeAngle);
  const along = ca * x + sa * y;
  const acrossM = -sa * x + ca * y;
  const across = acrossM / f.stripeWidth;
  const strip = Math.floor(across);
  // Footprints along the strips' normal and along their direction.
  const bAcross = Math.abs(-sa * ux + ca * uy) + Math.abs(-sa * vx + ca * vy);
  const bAlong = Math.abs(ca * ux + sa * uy) + Math.abs(ca * vx + sa * vy);
  let k = 1 + f.stripeJitter * (2 * hash(strip, 7, seed) - 1);
  if (f.seams > 0) {
    const share = SEAM_WIDTH / f.stripeWidth;
    let seam = bandCover(acrossM + SEAM_WIDTH / 2, f.stripeWidth, share, bAcross);
    if (f.stripeLength > 0) {
      const shifted = along + hash(strip, 11, seed) * f.stripeLength;
      k *= 1 + f.stripeJitter * (2 * hash(strip, Math.floor(shifted / f.stripeLength), seed) - 1);
      seam = Math.max(seam, bandCover(shifted + SEAM_WIDTH / 2, f.stripeLength, SEAM_WIDTH / f.stripeLength, bAlong));
    }
    k *= 1 - f.seams * seam;
  }
  if (f.patches > 0) k *= 1 + f.patches * valueNoise(x / f.patchSize, y / f.patchSize, seed ^ 0x5bd1e995);
  let r = f.colour[0] * k;
  let g = f.colour[1] * k;
  let b = f.colour[2] * k;
  if (f.laneLines) {
    const cover = bandCover(acrossM + LANE_WIDTH / 2, f.stripeWidth, LANE_WIDTH / f.stripeWidth, bAcross);
    r += (LANE_WHITE[0] - r) * cover;
    g += (LANE_WHITE[1] - g) * cover;
    b += (LANE_WHITE[2] - b) * cover;
  }
  for (let i = 0; i < f.lines.length; i++) {
    const line = f.lines[i] as FloorLine;
    const nx = Math.cos(line.angle);
    const ny = Math.sin(line.angle);
    const d = Math.abs(nx * x + ny * y - line.offset);
    const foot = Math.abs(nx * ux + ny * uy) + Math.abs(nx * vx + ny * vy);
    const cover = intervalCover(d, line.width / 2, foot);
    const c = line.colour;
    r += (c[0] - r) * cover;
    g += (c[1] - g) * cover;
    b += (c[2] - b) * cover;
  }
  out[0] = r;
  out[1] = g;
  out[2] = b;
}

/**
 * Paints `spec` as seen by `cam`, one ray per pixel centre, stripes, seams, lines, panel edges
 * and the skyline box-filtered over the pixel's footprint (no aliasing into moire far away), then
 * per-pixel grain. Deterministic in (spec, camera). About 1-2 ms at 112x112.
 */
export function paintBackground(spec: BackgroundSpec, cam: Camera): PaintedBackground {
  const w = cam.spec.width;
  const h = cam.spec.heightPx;
  const rgb = new Float32Array(w * h * 3);
  const floorX = new Float32Array(w * h).fill(Number.NaN);
  const floorY = new Float32Array(w * h).fill(Number.NaN);
  const { right, down, forward, position, focal } = cam;
  const camZ = position[2];
  if (!(camZ > 0)) throw new Error(`paintBackground(): the camera must be above the floor, got height ${camZ} m`);
  // The wall (gym): a vertical plane facing the camera, `wallDistance` behind the target.
  const fh = Math.sqrt(forward[0] * forward[0] + forward[1] * forward[1]);
  const nx = forward[0] / fh;
  const ny = forward[1] / fh;
  const [tx, ty] = cam.spec.target;
  const gym = spec.type === 'gym';
  const wallPlane = gym ? nx * tx + ny * ty + spec.wallDistance - (nx * position[0] + ny * position[1]) : 0;
  const colour = new Float64Array(3);
  const invF = 1 / focal;
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      const x = (px + 0.5 - w / 2) * invF;
      const y = (py + 0.5 - h / 2) * invF;
      const dx = right[0] * x + down[0] * y + forward[0];
      const dy = right[1] * x + down[1] * y + forward[1];
      const dz = right[2] * x + down[2] * y + forward[2];
      const horiz = Math.sqrt(dx * dx + dy * dy);
      const tFloor = dz < 0 ? -camZ / dz : Number.POSITIVE_INFINITY;
      const wallDot = nx * dx + ny * dy;
      const tWall = gym && wallDot > 0 ? wallPlane / wallDot : Number.POSITIVE_INFINITY;
      const i = py * w + px;
      if (tFloor < tWall) {
        const fx = position[0] + tFloor * dx;
        const fy = position[1] + tFloor * dy;
        floorX[i] = fx;
        floorY[i] = fy;
        // d(floor point)/d(pixel): (t / f) (axis - d axis_z / d_z) for the right and down axes.
        const kt = tFloor * invF;
        const ru = right[2] / dz;
        const rv = down[2] / dz;
        floorColour(
          spec.floor,
          spec.seed,
          fx,
          fy,
          kt * (right[0] - dx * ru),
          kt * (right[1] - dy * ru),
          kt * (down[0] - dx * rv),
          kt * (down[1] - dy * rv),
          colour,
        );
        if (spec.type === 'outdoor') {
          const fog = 1 - Math.exp((-tFloor * horiz) / spec.haze);
          for (let c = 0; c < 3; c++)
            colour[c] = (colour[c] as number) + ((spec.skyHorizon[c] as number) - (colour[c] as number)) * fog;
        }
      } else if (spec.type === 'gym' && tWall < Number.POSITIVE_INFINITY) {
        const wx = position[0] + tWall * dx;
        const wy = position[1] + tWall * dy;
        const wz = camZ + tWall * dz;
        const s = -ny * wx + nx * wy + spec.panelPhase;
        // Footprints along the wall (s) and up it (z), as for the floor.
        const kt = tWall * invF;
        const ru = (nx * right[0] + ny * right[1]) / wallDot;
        const rv = (nx * down[0] + ny * down[1]) / wallDot;
        const sU = kt * (-ny * (right[0] - dx * ru) + nx * (right[1] - dy * ru));
        const sV = kt * (-ny * (down[0] - dx * rv) + nx * (down[1] - dy * rv));
        const zU = kt * (right[2] - dz * ru);
        const zV = kt * (down[2] - dz * rv);
        const panel = bandCover(s, spec.panelWidth, spec.panelShare, Math.abs(sU) + Math.abs(sV));
        const bz = Math.abs(zU) + Math.abs(zV);
        const dado = belowCover(wz, spec.dadoHeight, bz);
        // A dark skirting board, and the wall a little brighter towards the lights above.
        const k = (0.88 + 0.12 * Math.min(1, Math.max(0, wz) / 4)) * (1 - 0.55 * belowCover(wz, 0.08, bz));
        for (let c = 0; c < 3; c++) {
          const wallC = (spec.wall[c] as number) + ((spec.panel[c] as number) - (spec.wall[c] as number)) * panel;
          colour[c] = (wallC + ((spec.dado[c] as number) - wallC) * dado) * k;
        }
      } else if (spec.type === 'outdoor') {
        const elevation = Math.atan2(dz, horiz);
        const sky = Math.min(1, Math.max(0, elevation / 0.6));
        for (let c = 0; c < 3; c++)
          colour[c] =
            (spec.skyHorizon[c] as number) + ((spec.skyTop[c] as number) - (spec.skyHorizon[c] as number)) * sky;
        // The skyline never rises above 1.85 skylineHeight; below that, trees or buildings (one pixel spans about 1/f rad).
        if (elevation < 1.85 * spec.skylineHeight + invF) {
          const azimuth = Math.atan2(dy, dx);
          const ridge =
            spec.skylineHeight *
            (1 + 0.6 * valueNoise(azimuth * 12, 0.5, spec.seed) + 0.25 * valueNoise(azimuth * 60, 3.5, spec.seed));
          const land = belowCover(elevation * focal, ridge * focal, 1);
          const k = 0.85 + 0.15 * valueNoise(azimuth * 150, elevation * 150, spec.seed ^ 0x1234);
          for (let c = 0; c < 3; c++)
            colour[c] = (colour[c] as number) + ((spec.skyline[c] as number) * k - (colour[c] as number)) * land;
        }
      } else {
        // Gym, looking up past the wall's top: a dim ceiling.
        colour[0] = spec.wall[0] * 0.6;
        colour[1] = spec.wall[1] * 0.6;
        colour[2] = spec.wall[2] * 0.6;
      }
      const grain = 255 * (1 + spec.grain * (2 * hash(px, py, spec.seed ^ 0x68e31da4) - 1));
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.min(255, Math.max(0, (colour[c] as number) * grain));
    }
  }
  return { width: w, height: h, rgb, floorX, floorY, horizon: horizonRow(cam) };
}

/** Image row of the horizon (the vanishing line of the floor) for a level camera. */
function horizonRow(cam: Camera): number {
  const [fx, fy, fz] = cam.forward;
  const fh = Math.sqrt(fx * fx + fy * fy);
  // A horizontal direction straight ahead: its camera coordinates give v = cy + f * down / forward.
  const dx = fx / fh;
  const dy = fy / fh;
  const downC = cam.down[0] * dx + cam.down[1] * dy + cam.down[2] * 0;
  const fwdC = fx * dx + fy * dy + fz * 0;
  return cam.spec.heightPx / 2 + (cam.focal * downC) / fwdC;
}
