import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { OfficialSplit } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import { existingFolder } from '../existing-path.ts';
import {
  clipDataset,
  DECODE_OPTIONS,
  partitionByPresence,
  textLines,
  type ClipDataset,
  type ClipEntry,
  type ClipListing,
} from './labelled-clips.ts';

/**
 * HMDB-51 (Kuehne et al. 2011) as it lies after unpacking: `root/<class>/<clip>.avi` and the
 * three-split files of `test_train_splits.rar` (`<class>_test_split{1,2,3}.txt`, lines
 * `<clip>.avi <0|1|2>`: 1 training, 2 testing, 0 unused) in `splits` (default
 * `root/testTrainMulti_7030_splits`). A clip's name starts with the film it was cut from
 * (`<film>_<class>_...`): that film is the subject, so group k-fold keeps a film's clips together.
 */
export const HMDB51_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('folder of the class folders (<class>/*.avi)'),
  splits: existingFolder(
    'folder of <class>_test_split{1,2,3}.txt (default root/testTrainMulti_7030_splits)',
  ).optional(),
  ...DECODE_OPTIONS,
});
export type Hmdb51Options = z.output<typeof HMDB51_OPTIONS_SCHEMA>;

export function hmdb51Dataset(options: Hmdb51Options): ClipDataset {
  return clipDataset(
    'hmdb51',
    () => listHmdb51(options.root, options.splits ?? join(options.root, 'testTrainMulti_7030_splits')),
    options,
  );
}

export function listHmdb51(root: string, splitsDir: string): ClipListing {
  if (!existsSync(splitsDir))
    throw new UserError(
      `HMDB-51 split files not found: ${splitsDir}`,
      'Unpack test_train_splits.rar from https://serre-lab.clps.brown.edu/resource/hmdb-a-large-human-motion-database/ into the root, or set dataset.splits.',
    );
  const splitFiles = readdirSync(splitsDir).filter((f) => /_test_split[123]\.txt$/.test(f));
  const classes = [...new Set(splitFiles.map((f) => f.replace(/_test_split[123]\.txt$/, '')))].sort();
  if (classes.length === 0) throw new UserError(`${splitsDir} holds no <class>_test_split<N>.txt file`);
  const entries = new Map<string, ClipEntry>();
  const splits: OfficialSplit[] = [1, 2, 3].map((n) => ({
    name: `split${n}`,
    train: [] as string[],
    test: [] as string[],
  }));
  for (const label of classes) {
    for (const n of [1, 2, 3]) {
      const file = join(splitsDir, `${label}_test_split${n}.txt`);
      if (!existsSync(file)) throw new UserError(`HMDB-51 split file missing: ${file}`);
      textLines(readFileSync(file, 'utf8')).forEach((line, i) => {
        const [name, use] = line.split(/\s+/);
        if (name === undefined || !['0', '1', '2'].includes(use ?? ''))
          throw new UserError(`${file}:${i + 1}: expected '<clip>.avi <0|1|2>', got '${line}'`);
        const id = name.replace(/\.[^.]+$/, '');
        const at = id.indexOf(`_${label}_`);
        if (!entries.has(id))
          entries.set(id, {
            id,
            label,
            path: join(root, label, name),
            ...(at > 0 ? { subject: id.slice(0, at) } : {}),
          });
        const split = splits[n - 1] as OfficialSplit;
        if (use === '1') split.train.push(id);
        else if (use === '2') split.test.push(id);
      });
    }
  }
  return { classes, ...partitionByPresence([...entries.values()]), splits };
}
