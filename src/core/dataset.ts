import type { Sample } from './sample.ts';

/** What `list()` returns: cheap to compute (no decoding), enough to split and to stratify. */
export interface SampleRef {
  id: string;
  label: string;
  subject?: string;
  /** Adapter-specific (file paths, trial numbers); passed back to `load`. */
  meta: Record<string, unknown>;
}

/** An official train/test split of a data set (e.g. UCF-101's split 1). Lists of sample ids. */
export interface OfficialSplit {
  name: string;
  train: string[];
  test: string[];
}

/**
 * A data set adapter: turns files on disk (or a generator) into `Sample`s. Units are converted
 * here, once, at the edge: IMU in m/s^2 and rad/s, time in seconds.
 */
export interface DatasetAdapter {
  readonly name: string;
  /** Class names in a fixed order; a label's index in this list is its class id. */
  readonly classes: readonly string[];
  list(): Promise<SampleRef[]>;
  load(ref: SampleRef, options?: { signal?: AbortSignal }): Promise<Sample>;
  /** The data set's own splits, where it publishes any. */
  officialSplits?(): Promise<OfficialSplit[]>;
}
