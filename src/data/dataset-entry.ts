import type { z } from 'zod';
import type { DatasetAdapter } from '../core/dataset.ts';
import type { DownloadChecksum } from './fetch/download-file.ts';

/** How the data is had: made by motionfuse, downloaded from the publisher, or brought by the user. */
export type Acquisition = 'generated' | 'downloadable' | 'user-supplied';

/**
 * A file of a data set as its publisher offers it. Download addresses are the publishers' own, as
 * their pages and the descriptors give them. A checksum is listed only where the publisher states
 * one; none of ours does, so a download is checked by its size and, for zip archives, by the
 * archive's own CRCs on extraction.
 */
export interface DatasetFile {
  /** File name, as saved in the download folder (the last part of the address). */
  name: string;
  /** The publisher's address. */
  url: string;
  /** zip: `datasets fetch` unpacks it; rar: the user unpacks it (see `unpack`); none: used as is. */
  archive: 'zip' | 'rar' | 'none';
  /** What the file holds. */
  describe: string;
  /** About how big, as the publisher or the descriptor says (information only). */
  size?: string;
  /** The publisher's checksum of the file, lower-case hex. */
  checksum?: DownloadChecksum;
  /** Not needed by the adapter: fetched only when asked for by name (`--only`). */
  optional?: boolean;
}

/**
 * One data set an experiment file can name (`dataset: { name: <name>, ...options }`): the schema
 * of its options and its adapter's builder, and what a person (and `motionfuse datasets`) needs
 * besides: where it comes from, how to cite it, its licence, what to download and from where, the
 * layout on disk its adapter reads, and the `dataset:` block of an experiment file. Each entry is
 * declared next to its adapter (`<folder>/<name>-entry.ts`); `dataset-registry.ts` collects them.
 * The human-readable descriptors are `datasets/<name>/README.md`.
 */
export interface DatasetEntry {
  /** The name experiment files use (`dataset: { name: ... }`). */
  name: string;
  /** One line: what it is. */
  describe: string;
  /** The options besides `name`: a strict zod object (experiment files are checked against it, editors get it as JSON Schema). */
  options: z.ZodType;
  /**
   * The adapter for options as written (checked by the builder or by `options`); a promise where
   * the adapter loads a library first (Kinetics-400's CSV reader).
   */
  create(options: unknown): DatasetAdapter | Promise<DatasetAdapter>;
  title: string;
  /** How to cite it (the publication that introduced it). */
  citation: string;
  homepage?: string;
  licence: string;
  acquisition: Acquisition;
  /** What `datasets fetch` downloads; empty unless acquisition is 'downloadable'. */
  files: readonly DatasetFile[];
  /** How the user gets the data, step by step (for downloadable sets: what fetch does, and the rest). */
  obtain: readonly string[];
  /** How to unpack what fetch cannot (rar archives), as shell commands run in the download folder. */
  unpack?: readonly string[];
  /** The layout on disk the adapter reads, one line each. */
  layout: readonly string[];
  /** The `dataset:` block of an experiment file, YAML, for data in the default download folder. */
  experiment: string;
}
