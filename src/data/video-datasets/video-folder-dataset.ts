import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import { existingFolder } from '../existing-path.ts';
import { clipDataset, DECODE_OPTIONS, type ClipDataset, type ClipEntry, type ClipListing } from './labelled-clips.ts';

const VIDEO_EXTENSIONS = ['.mp4', '.avi', '.mkv', '.mov', '.webm', '.m4v', '.mpg', '.mpeg'];

/**
 * A folder of the user's own labelled clips: `root/<class>/<clip>.<mp4|avi|mkv|mov|webm|...>`.
 * Classes are the folder names, sorted. `subject`, a regular expression with one capture group
 * matched against the file name (e.g. `^(p\d+)_`), names the person in each clip, so group
 * k-fold keeps a person's clips together; without it every clip is its own subject.
 */
export const VIDEO_FOLDER_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('folder of class folders of video clips'),
  subject: z
    .string()
    .refine((s) => {
      try {
        return new RegExp(s).source.length > 0 && /\((?!\?)/.test(s);
      } catch {
        return false;
      }
    }, 'must be a regular expression with one capture group, e.g. ^(p\\d+)_')
    .optional()
    .describe('regular expression on the file name whose first group is the subject'),
  ...DECODE_OPTIONS,
});
export type VideoFolderOptions = z.output<typeof VIDEO_FOLDER_OPTIONS_SCHEMA>;

export function videoFolderDataset(options: VideoFolderOptions): ClipDataset {
  return clipDataset('video-folder', () => listVideoFolder(options.root, options.subject), options);
}

export function listVideoFolder(root: string, subjectPattern?: string): ClipListing {
  const pattern = subjectPattern === undefined ? undefined : new RegExp(subjectPattern);
  const classes = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const clips: ClipEntry[] = [];
  for (const label of classes) {
    for (const name of readdirSync(join(root, label)).sort()) {
      if (!VIDEO_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext))) continue;
      const id = `${label}/${name.replace(/\.[^.]+$/, '')}`;
      const subject = pattern === undefined ? undefined : pattern.exec(name)?.[1];
      if (pattern !== undefined && subject === undefined)
        throw new UserError(
          `dataset.subject /${subjectPattern}/ does not match ${join(root, label, name)}`,
          'Every clip name must match it, or leave subject out.',
        );
      clips.push({ id, label, path: join(root, label, name), ...(subject === undefined ? {} : { subject }) });
    }
  }
  if (clips.length === 0)
    throw new UserError(`no video clip under ${root}/<class>/ (looked for ${VIDEO_EXTENSIONS.join(', ')})`);
  return { classes: classes.filter((c) => clips.some((k) => k.label === c)), clips, missing: [], splits: [] };
}
