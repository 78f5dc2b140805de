import type { DatasetAdapter } from '../core/dataset.ts';
import { UserError } from '../core/errors.ts';
import type { DatasetEntry } from './dataset-entry.ts';
import { RECORDINGS_ENTRY } from './recording/recordings-entry.ts';
import { SESSIONS_ENTRY } from './session/sessions-entry.ts';
import { SISFALL_ENTRY } from './sisfall/sisfall-entry.ts';
import { SYNTHETIC_ENTRY } from './synthetic/synthetic-entry.ts';
import { UTD_MHAD_ENTRY } from './utd-mhad/utd-mhad-entry.ts';
import { HMDB51_ENTRY } from './video-datasets/hmdb51-entry.ts';
import { KINETICS400_ENTRY } from './video-datasets/kinetics400-entry.ts';
import { SPORTS1M_ENTRY } from './video-datasets/sports1m-entry.ts';
import { UCF101_ENTRY } from './video-datasets/ucf101-entry.ts';
import { VIDEO_FOLDER_ENTRY } from './video-datasets/video-folder-entry.ts';

export type { DatasetEntry } from './dataset-entry.ts';

/**
 * The data sets an experiment file can name: `dataset: { name: <name>, ...options }`. Each entry
 * (options schema, adapter builder, where the data comes from) is declared next to its adapter;
 * this is the one list that collects them, in the order `motionfuse datasets list` shows them.
 * The experiment schema is assembled from it, so a new data set needs no edit elsewhere.
 */
const ENTRIES = new Map<string, DatasetEntry>();

/** Adds a data set; a name already taken is a bug (two entries would shadow each other). */
export function registerDataset(entry: DatasetEntry): void {
  if (ENTRIES.has(entry.name))
    throw new Error(`registerDataset(): a data set named '${entry.name}' is registered already`);
  ENTRIES.set(entry.name, entry);
}

for (const entry of [
  SYNTHETIC_ENTRY,
  RECORDINGS_ENTRY,
  SESSIONS_ENTRY,
  UTD_MHAD_ENTRY,
  SISFALL_ENTRY,
  UCF101_ENTRY,
  HMDB51_ENTRY,
  KINETICS400_ENTRY,
  SPORTS1M_ENTRY,
  VIDEO_FOLDER_ENTRY,
]) {
  registerDataset(entry);
}

/** Every registered data set, in order (the experiment schema is assembled from these). */
export function datasetEntries(): readonly DatasetEntry[] {
  return [...ENTRIES.values()];
}

export function datasetNames(): string[] {
  return [...ENTRIES.keys()];
}

export function datasetEntry(name: string): DatasetEntry | undefined {
  return ENTRIES.get(name);
}

/** The entry of a data set, or a UserError listing the registered names. */
export function requireDatasetEntry(name: string): DatasetEntry {
  const entry = ENTRIES.get(name);
  if (entry === undefined)
    throw new UserError(`unknown data set '${name}'`, `known data sets: ${datasetNames().join(', ')}`);
  return entry;
}

/**
 * The adapter a `dataset:` block asks for (a promise: some adapters load a library first). An
 * unknown name or a bad option rejects with a UserError that names it (the experiment loader adds
 * the file and line).
 */
export async function createDataset(spec: unknown): Promise<DatasetAdapter> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new UserError(`dataset must be an object such as { name: synthetic }, got ${JSON.stringify(spec)}`);
  }
  const { name, ...options } = spec as Record<string, unknown>;
  if (typeof name !== 'string')
    throw new UserError('dataset.name is missing', `known data sets: ${datasetNames().join(', ')}`);
  return requireDatasetEntry(name).create(options);
}
