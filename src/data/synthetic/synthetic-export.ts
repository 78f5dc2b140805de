import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/atomic-file.ts';
import { UserError } from '../../core/errors.ts';
import { startProgress } from '../../core/progress.ts';
import { generateSubject, subjectId, type SyntheticOptions } from './synthetic-take.ts';
import { startTakePool } from './take-pool.ts';
import { syntheticTakeJobs, takeJobId } from './take-jobs.ts';

/**
 * `motionfuse simulate --out DIR`: the synthetic data set on disk, one folder per take in the
 * recording layout (DIR/<subject>/<take>/session.xdf, video.mkv, take.json), and
 * DIR/manifest.json with the resolved options, the environment, the subjects (body, style,
 * sensors: the ground truth of the clocks) and the take list. Takes are generated on worker
 * threads; each appears under its final name only when complete, so a run that was stopped
 * resumes where it stopped, and the same options give the same bytes on disk.
 */
export const SYNTHETIC_MANIFEST = 'manifest.json';
export const SYNTHETIC_FORMAT = 'motionfuse-synthetic/1';

export interface ExportOptions {
  workers?: number;
  ffmpeg?: { path: string; version: string };
  /** Written into the manifest and each take.json (e.g. the package name and version). */
  generator: Record<string, unknown>;
  /** Progress output; default stderr (see core/progress.ts). */
  progress?: boolean;
}

export interface ExportSummary {
  dir: string;
  takes: number;
  /** Takes already on disk from an earlier, interrupted run with the same options. */
  resumed: number;
  written: number;
  seconds: number;
}

export interface SyntheticManifest {
  format: typeof SYNTHETIC_FORMAT;
  generator: Record<string, unknown>;
  options: SyntheticOptions;
  environment: Record<string, string>;
  subjects: ReturnType<typeof subjectSummary>[];
  takes: { id: string; label: string; subject: string; path: string }[];
}

export async function exportSyntheticDataset(
  dir: string,
  options: SyntheticOptions,
  exportOptions: ExportOptions,
): Promise<ExportSummary> {
  const started = performance.now();
  if (options.video && exportOptions.ffmpeg === undefined)
    throw new Error('exportSyntheticDataset(): video needs exportOptions.ffmpeg');
  const jobs = syntheticTakeJobs(options).map((job) => {
    const id = takeJobId(job);
    return { ...job, id, subject: subjectId(job.subjectIndex), path: `${subjectId(job.subjectIndex)}/${id}` };
  });
  const manifest: SyntheticManifest = {
    format: SYNTHETIC_FORMAT,
    generator: exportOptions.generator,
    options,
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      ...(exportOptions.ffmpeg === undefined ? {} : { ffmpeg: exportOptions.ffmpeg.version }),
    },
    subjects: Array.from({ length: options.subjects }, (_, i) => subjectSummary(options, i)),
    takes: jobs.map((j) => ({ id: j.id, label: j.action, subject: j.subject, path: j.path })),
  };
  await checkTarget(dir, manifest);
  await writeJsonAtomic(join(dir, SYNTHETIC_MANIFEST), manifest);

  const done = new Set<string>();
  for (const s of manifest.subjects) {
    const entries = await readdir(join(dir, s.id)).catch(() => [] as string[]);
    for (const e of entries) if (!e.endsWith('.partial')) done.add(`${s.id}/${e}`);
  }
  const todo = jobs.filter((j) => !done.has(j.path));
  const progress = startProgress({
    label: 'simulate',
    total: jobs.length,
    unit: 'takes',
    ...(exportOptions.progress === undefined ? {} : { enabled: exportOptions.progress }),
  });
  progress.update(jobs.length - todo.length);
  const pool = startTakePool(options, {
    ...(exportOptions.workers === undefined ? {} : { workers: exportOptions.workers }),
    ...(exportOptions.ffmpeg === undefined ? {} : { ffmpeg: exportOptions.ffmpeg.path }),
  });
  try {
    await Promise.all(
      todo.map(async (job) => {
        await pool.record(job, join(dir, job.path), { generator: exportOptions.generator, seed: options.seed });
        progress.tick(1, job.id);
      }),
    );
  } finally {
    progress.stop();
    await pool.close();
  }
  return {
    dir,
    takes: jobs.length,
    resumed: jobs.length - todo.length,
    written: todo.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** What the manifest says about a subject: body, style and each sensor's true clock, biases and mounting. */
function subjectSummary(options: SyntheticOptions, index: number) {
  const s = generateSubject(options, index);
  return {
    id: s.id,
    height: s.height,
    build: s.build,
    style: s.style,
    sensors: s.devices.map((d) => ({
      sensorId: d.sensorId,
      placement: d.placement,
      side: d.side,
      rate: d.rate,
      clockOffset: d.clockOffset,
      clockDrift: d.clockDrift,
      accelBias: d.accelBias,
      gyroBias: d.gyroBias,
      mounting: d.mounting,
    })),
  };
}

/**
 * DIR may be new, empty, or hold this very data set (a resumed run). A data set made with other
 * options, or a folder holding other things, is never written into.
 */
async function checkTarget(dir: string, manifest: SyntheticManifest): Promise<void> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw new UserError(`cannot use ${dir} as the output folder: ${err.message}`);
  });
  if (entries.length === 0) return;
  if (!entries.includes(SYNTHETIC_MANIFEST)) {
    throw new UserError(
      `${dir} is not empty and holds no synthetic data set (${SYNTHETIC_MANIFEST})`,
      'Choose a new or empty folder for --out.',
    );
  }
  const path = join(dir, SYNTHETIC_MANIFEST);
  let old: Partial<SyntheticManifest>;
  try {
    old = JSON.parse(await readFile(path, 'utf8')) as Partial<SyntheticManifest>;
  } catch (err) {
    throw new UserError(
      `${path} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      'Choose a new folder for --out, or delete this one.',
    );
  }
  const differences = Object.keys(manifest.options)
    .filter(
      (k) =>
        JSON.stringify((old.options as Record<string, unknown> | undefined)?.[k]) !==
        JSON.stringify((manifest.options as unknown as Record<string, unknown>)[k]),
    )
    .map(
      (k) =>
        `${k}: ${JSON.stringify((old.options as Record<string, unknown> | undefined)?.[k])} there, ${JSON.stringify((manifest.options as unknown as Record<string, unknown>)[k])} now`,
    );
  if (
    old.format !== SYNTHETIC_FORMAT ||
    differences.length > 0 ||
    JSON.stringify(old.generator) !== JSON.stringify(manifest.generator)
  ) {
    throw new UserError(
      `${dir} holds a synthetic data set made with other settings${differences.length > 0 ? ` (${differences.join('; ')})` : ' (another generator version)'}`,
      'Choose another folder for --out, or delete this one to regenerate it.',
    );
  }
}
