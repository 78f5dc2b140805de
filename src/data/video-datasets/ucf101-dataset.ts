import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { OfficialSplit } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import { existingFolder } from '../existing-path.ts';
import {
  clipDataset,
  DECODE_OPTIONS,
  joinUnder,
  partitionByPresence,
  requireFile,
  textLines,
  type ClipDataset,
  type ClipEntry,
} from './labelled-clips.ts';

/**
 * UCF-101 (Soomro, Zamir, Shah 2012) as it lies after download: `root/<Class>/v_<Class>_gXX_cYY.avi`
 * and the split files of `UCF101TrainTestSplits-RecognitionTask.zip` (`classInd.txt`,
 * `trainlist0{1,2,3}.txt`, `testlist0{1,2,3}.txt`, CRLF line ends) in `splits` (default
 * `root/ucfTrainTestlist`). The group number (gXX: clips of one group share actor and setting)
 * is the subject, across classes, as the official splits use it (split 1 tests groups 1-7), so
 * group k-fold never puts one group on both sides.
 */
export const UCF101_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('folder of the class folders (UCF-101/<Class>/*.avi)'),
  splits: existingFolder(
    'folder of classInd.txt, trainlist0N.txt, testlist0N.txt (default root/ucfTrainTestlist)',
  ).optional(),
  ...DECODE_OPTIONS,
});
export type Ucf101Options = z.output<typeof UCF101_OPTIONS_SCHEMA>;

export function ucf101Dataset(options: Ucf101Options): ClipDataset {
  return clipDataset(
    'ucf101',
    () => listUcf101(options.root, options.splits ?? join(options.root, 'ucfTrainTestlist')),
    options,
  );
}

export function listUcf101(root: string, splitsDir: string) {
  const hint =
    'Download UCF101TrainTestSplits-RecognitionTask.zip from https://www.crcv.ucf.edu/data/UCF101.php and unpack it into the root (ucfTrainTestlist/), or set dataset.splits.';
  const classLines = textLines(
    readFileSync(requireFile(join(splitsDir, 'classInd.txt'), 'UCF-101 classInd.txt', hint), 'utf8'),
  );
  const classes = classLines.map((line, i) => {
    const [index, name] = line.split(/\s+/);
    if (Number(index) !== i + 1 || name === undefined)
      throw new UserError(
        `${join(splitsDir, 'classInd.txt')}:${i + 1}: expected '${i + 1} <ClassName>', got '${line}'`,
      );
    return name;
  });
  const splits: OfficialSplit[] = [];
  const entries = new Map<string, ClipEntry>();
  for (const n of [1, 2, 3]) {
    const read = (kind: 'train' | 'test') => {
      const file = join(splitsDir, `${kind}list0${n}.txt`);
      return textLines(readFileSync(requireFile(file, `UCF-101 ${kind}list0${n}.txt`, hint), 'utf8')).map((line, i) => {
        const relative = line.split(/\s+/)[0] as string;
        const folder = relative.split('/')[0] as string;
        if (!classes.includes(folder))
          throw new UserError(`${file}:${i + 1}: class folder '${folder}' is not in classInd.txt`);
        const id = basename(relative).replace(/\.[^.]+$/, '');
        const group = /_g(\d+)_c\d+$/.exec(id)?.[1];
        if (!entries.has(id))
          entries.set(id, {
            id,
            label: folder,
            path: joinUnder(root, relative),
            ...(group === undefined ? {} : { subject: `g${group}` }),
          });
        return id;
      });
    };
    splits.push({ name: `split${n}`, train: read('train'), test: read('test') });
  }
  const { clips, missing } = partitionByPresence([...entries.values()]);
  return { classes, clips, missing, splits };
}
