import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { DatasetAdapter, MissingFile, OfficialSplit, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import { videoStream } from '../../core/stream.ts';
import { decodeClip } from '../../video/decode-clip.ts';
import { locateFfmpeg } from '../../video/ffmpeg-binary.ts';

/**
 * What the video data sets (UCF-101, HMDB-51, Kinetics-400, Sports-1M, a folder of labelled
 * clips) have in common: a list of clips on disk, each with a class and, where the data set
 * has one, a group that must not be split (UCF-101's groups are one actor and setting), and the
 * data set's own train/test splits. Listing reads only the annotation files and checks which
 * clips exist; a clip is decoded when loaded.
 */
export interface ClipEntry {
  id: string;
  label: string;
  /** Absolute path of the video file. */
  path: string;
  /** A group of clips that must stay on one side of a split (same person, same source video). */
  subject?: string;
}

/** A clip the annotations name that is not on disk. */
export type MissingClip = MissingFile;

export interface ClipListing {
  classes: readonly string[];
  clips: ClipEntry[];
  missing: MissingClip[];
  splits: OfficialSplit[];
}

/** How clips are decoded when loaded: the options every video data set shares. */
export const DECODE_OPTIONS = {
  size: z
    .number()
    .int()
    .min(16)
    .max(1024)
    .default(112)
    .describe('frames are decoded to size x size (aspect kept: centre crop)'),
  frames: z
    .number()
    .int()
    .min(2)
    .max(10_000)
    .default(64)
    .describe('frames decoded per clip, evenly spaced over it (key frames are chosen among them)'),
};
export interface DecodeOptions {
  size: number;
  frames: number;
}

/** A video data set adapter over a listing. `missing()` lists the clips the annotations name but the disk lacks. */
export interface ClipDataset extends DatasetAdapter {
  missing(): Promise<MissingClip[]>;
}

export function clipDataset(name: string, listing: () => ClipListing, decode: DecodeOptions): ClipDataset {
  let cached: ClipListing | undefined;
  const get = () => (cached ??= listing());
  let ffmpeg: Promise<string> | undefined;
  return {
    name,
    get classes() {
      return get().classes;
    },
    async list(): Promise<SampleRef[]> {
      return get().clips.map((c) => ({
        id: c.id,
        label: c.label,
        ...(c.subject === undefined ? {} : { subject: c.subject }),
        meta: { path: c.path },
      }));
    },
    async load(ref: SampleRef, options?: { signal?: AbortSignal }): Promise<Sample> {
      ffmpeg ??= locateFfmpeg().then((f) => f.path);
      const path = String(ref.meta['path']);
      const clip = await decodeClip(await ffmpeg, path, {
        size: decode.size,
        fit: 'crop',
        frames: { count: decode.frames },
        ...(options?.signal === undefined ? {} : { signal: options.signal }),
      });
      const rate = clip.fps;
      const stream = videoStream({
        rate,
        t: clip.timestamps,
        decoded: clip.frames,
        meta: { path, sourceSize: [clip.sourceWidth, clip.sourceHeight] },
      });
      return {
        id: ref.id,
        label: ref.label,
        ...(ref.subject === undefined ? {} : { subject: ref.subject }),
        streams: [stream],
        events: [],
        meta: { path },
      };
    },
    async officialSplits(): Promise<OfficialSplit[]> {
      return get().splits;
    },
    async missing(): Promise<MissingClip[]> {
      return get().missing;
    },
  };
}

/** Entries whose file exists, and the others as missing. */
export function partitionByPresence(entries: readonly ClipEntry[]): { clips: ClipEntry[]; missing: MissingClip[] } {
  const clips: ClipEntry[] = [];
  const missing: MissingClip[] = [];
  for (const e of entries) {
    if (existsSync(e.path)) clips.push(e);
    else missing.push({ id: e.id, path: e.path });
  }
  return { clips, missing };
}

/** A data set's annotation file, read or a UserError naming it and what to do. */
export function requireFile(path: string, what: string, hint: string): string {
  if (!existsSync(path)) throw new UserError(`${what} not found: ${path}`, hint);
  return path;
}

/** Lines of a text file without CR, trailing blanks, or empty lines. */
export function textLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export function joinUnder(root: string, relative: string): string {
  return join(root, ...relative.split(/[\\/]/));
}
