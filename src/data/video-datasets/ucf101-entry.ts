import type { DatasetEntry } from '../dataset-entry.ts';
import { UCF101_OPTIONS_SCHEMA, ucf101Dataset } from './ucf101-dataset.ts';

/** UCF-101 in the data-set registry: options, adapter, and where the data comes from. */
export const UCF101_ENTRY: DatasetEntry = {
  name: 'ucf101',
  describe: 'UCF-101 (101 actions, 13,320 clips): videos and the three official splits (datasets/ucf101/README.md)',
  options: UCF101_OPTIONS_SCHEMA,
  create: (options) => ucf101Dataset(UCF101_OPTIONS_SCHEMA.parse(options)),
  title: 'UCF-101 action recognition data set',
  citation:
    'K. Soomro, A. R. Zamir, M. Shah, "UCF101: A Dataset of 101 Human Actions Classes From Videos in The Wild", CRCV-TR-12-01, 2012',
  homepage: 'https://www.crcv.ucf.edu/data/UCF101.php',
  licence: 'for research use, as the publisher states on the homepage',
  acquisition: 'downloadable',
  files: [
    {
      name: 'UCF101.rar',
      url: 'https://www.crcv.ucf.edu/data/UCF101/UCF101.rar',
      archive: 'rar',
      describe: 'UCF-101/<Class>/v_<Class>_gXX_cYY.avi: the 13,320 clips',
      size: 'about 6.5 GB',
    },
    {
      name: 'UCF101TrainTestSplits-RecognitionTask.zip',
      url: 'https://www.crcv.ucf.edu/data/UCF101/UCF101TrainTestSplits-RecognitionTask.zip',
      archive: 'zip',
      describe: 'ucfTrainTestlist/: classInd.txt and the three train/test splits',
    },
  ],
  obtain: [
    '`npx motionfuse datasets fetch ucf101` downloads both files into datasets/ucf101/data/ and unpacks the split zip.',
    'The clips come as a .rar archive, which motionfuse does not unpack: run the `unpack` commands below in that folder.',
  ],
  unpack: ['unrar x UCF101.rar        # or: 7z x UCF101.rar   (gives UCF-101/<Class>/*.avi)'],
  layout: [
    '<root>/<Class>/v_<Class>_gXX_cYY.avi (root = the UCF-101 folder)',
    '<splits>/classInd.txt, trainlist0{1,2,3}.txt, testlist0{1,2,3}.txt (default <root>/ucfTrainTestlist)',
  ],
  experiment:
    'dataset:\n  name: ucf101\n  root: datasets/ucf101/data/UCF-101\n  splits: datasets/ucf101/data/ucfTrainTestlist',
};
