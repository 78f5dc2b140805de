import type { Sample } from './sample.ts';
import type { StreamKind } from './stream.ts';

/** What `list()` returns: cheap to compute (no decoding), enough to split and to stratify. */
export interface SampleRef {
  id: string;
  label: string;
  subject?: string;
  /** Adapter-specific (file paths, take numbers); passed back to `load`. */
  meta: Record<string, unknown>;
}

/** An official train/test split of a data set (e.g. UCF-101's split 1). Lists of sample ids. */
export interface OfficialSplit {
  name: string;
  train: string[];
  test: string[];
}

/** A sample the data set's annotations name whose file is not on disk (left out of `list()`). */
export interface MissingFile {
  id: string;
  /** Where the file was looked for. */
  path: string;
}

/** A sample lacking some of the modalities asked for (left out of `list()`). */
export interface IncompleteSample {
  id: string;
  /** The modalities without a file. */
  missing: readonly string[];
}

/** Loads samples concurrently: every `load` may be pending at once; `close` frees what it holds. */
export interface SampleLoader {
  load(ref: SampleRef): Promise<Sample>;
  close(): Promise<void>;
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
  /**
   * A loader for many samples at once (the synthetic set generates them on worker threads), where
   * the data set has one; without it, samples are loaded one at a time with `load`. `streams`
   * names the kinds the caller reads: a generator may skip the others (the synthetic set renders
   * no video for an IMU-only run); a reader of files may ignore it. Without it, every stream.
   */
  openLoader?(streams?: ReadonlySet<StreamKind>): SampleLoader;
  /**
   * Samples the annotations name but the disk lacks, where the data set has annotations apart from
   * its files (the video data sets). `motionfuse datasets verify` reports them as missing.
   */
  missing?(): Promise<MissingFile[]>;
  /**
   * Samples left out of `list()` because a modality asked for has no file (UTD-MHAD's recordings).
   * `motionfuse datasets verify` reports them as missing.
   */
  incomplete?(): Promise<IncompleteSample[]>;
}
