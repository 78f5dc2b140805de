import type { DatasetEntry } from '../dataset-entry.ts';
import { SPORTS1M_OPTIONS_SCHEMA, sports1mDataset } from './sports1m-dataset.ts';

/** Sports-1M in the data-set registry: options, adapter, and where the data comes from. */
export const SPORTS1M_ENTRY: DatasetEntry = {
  name: 'sports1m',
  describe: 'Sports-1M (487 sports): JSON annotations and the videos downloaded so far (datasets/sports1m/README.md)',
  options: SPORTS1M_OPTIONS_SCHEMA,
  create: (options) => sports1mDataset(SPORTS1M_OPTIONS_SCHEMA.parse(options)),
  title: 'Sports-1M',
  citation:
    'A. Karpathy, G. Toderici, S. Shetty, T. Leung, R. Sukthankar, L. Fei-Fei, "Large-scale Video Classification with Convolutional Neural Networks", CVPR 2014',
  homepage: 'https://cs.stanford.edu/people/karpathy/deepvideo/',
  licence: 'annotations as published by the authors; each video under its YouTube licence',
  acquisition: 'user-supplied',
  files: [],
  obtain: [
    'The videos are on YouTube, which motionfuse does not download (many are gone).',
    'Annotations: https://cs.stanford.edu/people/karpathy/deepvideo/sports1m_json.zip (sports1m_train.json, sports1m_test.json).',
    'Class names: labels.txt of https://github.com/gtoderici/sports-1m-dataset (487 lines).',
    'Videos: with your own downloader (e.g. yt-dlp), saved as <root>/<id>.<ext> with the id of the JSON entries.',
  ],
  layout: [
    '<root>/<id>.<ext> (any extension)',
    'sports1m_train.json, sports1m_test.json ({ id, label487: [...], duration }) and labels.txt anywhere, named in the options',
  ],
  experiment:
    'dataset:\n  name: sports1m\n  root: datasets/sports1m/data/videos\n  train: datasets/sports1m/data/sports1m_train.json\n  test: datasets/sports1m/data/sports1m_test.json\n  labels: datasets/sports1m/data/labels.txt',
};
