import type { DatasetEntry } from '../dataset-entry.ts';
import { VIDEO_FOLDER_OPTIONS_SCHEMA, videoFolderDataset } from './video-folder-dataset.ts';

/** A folder of labelled clips in the data-set registry: options, adapter, and where the data comes from. */
export const VIDEO_FOLDER_ENTRY: DatasetEntry = {
  name: 'video-folder',
  describe: "a folder of one's own labelled clips: <root>/<class>/<clip>.mp4",
  options: VIDEO_FOLDER_OPTIONS_SCHEMA,
  create: (options) => videoFolderDataset(VIDEO_FOLDER_OPTIONS_SCHEMA.parse(options)),
  title: 'a folder of your own labelled clips',
  citation: 'your own clips',
  licence: "yours (or the clips' own)",
  acquisition: 'user-supplied',
  files: [],
  obtain: ['Put each clip in a folder named after its class.'],
  layout: [
    '<root>/<class>/<clip>.<mp4|avi|mkv|mov|webm|m4v|mpg|mpeg>',
    'classes: the folder names, sorted; `subject` (a regular expression with one group on the file name) names the person in each clip',
  ],
  experiment: 'dataset:\n  name: video-folder\n  root: path/to/clips\n  subject: ^(p\\d+)_',
};
