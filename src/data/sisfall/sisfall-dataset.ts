import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { DatasetAdapter, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import { checkDatasetOptions } from '../dataset-options.ts';
import { createLogger } from '../../core/logger.ts';
import type { Sample } from '../../core/sample.ts';
import { IMU_CHANNELS, imuStream } from '../../core/stream.ts';
import { parseSisfallFile, SISFALL_RATE } from '../../formats/sisfall-file.ts';
import { existingFolder } from '../existing-path.ts';
import {
  SISFALL_ACTIVITIES,
  SISFALL_ACTIVITY_NAMES,
  SISFALL_ADLS,
  SISFALL_FALLS,
  isSisfallActivity,
  type SisfallActivity,
} from './sisfall-activities.ts';

/**
 * SisFall (Sucerquia, López, Vargas-Bonilla 2017) as released: `root/<subject>/<code>_<subject>_R<nn>.txt`,
 * subjects SA01-SA23 (young adults) and SE01-SE15 (elderly), codes D01-D19 (activities of daily
 * living) and F01-F15 (falls). One device at the waist, sampled at 200 Hz; each trial is one IMU
 * stream (placement 'waist', t = i / 200 s) of the ADXL345 accelerometer (or, asked for, the
 * MMA8451Q) and the ITG3200 gyroscope, in m/s^2 and rad/s (converted from counts by the file
 * reader, `formats/sisfall-file.ts`, with the data set's own rule). The second
 * accelerometer is left out by default: the IMU layout has one accelerometer, and the ADXL345's
 * +-16 g range covers the falls' impacts that clip the MMA8451Q's +-8 g.
 *
 * `list()` reads folder names only; a trial's file is read and checked when it is loaded, so a
 * corrupt or vanished file is a UserError naming it (file, line, field), and a run leaves that
 * trial out and goes on.
 */

const SUBJECT = /^S[AE]\d{2}$/;
const FILE_NAME = /^([DF]\d{2})_(S[AE]\d{2})_R(\d{2})\.txt$/;

const log = createLogger('sisfall');

const distinct = <T>(list: readonly T[]) => new Set(list).size === list.length;

export const SISFALL_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('the SisFall folder holding one folder per subject (SA01/, ..., SE15/)'),
  activities: z
    .union([
      z.enum(['all', 'adl', 'falls']),
      z
        .array(z.enum(SISFALL_ACTIVITIES as [SisfallActivity, ...SisfallActivity[]]))
        .min(1)
        .refine(distinct, { message: 'lists one twice' }),
    ])
    .default('all')
    .describe(
      "which activities are samples and classes: 'all' (D01-D19 and F01-F15), 'adl' (D01-D19), 'falls' (F01-F15), or a list of codes",
    ),
  subjects: z
    .array(z.string().regex(SUBJECT, 'must be a subject folder name such as SA01 or SE06'))
    .min(1)
    .refine(distinct, { message: 'lists one twice' })
    .optional()
    .describe('only these subjects, by folder name (default all found)'),
  accelerometer: z
    .enum(['adxl345', 'mma8451q'])
    .default('adxl345')
    .describe(
      'the accelerometer beside the gyroscope in the IMU stream: adxl345 (columns 1-3, +-16 g) or mma8451q (columns 7-9, +-8 g)',
    ),
  maxSeconds: z
    .number()
    .positive()
    .optional()
    .describe(
      'keep only the first this many seconds of each trial (the walking and jogging trials last 100 s, the others 12 s or 25 s); default the whole trial',
    ),
});
export type SisfallAccelerometer = 'adxl345' | 'mma8451q';
export type SisfallOptions = z.output<typeof SISFALL_OPTIONS_SCHEMA>;
export type SisfallRequest = z.input<typeof SISFALL_OPTIONS_SCHEMA>;

/** Options checked through the schema; each problem is a UserError naming the option. */
export function checkSisfallOptions(request: unknown): SisfallOptions {
  return checkDatasetOptions(
    SISFALL_OPTIONS_SCHEMA,
    request,
    'sisfall',
    'Its options are root (the folder holding SA01/, ...), activities (all, adl, falls or a list of codes), subjects (SA01, ...), accelerometer (adxl345, mma8451q) and maxSeconds.',
  );
}

/** The activity codes an `activities` option selects, in the data set's order. */
export function sisfallClasses(activities: SisfallOptions['activities']): SisfallActivity[] {
  if (activities === 'all') return [...SISFALL_ACTIVITIES];
  if (activities === 'adl') return Object.keys(SISFALL_ADLS) as SisfallActivity[];
  if (activities === 'falls') return Object.keys(SISFALL_FALLS) as SisfallActivity[];
  return SISFALL_ACTIVITIES.filter((code) => activities.includes(code));
}

interface Trial {
  id: string;
  activity: SisfallActivity;
  subject: string;
  trial: number;
  /** Relative to root. */
  file: string;
}

export function sisfallDataset(request: SisfallRequest): DatasetAdapter {
  const options = checkSisfallOptions(request);
  const classes = sisfallClasses(options.activities);
  let cached: Trial[] | undefined;
  const trials = () => (cached ??= scan(options.root, new Set(classes), options.subjects));
  return {
    name: 'sisfall',
    classes,
    async list() {
      return trials().map((t): SampleRef => ({
        id: t.id,
        label: t.activity,
        subject: t.subject,
        meta: { trial: t.trial, file: t.file, activity: SISFALL_ACTIVITY_NAMES[t.activity] },
      }));
    },
    async load(ref, loadOptions = {}) {
      return loadTrial(options.root, ref, options, loadOptions.signal);
    },
  };
}

/** The trials on disk of the asked activities and subjects, by subject, activity, trial (folders and names sorted). */
function scan(
  root: string,
  activities: ReadonlySet<SisfallActivity>,
  subjects: readonly string[] | undefined,
): Trial[] {
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && SUBJECT.test(d.name))
    .map((d) => d.name)
    .filter((name) => subjects === undefined || subjects.includes(name))
    .sort();
  const out: Trial[] = [];
  const strays: string[] = [];
  for (const subject of folders) {
    for (const name of readdirSync(join(root, subject)).sort()) {
      const m = FILE_NAME.exec(name);
      if (m === null) continue;
      const [, code, fileSubject, trial] = m as unknown as [string, string, string, string];
      // The folder names the subject; a file of another subject's name in it is misplaced.
      if (fileSubject !== subject || !isSisfallActivity(code)) {
        strays.push(join(subject, name));
        continue;
      }
      if (!activities.has(code)) continue;
      out.push({ id: name.slice(0, -4), activity: code, subject, trial: Number(trial), file: join(subject, name) });
    }
  }
  if (strays.length > 0)
    log.warn(
      `${strays.length} file(s) under ${root} named like SisFall trials but in another subject's folder or with an unknown code; ignored: ${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', ...' : ''}`,
    );
  if (out.length === 0) {
    throw new UserError(
      `sisfall: no trial under ${root} for the activities and subjects asked`,
      'Expected files such as SA01/D19_SA01_R01.txt; check dataset.root, dataset.activities and dataset.subjects.',
    );
  }
  return out;
}

async function loadTrial(
  root: string,
  ref: SampleRef,
  { accelerometer, maxSeconds }: Pick<SisfallOptions, 'accelerometer' | 'maxSeconds'>,
  signal: AbortSignal | undefined,
): Promise<Sample> {
  const { file, trial } = ref.meta as { file?: unknown; trial?: unknown };
  if (typeof file !== 'string' || typeof trial !== 'number' || ref.subject === undefined)
    throw new Error(`sisfallDataset.load(): '${ref.id}' is not a reference from this data set's list()`);
  signal?.throwIfAborted();
  const path = join(root, file);
  let text: string;
  try {
    text = await readFile(path, { encoding: 'latin1', signal });
  } catch (err) {
    if ((err as { name?: string }).name === 'AbortError') throw err;
    throw new UserError(
      `${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'The trial was listed but its file is gone or unreadable; check dataset.root.',
      { cause: err },
    );
  }
  const parsed = parseSisfallFile(text, path);
  const rows =
    maxSeconds === undefined
      ? parsed.t.length
      : Math.max(1, Math.min(parsed.t.length, Math.round(maxSeconds * SISFALL_RATE)));
  const acc = accelerometer === 'adxl345' ? parsed.acc : parsed.acc2;
  const data = new Float32Array(rows * IMU_CHANNELS);
  for (let i = 0; i < rows; i++) {
    data.set(acc.subarray(i * 3, i * 3 + 3), i * IMU_CHANNELS);
    data.set(parsed.gyro.subarray(i * 3, i * 3 + 3), i * IMU_CHANNELS + 3);
  }
  const stream = imuStream({
    rate: SISFALL_RATE,
    t: parsed.t.slice(0, rows),
    data,
    sensorId: accelerometer === 'adxl345' ? 'adxl345+itg3200' : 'mma8451q+itg3200',
    placement: 'waist',
    meta: { source: `${accelerometer === 'adxl345' ? 'columns 1-3' : 'columns 7-9'} and 4-6, counts to SI` },
  });
  return {
    id: ref.id,
    label: ref.label,
    subject: ref.subject,
    streams: [stream],
    meta: { dataset: 'sisfall', trial, activity: ref.meta.activity, duration: rows / SISFALL_RATE },
  };
}
