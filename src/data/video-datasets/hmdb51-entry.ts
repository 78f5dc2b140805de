import type { DatasetEntry } from '../dataset-entry.ts';
import { HMDB51_OPTIONS_SCHEMA, hmdb51Dataset } from './hmdb51-dataset.ts';

/** HMDB-51 in the data-set registry: options, adapter, and where the data comes from. */
export const HMDB51_ENTRY: DatasetEntry = {
  name: 'hmdb51',
  describe: 'HMDB-51 (51 actions, 6,766 clips): videos and the three official splits (datasets/hmdb51/README.md)',
  options: HMDB51_OPTIONS_SCHEMA,
  create: (options) => hmdb51Dataset(HMDB51_OPTIONS_SCHEMA.parse(options)),
  title: 'HMDB-51: a large human motion database',
  citation:
    'H. Kuehne, H. Jhuang, E. Garrote, T. Poggio, T. Serre, "HMDB: A Large Video Database for Human Motion Recognition", ICCV 2011',
  homepage: 'https://serre-lab.clps.brown.edu/resource/hmdb-a-large-human-motion-database/',
  licence: 'for research use, as the publisher states on the homepage',
  acquisition: 'downloadable',
  files: [
    {
      name: 'hmdb51_org.rar',
      url: 'http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/hmdb51_org.rar',
      archive: 'rar',
      describe: 'one <class>.rar per class holding its .avi clips (6,766 clips)',
      size: 'about 2 GB',
    },
    {
      name: 'test_train_splits.rar',
      url: 'http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/test_train_splits.rar',
      archive: 'rar',
      describe: 'testTrainMulti_7030_splits/<class>_test_split{1,2,3}.txt',
    },
  ],
  obtain: [
    '`npx motionfuse datasets fetch hmdb51` downloads both archives into datasets/hmdb51/data/.',
    'Both are .rar archives (the clips a rar of rars), which motionfuse does not unpack: run the `unpack` commands below in that folder.',
  ],
  unpack: [
    'mkdir -p videos && unrar x hmdb51_org.rar videos/        # or: 7z x hmdb51_org.rar -ovideos',
    'for f in videos/*.rar; do c=$(basename "$f" .rar); mkdir -p "videos/$c" && unrar e -o+ "$f" "videos/$c/" && rm "$f"; done        # or: 7z e "$f" -o"videos/$c"',
    'unrar x test_train_splits.rar        # or: 7z x test_train_splits.rar   (gives testTrainMulti_7030_splits/)',
  ],
  layout: [
    '<root>/<class>/<clip>.avi',
    '<splits>/<class>_test_split{1,2,3}.txt, lines `<clip>.avi <0|1|2>` (default <root>/testTrainMulti_7030_splits)',
  ],
  experiment:
    'dataset:\n  name: hmdb51\n  root: datasets/hmdb51/data/videos\n  splits: datasets/hmdb51/data/testTrainMulti_7030_splits',
};
