import { writeFileAtomic } from '../../core/atomic-file.ts';
import {
  XDF_BOUNDARY_EVERY_SECONDS,
  encodeBoundaryChunk,
  encodeClockOffsetChunk,
  encodeFileHeaderChunk,
  encodeSamplesChunk,
  encodeStreamFooterChunk,
  encodeStreamHeaderChunk,
} from './xdf-chunk-encoders.ts';
import { XDF_MAGIC, type XdfClockOffset } from './xdf-chunks.ts';
import {
  checkFinite,
  checkStreamInfo,
  checkTimestamps,
  toLayoutValues,
  type XdfSampleValues,
  type XdfStreamInfo,
} from './xdf-stream-input.ts';
import { StreamTally } from './xdf-stream-tally.ts';
import { fileHeaderXml, streamHeaderXml } from './xdf-xml.ts';

/**
 * Complete XDF files in one go, from whole streams (the synthetic data generator, recordings
 * written after the fact). Nothing here reads the wall clock into a file: identical input gives
 * identical bytes.
 */

/** A complete stream, for `writeXdfFile`. */
export interface XdfStreamData {
  info: XdfStreamInfo;
  /** One per sample (seconds), or null to store none: readers then count 1 / nominalSrate from 0. */
  timestamps: Float64Array | null;
  values: XdfSampleValues;
  clockOffsets?: readonly XdfClockOffset[];
}

/** Samples per Samples chunk in one-shot files: small enough that damage loses little. */
const SAMPLES_PER_CHUNK = 1024;

/**
 * The bytes of a complete XDF file: magic, FileHeader, the StreamHeaders (stream ids 1..n in the
 * given order), Samples chunks of at most 1024 samples and ClockOffset chunks interleaved by time,
 * a Boundary chunk whenever 10 s of stream time have passed since the last, then the StreamFooters.
 * A pure function of its arguments.
 */
export function encodeXdf(streams: readonly XdfStreamData[], fileHeader?: Record<string, string>): Buffer {
  const fn = 'encodeXdf()';
  const parts: Buffer[] = [XDF_MAGIC, encodeFileHeaderChunk(fileHeaderXml(fileHeader, fn))];
  // One queue per stream and chunk kind, each in its own order; merged by time below.
  const queues: ChunkQueue[] = [];
  const tallies: StreamTally[] = [];
  streams.forEach((stream, index) => {
    const where = `${fn}: streams[${index}]`;
    const id = index + 1;
    const info = checkStreamInfo(stream.info, where);
    const tally = new StreamTally(info);
    tallies.push(tally);
    parts.push(encodeStreamHeaderChunk(id, streamHeaderXml(info, where)));
    const data = toLayoutValues(stream.values, tally.layout, `${where}.values`);
    const { timestamps } = stream;
    checkTimestamps(timestamps, data.count, info.nominalSrate, where);
    const samples: ChunkQueue = { items: [], head: 0 };
    for (let first = 0; first < data.count; first += SAMPLES_PER_CHUNK) {
      const count = Math.min(SAMPLES_PER_CHUNK, data.count - first);
      const time = tally.addSamples(timestamps === null ? null : timestamps.subarray(first, first + count), count);
      samples.items.push({
        time,
        chunk: () => encodeSamplesChunk(id, tally.layout, timestamps, data.values, first, count),
      });
    }
    const offsets: ChunkQueue = { items: [], head: 0 };
    (stream.clockOffsets ?? []).forEach((offset, k) => {
      checkFinite(offset.time, `${where}.clockOffsets[${k}].time`);
      checkFinite(offset.value, `${where}.clockOffsets[${k}].value`);
      tally.offsets.push({ time: offset.time, value: offset.value });
      offsets.items.push({ time: offset.time, chunk: () => encodeClockOffsetChunk(id, offset.time, offset.value) });
    });
    queues.push(samples, offsets);
  });
  // Merge: always the queue whose next chunk is earliest (ties: earlier stream, samples first).
  // A stream whose time stamps go backwards keeps its chunks in order all the same.
  let lastBoundary: number | undefined;
  for (;;) {
    let pick: ChunkQueue | undefined;
    for (const queue of queues) {
      const next = queue.items[queue.head];
      const best = pick?.items[pick.head];
      if (next !== undefined && (best === undefined || next.time < best.time)) pick = queue;
    }
    const event = pick?.items[pick.head];
    if (pick === undefined || event === undefined) break;
    pick.head++;
    lastBoundary ??= event.time;
    if (event.time - lastBoundary >= XDF_BOUNDARY_EVERY_SECONDS) {
      parts.push(encodeBoundaryChunk());
      lastBoundary = event.time;
    }
    parts.push(event.chunk());
  }
  tallies.forEach((tally, index) => parts.push(encodeStreamFooterChunk(index + 1, tally.footerXml())));
  return Buffer.concat(parts);
}

/** Writes `encodeXdf(streams, fileHeader)` atomically: a reader sees no file or the whole file. */
export async function writeXdfFile(
  path: string,
  streams: readonly XdfStreamData[],
  fileHeader?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeXdf(streams, fileHeader));
}

interface ChunkQueue {
  items: { time: number; chunk: () => Buffer }[];
  head: number;
}
