import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import { existingFile, existingFolder } from '../existing-path.ts';
import {
  clipDataset,
  DECODE_OPTIONS,
  textLines,
  type ClipDataset,
  type ClipEntry,
  type ClipListing,
  type MissingClip,
} from './labelled-clips.ts';

/**
 * Sports-1M (Karpathy et al. 2014): the JSON annotations of `sports1m_json.zip`
 * (`sports1m_train.json`, `sports1m_test.json`: a list of `{ id, label487: [class indices],
 * duration }`), the 487 class names (`labels.txt` of github.com/gtoderici/sports-1m-dataset), and
 * the videos the user downloaded, `root/<id>.<ext>` (any extension). A video can carry several
 * labels; its first is the class here (single-label evaluation, as the paper's hit@1). Videos not
 * on disk (many are gone from YouTube) are counted and listed by `missing()`. Each video is its
 * own subject.
 */
export const SPORTS1M_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('folder of the downloaded videos (<id>.mp4, ...)'),
  train: existingFile('sports1m_train.json'),
  test: existingFile('sports1m_test.json'),
  labels: existingFile('labels.txt: the 487 class names, one a line'),
  ...DECODE_OPTIONS,
});
export type Sports1mOptions = z.output<typeof SPORTS1M_OPTIONS_SCHEMA>;

export function sports1mDataset(options: Sports1mOptions): ClipDataset {
  return clipDataset('sports1m', () => listSports1m(options), options);
}

interface Entry {
  id?: unknown;
  label487?: unknown;
}

export function listSports1m(options: Pick<Sports1mOptions, 'root' | 'train' | 'test' | 'labels'>): ClipListing {
  const classes = textLines(readFileSync(options.labels, 'utf8'));
  const onDisk = new Map<string, string>();
  for (const name of existsSync(options.root) ? readdirSync(options.root) : [])
    onDisk.set(name.replace(/\.[^.]+$/, ''), join(options.root, name));
  const clips: ClipEntry[] = [];
  const missing: MissingClip[] = [];
  const read = (file: string): string[] => {
    let entries: Entry[];
    try {
      entries = JSON.parse(readFileSync(file, 'utf8')) as Entry[];
    } catch (err) {
      throw new UserError(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, undefined, {
        cause: err,
      });
    }
    if (!Array.isArray(entries)) throw new UserError(`${file}: expected a list of { id, label487, duration }`);
    return entries.map((e, i) => {
      const labels = Array.isArray(e.label487) ? e.label487 : [];
      const first = labels[0];
      if (typeof e.id !== 'string' || typeof first !== 'number' || classes[first] === undefined)
        throw new UserError(
          `${file}: entry ${i} has no id or no label487 index within labels.txt (${classes.length} classes)`,
        );
      // Some copies of the annotations hold full URLs: the video id is what names the file.
      const id = e.id.replace(/^.*[?&]v=/, '');
      const path = onDisk.get(id);
      if (path === undefined) missing.push({ id, path: join(options.root, `${id}.mp4`) });
      else clips.push({ id, label: classes[first] as string, path, subject: id });
      return id;
    });
  };
  const train = read(options.train);
  const test = read(options.test);
  return { classes, clips, missing, splits: [{ name: 'official', train, test }] };
}
