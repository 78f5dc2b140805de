import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { DatasetAdapter, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import { locateFfmpeg } from '../../video/ffmpeg-binary.ts';
import { existingFolder } from '../existing-path.ts';
import { RECORDING_FILES, type TakeFile } from './recording-layout.ts';

/**
 * `dataset: { name: recordings, root: DIR }`: every folder under DIR (to depth 4) in the
 * recording layout, labelled and grouped by subject as its take.json says. What
 * `motionfuse simulate --out DIR` writes and what a lab session records. A relative root is
 * taken from the current directory.
 */
export const RECORDINGS_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('folder holding recording folders (session.xdf, video.mkv, take.json)'),
  classes: z.array(z.string()).min(1).optional().describe('class order (default: the labels found, sorted)'),
});

export type RecordingsOptions = z.output<typeof RECORDINGS_OPTIONS_SCHEMA>;

export function recordingsDataset(options: RecordingsOptions): DatasetAdapter {
  const root = resolve(options.root);
  const takes = findTakes(root, 4).map((dir) => ({
    dir,
    take: JSON.parse(readFileSync(join(dir, RECORDING_FILES.take), 'utf8')) as TakeFile,
  }));
  if (takes.length === 0)
    throw new UserError(
      `dataset.root: no recording (a folder with ${RECORDING_FILES.take}) under ${root}`,
      'Point it at the folder `motionfuse simulate --out` or a lab session wrote.',
    );
  const labels = [...new Set(takes.map((t) => t.take.label))].sort();
  const classes = options.classes ?? labels;
  const unknown = labels.filter((l) => !classes.includes(l));
  if (unknown.length > 0)
    throw new UserError(`dataset.classes does not list ${unknown.join(', ')}, found under ${root}`);
  let ffmpeg: Promise<string> | undefined;
  return {
    name: 'recordings',
    classes,
    async list(): Promise<SampleRef[]> {
      return takes.map(({ dir, take }) => ({
        id: take.id,
        label: take.label,
        ...(take.subject === undefined ? {} : { subject: take.subject }),
        meta: { dir: relative(root, dir) },
      }));
    },
    async load(ref: SampleRef): Promise<Sample> {
      ffmpeg ??= locateFfmpeg().then((f) => f.path);
      // The reader (XDF's XML parser, video decoding) is loaded when a take is, not with the registry.
      const { readRecording } = await import('./read-recording.ts');
      return readRecording(join(root, String(ref.meta['dir'])), { decodeVideo: true, ffmpeg: await ffmpeg });
    },
  };
}

/** Folders holding a take.json, depth-first in name order. */
function findTakes(dir: string, depth: number): string[] {
  if (existsSync(join(dir, RECORDING_FILES.take))) return [dir];
  if (depth === 0) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((name) => findTakes(join(dir, name), depth - 1));
}
