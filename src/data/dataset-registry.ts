import type { z } from 'zod';
import type { DatasetAdapter } from '../core/dataset.ts';
import { UserError } from '../core/errors.ts';
import { RECORDINGS_OPTIONS_SCHEMA, recordingsDataset, type RecordingsOptions } from './recording/recordings-dataset.ts';
import { SYNTHETIC_OPTIONS_SCHEMA, syntheticDataset } from './synthetic/synthetic-dataset.ts';
import { UTD_MHAD_OPTIONS_SCHEMA, utdMhadDataset, type UtdMhadRequest } from './utd-mhad/utd-mhad-dataset.ts';
import { HMDB51_OPTIONS_SCHEMA, hmdb51Dataset } from './video-datasets/hmdb51-dataset.ts';
import { KINETICS400_OPTIONS_SCHEMA, kinetics400Dataset } from './video-datasets/kinetics400-dataset.ts';
import { SPORTS1M_OPTIONS_SCHEMA, sports1mDataset } from './video-datasets/sports1m-dataset.ts';
import { UCF101_OPTIONS_SCHEMA, ucf101Dataset } from './video-datasets/ucf101-dataset.ts';
import { VIDEO_FOLDER_OPTIONS_SCHEMA, videoFolderDataset } from './video-datasets/video-folder-dataset.ts';

/**
 * The data sets an experiment file can name: `dataset: { name: <name>, ...options }`. Each entry
 * has the schema of its options (experiment files are checked against it, and editors get it as
 * JSON Schema) and a builder; the adapter's own file defines both, this list only names them.
 */
export interface DatasetEntry {
  name: string;
  describe: string;
  /** The options besides `name`: a strict zod object, every key optional. */
  options: z.ZodType;
  create(options: unknown): DatasetAdapter;
}

const ENTRIES: readonly DatasetEntry[] = [
  {
    name: 'synthetic',
    describe: 'synthetic athletes: video, pose, IMUs and ground truth generated from a body model (the embedded default)',
    options: SYNTHETIC_OPTIONS_SCHEMA,
    create: (options) => syntheticDataset(options as Parameters<typeof syntheticDataset>[0]),
  },
  {
    name: 'recordings',
    describe: 'a folder of recordings in the motionfuse layout (what `motionfuse simulate --out` writes and lab sessions record)',
    options: RECORDINGS_OPTIONS_SCHEMA,
    create: (options) => recordingsDataset(RECORDINGS_OPTIONS_SCHEMA.parse(options) as RecordingsOptions),
  },
  {
    name: 'utd-mhad',
    describe: 'UTD-MHAD (27 actions, 8 subjects): wrist/thigh IMU, Kinect skeleton and depth video from the released .mat files',
    options: UTD_MHAD_OPTIONS_SCHEMA,
    create: (options) => utdMhadDataset(options as UtdMhadRequest),
  },
  {
    name: 'ucf101',
    describe: 'UCF-101 (101 actions, 13,320 clips): videos and the three official splits (datasets/ucf101/README.md)',
    options: UCF101_OPTIONS_SCHEMA,
    create: (options) => ucf101Dataset(UCF101_OPTIONS_SCHEMA.parse(options)),
  },
  {
    name: 'hmdb51',
    describe: 'HMDB-51 (51 actions, 6,766 clips): videos and the three official splits (datasets/hmdb51/README.md)',
    options: HMDB51_OPTIONS_SCHEMA,
    create: (options) => hmdb51Dataset(HMDB51_OPTIONS_SCHEMA.parse(options)),
  },
  {
    name: 'kinetics400',
    describe: 'Kinetics-400 (400 actions): annotation CSVs and the clips downloaded so far (datasets/kinetics400/README.md)',
    options: KINETICS400_OPTIONS_SCHEMA,
    create: (options) => kinetics400Dataset(KINETICS400_OPTIONS_SCHEMA.parse(options)),
  },
  {
    name: 'sports1m',
    describe: 'Sports-1M (487 sports): JSON annotations and the videos downloaded so far (datasets/sports1m/README.md)',
    options: SPORTS1M_OPTIONS_SCHEMA,
    create: (options) => sports1mDataset(SPORTS1M_OPTIONS_SCHEMA.parse(options)),
  },
  {
    name: 'video-folder',
    describe: "a folder of one's own labelled clips: <root>/<class>/<clip>.mp4",
    options: VIDEO_FOLDER_OPTIONS_SCHEMA,
    create: (options) => videoFolderDataset(VIDEO_FOLDER_OPTIONS_SCHEMA.parse(options)),
  },
];

/** Every registered data set, in order (the experiment schema is assembled from these). */
export function datasetEntries(): readonly DatasetEntry[] {
  return ENTRIES;
}

export function datasetNames(): string[] {
  return ENTRIES.map((e) => e.name);
}

export function datasetEntry(name: string): DatasetEntry | undefined {
  return ENTRIES.find((e) => e.name === name);
}

/**
 * The adapter a `dataset:` block asks for. An unknown name or a bad option is a UserError that
 * names it (the experiment loader adds the file and line).
 */
export function createDataset(spec: unknown): DatasetAdapter {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new UserError(`dataset must be an object such as { name: synthetic }, got ${JSON.stringify(spec)}`);
  }
  const { name, ...options } = spec as Record<string, unknown>;
  if (typeof name !== 'string') throw new UserError('dataset.name is missing', `known data sets: ${datasetNames().join(', ')}`);
  const entry = datasetEntry(name);
  if (entry === undefined) throw new UserError(`unknown data set '${name}'`, `known data sets: ${datasetNames().join(', ')}`);
  return entry.create(options);
}
