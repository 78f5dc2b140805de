// Over 400 lines: the adapter (options, file scan, listing, loading) and the unit conversions of its three modalities, kept with the layout they read.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { DatasetAdapter, IncompleteSample, OfficialSplit, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import { checkDatasetOptions } from '../dataset-options.ts';
import { KINECT20_JOINTS } from '../../core/joint-sets.ts';
import { createLogger } from '../../core/logger.ts';
import type { Sample } from '../../core/sample.ts';
import { imuStream, poseStream, videoStream, type Placement, type Stream } from '../../core/stream.ts';
import { existingFolder } from '../existing-path.ts';
import { readMatFile, type MatArray } from '../../formats/mat/read-mat-file.ts';

/**
 * UTD-MHAD (Chen, Jafari, Kehtarnavaz 2015) as it lies after download: `root/Inertial/`,
 * `root/Skeleton/`, `root/Depth/` holding `a{action}_s{subject}_t{take}_{modality}.mat`
 * (MATLAB level-5 files; 27 actions, 8 subjects, 4 takes, a few takes missing in the release).
 *
 * Units are converted here, once:
 * - inertial (`d_iner`, N x 6, g and deg/s): an IMU stream in m/s^2 (g = 9.80665) and rad/s,
 *   placement 'wrist' for actions 1-21 and 'thigh' for 22-27 (the right side in both).
 * - skeleton (`d_skel`, 20 x 3 x T, metres, Kinect v1 camera frame): a pose stream, joints
 *   'kinect20' (`KINECT20_JOINTS` is the data set's `Skeleton_joint_order.txt`), dims 3, metres.
 * - depth (`d_depth`, 240 x 320 x T, millimetres; a double array stored as uint16): decoded
 *   1-channel uint8 frames by one fixed linear map, grey = round(mm * 255 / 4000) clamped to
 *   1..255 for a reading, 0 for none (mm = 0): grey g is about g * 4000 / 255 mm (15.7 mm a
 *   level), 4 m and beyond are 255. The map is in the stream's meta (`depthScale`).
 *
 * MATLAB's column-major arrays become row-major streams here: frame k of the skeleton is
 * `d_skel(:, :, k)`, joint j's coordinates its row j; depth frame k's pixel (row r, column c) is
 * `d_depth(r, c, k)`, row 0 at the top.
 *
 * Timing. The inertial and video streams are not sample-aligned (N/T runs from 2.4 to 4.5 over
 * takes), so they are aligned by normalised time over the take: the take lasts D = T / 30 s
 * (T video frames at the Kinect's 30 fps), frame k is at k / 30 s, and inertial sample i of N is
 * at i * D / N s, so both streams start at 0 and cover [0, D). The IMU stream's `rate` is the
 * resulting N / D (its meta keeps the nominal 50 Hz). With only the inertial modality asked, T
 * is still read from the take's skeleton file when one exists (it is small); without one, D =
 * N / 50.
 */

export const UTD_MHAD_ACTIONS = [
  'swipe_left',
  'swipe_right',
  'wave',
  'clap',
  'throw',
  'arm_cross',
  'basketball_shoot',
  'draw_x',
  'draw_circle_CW',
  'draw_circle_CCW',
  'draw_triangle',
  'bowling',
  'boxing',
  'baseball_swing',
  'tennis_swing',
  'arm_curl',
  'tennis_serve',
  'push',
  'knock',
  'catch',
  'pickup_throw',
  'jog',
  'walk',
  'sit2stand',
  'stand2sit',
  'lunge',
  'squat',
] as const;

export const UTD_MHAD_MODALITIES = ['inertial', 'skeleton', 'depth'] as const;
export type UtdMhadModality = (typeof UTD_MHAD_MODALITIES)[number];

/** The Kinect's frame rate: skeleton and depth frame times, and the take duration, come from it. */
export const UTD_MHAD_VIDEO_FPS = 30;
/** The inertial sensor's nominal rate (kept in meta; the stream's times follow the video, see above). */
export const UTD_MHAD_INERTIAL_NOMINAL_HZ = 50;
/** Depth in mm mapped linearly onto grey 0..255 up to this; beyond it, 255. */
export const UTD_MHAD_DEPTH_MAX_MM = 4000;
/** Actions from this one on wear the sensor on the right thigh; before it, on the right wrist. */
const FIRST_THIGH_ACTION = 22;
const STANDARD_GRAVITY = 9.80665;
const DEG_TO_RAD = Math.PI / 180;
const SUBJECTS = 8;

const FOLDERS: Record<UtdMhadModality, string> = { inertial: 'Inertial', skeleton: 'Skeleton', depth: 'Depth' };
const VARIABLES: Record<UtdMhadModality, string> = { inertial: 'd_iner', skeleton: 'd_skel', depth: 'd_depth' };
const FILE_NAME = /^a(\d+)_s(\d+)_t(\d+)_(inertial|skeleton|depth)\.mat$/;

const log = createLogger('utd-mhad');

const distinct = <T>(list: readonly T[]) => new Set(list).size === list.length;

/**
 * `dataset: { name: utd-mhad, root, modalities?, subjects? }`. Only the modalities asked are
 * loaded, and a take is listed when it has all of them.
 */
export const UTD_MHAD_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('the UTD-MHAD folder holding Inertial/, Skeleton/ and Depth/'),
  modalities: z
    .array(z.enum(UTD_MHAD_MODALITIES))
    .min(1)
    .refine(distinct, { message: 'lists one twice' })
    .default([...UTD_MHAD_MODALITIES])
    .describe('which of inertial, skeleton, depth to load (default all three)'),
  subjects: z
    .array(z.number().int().min(1).max(SUBJECTS))
    .min(1)
    .refine(distinct, { message: 'lists one twice' })
    .optional()
    .describe('only these subjects, 1-8 (default all found)'),
});
export type UtdMhadOptions = z.output<typeof UTD_MHAD_OPTIONS_SCHEMA>;
export type UtdMhadRequest = z.input<typeof UTD_MHAD_OPTIONS_SCHEMA>;

/** Options checked through the schema; each problem is a UserError naming the option. */
export function checkUtdMhadOptions(request: unknown): UtdMhadOptions {
  return checkDatasetOptions(
    UTD_MHAD_OPTIONS_SCHEMA,
    request,
    'utd-mhad',
    'Its options are root (the folder holding Inertial/, Skeleton/, Depth/), modalities (inertial, skeleton, depth) and subjects (1-8).',
  );
}

/** A take that has some of the asked modalities on disk but not all; left out of `list()`. */
export interface IncompleteTake extends IncompleteSample {
  missing: UtdMhadModality[];
}

export interface UtdMhadDataset extends DatasetAdapter {
  /** Takes left out of `list()` because a modality asked for has no file. */
  incomplete(): Promise<IncompleteTake[]>;
}

interface Take {
  id: string;
  action: number;
  subject: number;
  take: number;
  /** Path relative to root, per modality on disk (asked or not). */
  files: Partial<Record<UtdMhadModality, string>>;
}

interface Listing {
  takes: Take[];
  incomplete: IncompleteTake[];
}

export function utdMhadDataset(request: UtdMhadRequest): UtdMhadDataset {
  const options = checkUtdMhadOptions(request);
  const { root, modalities } = options;
  let cached: Listing | undefined;
  const listing = (): Listing => (cached ??= scan(root, modalities, options.subjects));
  const refs = () =>
    listing().takes.map((t): SampleRef => ({
      id: t.id,
      label: UTD_MHAD_ACTIONS[t.action - 1] as string,
      subject: `s${t.subject}`,
      meta: { action: t.action, take: t.take, files: t.files },
    }));
  return {
    name: 'utd-mhad',
    classes: UTD_MHAD_ACTIONS,
    async list() {
      return refs();
    },
    async incomplete() {
      return listing().incomplete;
    },
    async load(ref, loadOptions = {}) {
      return loadTake(root, modalities, ref, loadOptions.signal);
    },
    async officialSplits(): Promise<OfficialSplit[]> {
      const all = refs();
      const odd = (r: SampleRef) => Number(r.subject?.slice(1)) % 2 === 1;
      return [
        {
          name: 'cross-subject',
          train: all.filter(odd).map((r) => r.id),
          test: all.filter((r) => !odd(r)).map((r) => r.id),
        },
      ];
    },
  };
}

/** The takes on disk with every asked modality, by subject, action, take. */
function scan(root: string, modalities: readonly UtdMhadModality[], subjects: readonly number[] | undefined): Listing {
  const folders = new Map(
    readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => [d.name.toLowerCase(), d.name]),
  );
  const takes = new Map<string, Take>();
  let strays = 0;
  for (const modality of UTD_MHAD_MODALITIES) {
    const folder = folders.get(FOLDERS[modality].toLowerCase());
    if (folder === undefined) {
      if (!modalities.includes(modality)) continue;
      throw new UserError(
        `utd-mhad: ${root} has no ${FOLDERS[modality]}/ folder (the ${modality} .mat files)`,
        `Point dataset.root at the folder holding ${modalities.map((m) => `${FOLDERS[m]}/`).join(', ')} as unpacked from the download, or leave ${modality} out of dataset.modalities.`,
      );
    }
    for (const name of readdirSync(join(root, folder)).sort()) {
      const m = FILE_NAME.exec(name);
      if (m === null) continue;
      const [action, subject, take] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (m[4] !== modality || action < 1 || action > UTD_MHAD_ACTIONS.length) {
        strays++;
        continue;
      }
      if (subjects !== undefined && !subjects.includes(subject)) continue;
      const id = `a${action}_s${subject}_t${take}`;
      let t = takes.get(id);
      if (t === undefined) takes.set(id, (t = { id, action, subject, take, files: {} }));
      t.files[modality] = join(folder, name);
    }
  }
  if (strays > 0)
    log.warn(
      `${strays} file(s) under ${root} named like UTD-MHAD files but in the wrong folder or with an unknown action; ignored`,
    );
  const sorted = [...takes.values()].sort((a, b) => a.subject - b.subject || a.action - b.action || a.take - b.take);
  const complete: Take[] = [];
  const incomplete: IncompleteTake[] = [];
  for (const t of sorted) {
    const missing = modalities.filter((m) => t.files[m] === undefined);
    if (missing.length === 0) complete.push(t);
    else incomplete.push({ id: t.id, missing });
  }
  if (incomplete.length > 0) {
    const shown = incomplete
      .slice(0, 5)
      .map((t) => `${t.id} (no ${t.missing.join(', ')})`)
      .join(', ');
    log.warn(
      `${incomplete.length} take(s) under ${root} lack a modality asked for and are left out: ${shown}${incomplete.length > 5 ? ', ...' : ''}`,
    );
  }
  if (complete.length === 0) {
    throw new UserError(
      `utd-mhad: no take under ${root} has all of ${modalities.join(', ')}${subjects === undefined ? '' : ` for subjects ${subjects.join(', ')}`}`,
      'Expected files such as Inertial/a1_s1_t1_inertial.mat; check dataset.root, dataset.modalities and dataset.subjects.',
    );
  }
  return { takes: complete, incomplete };
}

async function loadTake(
  root: string,
  modalities: readonly UtdMhadModality[],
  ref: SampleRef,
  signal: AbortSignal | undefined,
): Promise<Sample> {
  const { action, take, files } = ref.meta as {
    action?: unknown;
    take?: unknown;
    files?: Partial<Record<UtdMhadModality, string>>;
  };
  if (
    typeof action !== 'number' ||
    typeof take !== 'number' ||
    typeof files !== 'object' ||
    files === null ||
    ref.subject === undefined
  ) {
    throw new Error(`utdMhadDataset.load(): '${ref.id}' is not a reference from this data set's list()`);
  }
  const read = async (modality: UtdMhadModality): Promise<{ array: MatArray; file: string }> => {
    signal?.throwIfAborted();
    const relative = files[modality];
    if (relative === undefined)
      throw new Error(`utdMhadDataset.load(): '${ref.id}' has no ${modality} file in its reference`);
    const file = join(root, relative);
    // Depth is a double array stored as uint16: kept as stored, a quarter of the memory.
    const vars = await readMatFile(file, { asStored: modality === 'depth' });
    const array = vars.get(VARIABLES[modality]);
    if (array === undefined) {
      throw new UserError(
        `${file}: no variable '${VARIABLES[modality]}' (found ${[...vars.keys()].join(', ') || 'none'})`,
        'The file is not a UTD-MHAD file as released; download it again.',
      );
    }
    return { array, file };
  };

  const skeleton = modalities.includes('skeleton') ? await read('skeleton') : undefined;
  const depth = modalities.includes('depth') ? await read('depth') : undefined;
  const inertial = modalities.includes('inertial') ? await read('inertial') : undefined;

  const skeletonFrames = skeleton === undefined ? undefined : frameCount(skeleton, [20, 3], 'skeleton');
  const depthFrames =
    depth === undefined ? undefined : frameCount(depth, [depth.array.dims[0] ?? 0, depth.array.dims[1] ?? 0], 'depth');
  if (skeletonFrames !== undefined && depthFrames !== undefined && skeletonFrames !== depthFrames) {
    throw new UserError(
      `utd-mhad ${ref.id}: the skeleton has ${skeletonFrames} frames but the depth video ${depthFrames}; they should be equal`,
      `Check ${skeleton?.file} and ${depth?.file}.`,
    );
  }
  let frames = skeletonFrames ?? depthFrames;
  if (frames === undefined && files.skeleton !== undefined && existsSync(join(root, files.skeleton))) {
    frames = frameCount(await read('skeleton'), [20, 3], 'skeleton');
  }

  const streams: Stream[] = [];
  let duration: number | undefined = frames === undefined ? undefined : frames / UTD_MHAD_VIDEO_FPS;
  if (inertial !== undefined) {
    const imu = toImu(inertial, action, duration);
    duration = imu.duration;
    streams.push(imu.stream);
  }
  if (skeleton !== undefined) streams.push(toPose(skeleton));
  if (depth !== undefined) streams.push(toDepthVideo(depth));
  return {
    id: ref.id,
    label: ref.label,
    subject: ref.subject,
    streams,
    meta: {
      dataset: 'utd-mhad',
      action,
      take,
      duration,
      timing: `video frames at ${UTD_MHAD_VIDEO_FPS} fps; inertial samples spread evenly over the same take duration (aligned by normalised time)`,
    },
  };
}

/** The number of frames T of an array [...frameDims, T] (MATLAB drops a trailing 1: T = 1 then). */
function frameCount(
  { array, file }: { array: MatArray; file: string },
  frameDims: readonly number[],
  what: string,
): number {
  const { dims } = array;
  const ok =
    frameDims.every((d, i) => dims[i] === d) &&
    (dims.length === frameDims.length || dims.length === frameDims.length + 1);
  if (!ok || frameDims.some((d) => d === 0)) {
    throw new UserError(
      `${file}: ${what} variable '${array.name}' is ${dims.join(' x ')}, expected ${frameDims.join(' x ')} x frames`,
      'The file is not a UTD-MHAD file as released; download it again.',
    );
  }
  return dims.length === frameDims.length ? 1 : (dims[frameDims.length] as number);
}

/** Number-valued data (BigInt classes are not expected here). */
function numbers({ array, file }: { array: MatArray; file: string }): ArrayLike<number> {
  if (array.data instanceof BigInt64Array || array.data instanceof BigUint64Array) {
    throw new UserError(`${file}: variable '${array.name}' is ${array.class}, expected double`);
  }
  return array.data;
}

function frameTimes(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => k / UTD_MHAD_VIDEO_FPS);
}

function toImu(source: { array: MatArray; file: string }, action: number, videoDuration: number | undefined) {
  const { dims } = source.array;
  if (dims.length !== 2 || dims[1] !== 6 || (dims[0] as number) < 1) {
    throw new UserError(
      `${source.file}: inertial variable '${source.array.name}' is ${dims.join(' x ')}, expected N x 6 (acc x, y, z in g; gyro x, y, z in deg/s)`,
    );
  }
  const n = dims[0] as number;
  const values = numbers(source);
  const data = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) {
    // Column-major N x 6: element (i, c) at i + n * c.
    for (let c = 0; c < 3; c++) data[i * 6 + c] = (values[i + n * c] as number) * STANDARD_GRAVITY;
    for (let c = 3; c < 6; c++) data[i * 6 + c] = (values[i + n * c] as number) * DEG_TO_RAD;
  }
  const duration = videoDuration ?? n / UTD_MHAD_INERTIAL_NOMINAL_HZ;
  const t = Float64Array.from({ length: n }, (_, i) => (i * duration) / n);
  const placement: Placement = action >= FIRST_THIGH_ACTION ? 'thigh' : 'wrist';
  const stream = imuStream({
    rate: n / duration,
    t,
    data,
    sensorId: 'inertial',
    placement,
    meta: {
      side: 'right',
      nominalRateHz: UTD_MHAD_INERTIAL_NOMINAL_HZ,
      timing: videoDuration === undefined ? 'nominal rate' : 'stretched over the video duration',
      source: `${source.array.name}: g, deg/s`,
    },
  });
  return { stream, duration };
}

function toPose(source: { array: MatArray; file: string }) {
  const frames = frameCount(source, [20, 3], 'skeleton');
  const values = numbers(source);
  const data = new Float32Array(frames * 60);
  // Column-major 20 x 3 x T: (j, d, k) at j + 20 * (d + 3 * k); row-major out: (k * 20 + j) * 3 + d.
  for (let k = 0; k < frames; k++) {
    for (let d = 0; d < 3; d++) {
      for (let j = 0; j < 20; j++) data[(k * 20 + j) * 3 + d] = values[j + 20 * (d + 3 * k)] as number;
    }
  }
  return poseStream({
    rate: UTD_MHAD_VIDEO_FPS,
    t: frameTimes(frames),
    joints: 'kinect20',
    dims: 3,
    data,
    meta: {
      units: 'm',
      frame: 'Kinect v1 camera (x right, y up, z away from the camera)',
      jointNames: [...KINECT20_JOINTS],
    },
  });
}

function toDepthVideo(source: { array: MatArray; file: string }) {
  const [height, width] = source.array.dims as [number, number];
  const frames = frameCount(source, [height, width], 'depth');
  const values = numbers(source);
  const plane = height * width;
  const out = new Uint8Array(frames * plane);
  const scale = 255 / UTD_MHAD_DEPTH_MAX_MM;
  let maxMm = 0;
  // Column-major H x W x T: (r, c, k) at r + H * (c + W * k), read in order; row-major out.
  let i = 0;
  for (let k = 0; k < frames; k++) {
    for (let c = 0; c < width; c++) {
      for (let r = 0; r < height; r++, i++) {
        const mm = values[i] as number;
        if (mm > maxMm) maxMm = mm;
        out[k * plane + r * width + c] = mm > 0 ? Math.min(255, Math.max(1, Math.round(mm * scale))) : 0;
      }
    }
  }
  return videoStream({
    rate: UTD_MHAD_VIDEO_FPS,
    t: frameTimes(frames),
    decoded: { frames: out, height, width, channels: 1 },
    meta: {
      modality: 'depth',
      depthScale: {
        mmPerGrey: UTD_MHAD_DEPTH_MAX_MM / 255,
        maxMm: UTD_MHAD_DEPTH_MAX_MM,
        zero: 'no reading',
        rule: 'grey = clamp(round(mm * 255 / 4000), 1, 255) for mm > 0, else 0',
      },
      rawMaxMm: maxMm,
    },
  });
}
