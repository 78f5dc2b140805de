import type { DatasetEntry } from '../dataset-entry.ts';
import { KINETICS400_OPTIONS_SCHEMA, kinetics400Dataset } from './kinetics400-dataset.ts';

/** Kinetics-400 in the data-set registry: options, adapter, and where the data comes from. */
export const KINETICS400_ENTRY: DatasetEntry = {
  name: 'kinetics400',
  describe:
    'Kinetics-400 (400 actions): annotation CSVs and the clips downloaded so far (datasets/kinetics400/README.md)',
  options: KINETICS400_OPTIONS_SCHEMA,
  create: (options) => kinetics400Dataset(KINETICS400_OPTIONS_SCHEMA.parse(options)),
  title: 'Kinetics-400',
  citation: 'W. Kay et al., "The Kinetics Human Action Video Dataset", arXiv:1705.06950, 2017',
  homepage: 'https://github.com/cvdfoundation/kinetics-dataset',
  licence: 'annotations CC BY 4.0; each video under its YouTube licence',
  acquisition: 'user-supplied',
  files: [],
  obtain: [
    'The clips are cut from YouTube videos, which motionfuse does not download (many are gone).',
    "Annotations: https://s3.amazonaws.com/kinetics/400/annotations/train.csv, val.csv and test.csv (label,youtube_id,time_start,time_end,split), as the CVD Foundation's repository (homepage) lists them.",
    "Clips: with your own downloader (e.g. yt-dlp + ffmpeg), each cut to [time_start, time_end] and saved as <label>/<youtube_id>_<start:06d>_<end:06d>.mp4; or the CVD Foundation's archives of the clips (its repository's download script), sorted into label folders.",
    '`npx motionfuse datasets verify kinetics400 --root DIR --set annotations=[val.csv]` then reports how many clips are missing.',
  ],
  layout: [
    '<root>/<label>/<youtube_id>_<start:06d>_<end:06d>.<ext> (a label folder may use _ for spaces)',
    'annotation CSVs anywhere, named in dataset.annotations',
  ],
  experiment:
    'dataset:\n  name: kinetics400\n  root: datasets/kinetics400/data/clips\n  annotations: [datasets/kinetics400/data/train.csv, datasets/kinetics400/data/val.csv]',
};
