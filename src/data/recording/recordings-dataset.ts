import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { DatasetAdapter, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import { locateFfmpeg } from '../../video/ffmpeg-binary.ts';
import { existingFolder } from '../existing-path.ts';
import { readRecording } from './read-recording.ts';
import { RECORDING_FILES, type TrialFile } from './recording-layout.ts';

/**
 * `dataset: { name: recordings, root: DIR }`: every folder under DIR (to depth 4) in the
 * recording layout, labelled and grouped by subject as its trial.json says. What
 * `motionfuse simulate --out DIR` writes and what a lab session records. A relative root is
 * taken from the current directory.
 */
export const RECORDINGS_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('folder holding recording folders (session.xdf, video.mkv, trial.json)'),
  classes: z.array(z.string()).min(1).optional().describe('class order (default: the labels found, sorted)'),
});

export type RecordingsOptions = z.output<typeof RECORDINGS_OPTIONS_SCHEMA>;

export function recordingsDataset(options: RecordingsOptions): DatasetAdapter {
  const root = resolve(options.root);
  const trials = findTrials(root, 4).map((dir) => ({ dir, trial: JSON.parse(readFileSync(join(dir, RECORDING_FILES.trial), 'utf8')) as TrialFile }));
  if (trials.length === 0) throw new UserError(`dataset.root: no recording (a folder with ${RECORDING_FILES.trial}) under ${root}`, 'Point it at the folder `motionfuse simulate --out` or a lab session wrote.');
  const labels = [...new Set(trials.map((t) => t.trial.label))].sort();
  const classes = options.classes ?? labels;
  const unknown = labels.filter((l) => !classes.includes(l));
  if (unknown.length > 0) throw new UserError(`dataset.classes does not list ${unknown.join(', ')}, found under ${root}`);
  let ffmpeg: Promise<string> | undefined;
  return {
    name: 'recordings',
    classes,
    async list(): Promise<SampleRef[]> {
      return trials.map(({ dir, trial }) => ({ id: trial.id, label: trial.label, ...(trial.subject === undefined ? {} : { subject: trial.subject }), meta: { dir: relative(root, dir) } }));
    },
    async load(ref: SampleRef): Promise<Sample> {
      ffmpeg ??= locateFfmpeg().then((f) => f.path);
      return readRecording(join(root, String(ref.meta['dir'])), { decodeVideo: true, ffmpeg: await ffmpeg });
    },
  };
}

/** Folders holding a trial.json, depth-first in name order. */
function findTrials(dir: string, depth: number): string[] {
  if (existsSync(join(dir, RECORDING_FILES.trial))) return [dir];
  if (depth === 0) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort().flatMap((name) => findTrials(join(dir, name), depth - 1));
}
