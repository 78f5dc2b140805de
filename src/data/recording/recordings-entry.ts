import type { DatasetEntry } from '../dataset-entry.ts';
import { RECORDINGS_OPTIONS_SCHEMA, recordingsDataset, type RecordingsOptions } from './recordings-dataset.ts';

/** A folder of recordings in the data-set registry: options, adapter, and where the data comes from. */
export const RECORDINGS_ENTRY: DatasetEntry = {
  name: 'recordings',
  describe:
    'a folder of recordings in the motionfuse layout (what `motionfuse simulate --out` writes and lab sessions record)',
  options: RECORDINGS_OPTIONS_SCHEMA,
  create: (options) => recordingsDataset(RECORDINGS_OPTIONS_SCHEMA.parse(options) as RecordingsOptions),
  title: 'motionfuse recordings (your own sessions)',
  citation: 'your own recordings',
  licence: 'yours',
  acquisition: 'user-supplied',
  files: [],
  obtain: [
    'Record sessions in the motionfuse recording layout (what the lab tools and `motionfuse simulate --out DIR` write).',
  ],
  layout: [
    '<root>/<session or take>/session.xdf: IMU streams on their own clocks, pose, video frame times, markers',
    '<root>/<session or take>/video.mkv: the video (lossless)',
    '<root>/<session or take>/take.json: label, subject, ground truth, metadata',
  ],
  experiment: 'dataset:\n  name: recordings\n  root: path/to/recordings',
};
