import type { z } from 'zod';
import type { DatasetAdapter } from '../core/dataset.ts';
import { UserError } from '../core/errors.ts';
import { RECORDINGS_OPTIONS_SCHEMA, recordingsDataset, type RecordingsOptions } from './recording/recordings-dataset.ts';
import { SYNTHETIC_OPTIONS_SCHEMA, syntheticDataset } from './synthetic/synthetic-dataset.ts';

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
