/**
 * Reads XDF files (ours, LabRecorder's, any XDF 1.0 writer's) into typed arrays. Tolerant the way
 * pyxdf is: a file cut short gives everything before the cut, a damaged chunk makes the reader
 * skip to the next Boundary chunk, and each such event is a warning in the result, never a throw.
 * Only a file that is not XDF at all (no `XDF:` magic) is an error.
 *
 * Time stamps are returned as stored (or reconstructed, for samples stored without one); clock
 * offsets are returned, not applied: synchronisation belongs to src/sync.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../../core/errors.ts';
import {
  decodeChunkStreamId,
  decodeChunkXml,
  decodeClockOffsetChunk,
  decodeSamplesChunk,
  findBoundaryEnd,
  isBoundaryChunk,
  numericValuesFromBytes,
} from './xdf-chunk-decoders.ts';
import {
  XDF_MAGIC,
  XDF_TAG_SAMPLES_V2,
  XdfFormatError,
  XdfTag,
  decodeChunkHeader,
  type XdfChannelFormat,
  type XdfChunkHeader,
  type XdfClockOffset,
  type XdfNumericValues,
} from './xdf-chunks.ts';
import { parseFooter, parseInfoXml, streamInfo, type XdfStreamFooter, type XdfStreamHeaderInfo } from './xdf-xml.ts';

export interface XdfStream {
  id: number;
  info: XdfStreamHeaderInfo;
  /** One per sample, seconds; a sample stored without one is the previous + 1 / nominalSrate. */
  timestamps: Float64Array;
  /** Row-major [samples x channels] in the channel format's array type; string[sample][channel] for strings. */
  values: XdfNumericValues | string[][];
  /** From the ClockOffset chunks, in file order. */
  clockOffsets: XdfClockOffset[];
  /** Undefined when the file has no StreamFooter for the stream (e.g. a recording cut by a crash). */
  footer: XdfStreamFooter | undefined;
}

export interface XdfFile {
  /** The FileHeader's `<info>` elements (`version`, and e.g. `datetime`). */
  header: Record<string, unknown>;
  /** In the order of their StreamHeaders. */
  streams: XdfStream[];
  /** What was damaged, missing or skipped, each naming a byte offset where there is one. */
  warnings: string[];
}

/** Reads and parses an XDF file (or parses bytes already in memory). */
export async function readXdf(pathOrBuffer: string | Uint8Array): Promise<XdfFile> {
  if (typeof pathOrBuffer !== 'string') return parseXdf(pathOrBuffer);
  let bytes: Buffer;
  try {
    bytes = await readFile(pathOrBuffer);
  } catch (err) {
    throw new UserError(
      `cannot read XDF file ${pathOrBuffer}: ${(err as Error).message}`,
      'Check the path and that the file is readable.',
      { cause: err },
    );
  }
  return parseXdf(bytes, pathOrBuffer);
}

/** Parses the bytes of an XDF file; `source` names it in the error for a non-XDF buffer. */
export function parseXdf(buffer: Uint8Array, source = 'the buffer'): XdfFile {
  if (buffer.length < XDF_MAGIC.length || !XDF_MAGIC.equals(buffer.subarray(0, XDF_MAGIC.length))) {
    throw new UserError(
      `${source} is not an XDF file: it does not start with 'XDF:'${buffer.length < XDF_MAGIC.length ? ` (it has only ${buffer.length} bytes)` : ''}`,
      'Pass a file written by an XDF recorder (LabRecorder, motionfuse); .xdfz (compressed) files must be decompressed first.',
    );
  }
  return new XdfParse(buffer).run();
}

// ---------------------------------------------------------------------------------------------

interface StreamState {
  id: number;
  info: XdfStreamHeaderInfo;
  lastTimestamp: number;
  stampBlocks: Float64Array[];
  valueBlocks: (Uint8Array | string[][])[];
  clockOffsets: XdfClockOffset[];
  footer: XdfStreamFooter | undefined;
}

/**
 * Skipped chunks of one kind, counted and reported once: those that named a stream id with no
 * StreamHeader (per id and tag), and those of a tag XDF 1.0 does not define (per tag).
 */
interface Orphans {
  count: number;
  firstAt: number;
}

const TAG_NAMES: Readonly<Record<number, string>> = {
  [XdfTag.StreamHeader]: 'StreamHeader',
  [XdfTag.Samples]: 'Samples',
  [XdfTag.ClockOffset]: 'ClockOffset',
  [XdfTag.StreamFooter]: 'StreamFooter',
};

class XdfParse {
  private readonly buf: Uint8Array;
  private readonly warnings: string[] = [];
  private readonly streams = new Map<number, StreamState>();
  /** Ids whose StreamHeader could not be used: their other chunks are skipped quietly. */
  private readonly rejected = new Set<number>();
  private readonly orphans = new Map<string, Orphans>();
  private header: Record<string, unknown> | undefined;
  private samplesV2 = 0;
  /** Chunks of tags XDF 1.0 does not define (beside 7): stepped over by their length, reported once per tag. */
  private readonly unknownTags = new Map<number, Orphans>();

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  run(): XdfFile {
    const { buf } = this;
    let pos = XDF_MAGIC.length;
    while (pos < buf.length) {
      let chunk: XdfChunkHeader;
      try {
        chunk = decodeChunkHeader(buf, pos);
      } catch (err) {
        if (!(err instanceof XdfFormatError)) throw err;
        if (err.kind === 'truncated') {
          this.warnings.push(
            `file ends at byte ${buf.length}, inside the header of the chunk that starts at byte ${pos}; read everything before byte ${pos}`,
          );
          break;
        }
        const resume = this.resync(pos, err.message);
        if (resume < 0) break;
        pos = resume;
        continue;
      }
      if (chunk.end > buf.length) {
        // Either the file was cut inside this chunk, or its length is damaged. A Boundary chunk
        // further on means the file goes on, so the length must be wrong.
        if (findBoundaryEnd(buf, chunk.contentStart) >= 0) {
          const resume = this.resync(
            pos,
            `chunk length ${chunk.end - chunk.contentStart + 2} runs past the end of the file (${buf.length} bytes)`,
          );
          if (resume < 0) break;
          pos = resume;
          continue;
        }
        this.warnings.push(
          `file ends at byte ${buf.length}, inside the chunk (tag ${chunk.tag}) that starts at byte ${pos} and needs ${chunk.end - buf.length} more bytes; read everything before byte ${pos}`,
        );
        break;
      }
      try {
        this.chunk(chunk);
        pos = chunk.end;
      } catch (err) {
        if (!(err instanceof XdfFormatError)) throw err;
        const resume = this.resync(pos, err.message);
        if (resume < 0) break;
        pos = resume;
      }
    }
    return this.result();
  }

  /** After damage at `at`: the offset after the next Boundary chunk, or -1 when there is none. */
  private resync(at: number, reason: string): number {
    const resume = findBoundaryEnd(this.buf, at + 1);
    if (resume < 0) {
      this.warnings.push(
        `byte ${at}: damaged chunk (${reason}); no Boundary chunk follows, so the last ${this.buf.length - at} bytes were not read`,
      );
    } else {
      this.warnings.push(
        `byte ${at}: damaged chunk (${reason}); resumed after the Boundary chunk that ends at byte ${resume}, losing ${resume - at} bytes`,
      );
    }
    return resume;
  }

  private chunk(chunk: XdfChunkHeader): void {
    const { buf } = this;
    switch (chunk.tag) {
      case XdfTag.FileHeader: {
        const info = parseInfoXml(decodeChunkXml(buf, chunk), chunk);
        if (this.header !== undefined) {
          this.warnings.push(`byte ${chunk.start}: a second FileHeader chunk; kept the first`);
        } else {
          this.header = info;
          const version = info['version'];
          if (typeof version === 'string' && !version.trim().startsWith('1.')) {
            this.warnings.push(`byte ${chunk.start}: FileHeader says XDF version ${version}; this reader knows 1.0`);
          }
        }
        return;
      }
      case XdfTag.StreamHeader:
        return this.streamHeader(chunk);
      case XdfTag.Samples: {
        const stream = this.known(chunk);
        if (stream === undefined) return;
        const block = decodeSamplesChunk(buf, chunk, stream.info, stream.lastTimestamp);
        stream.lastTimestamp = block.lastTimestamp;
        if (block.count > 0) {
          stream.stampBlocks.push(block.timestamps);
          stream.valueBlocks.push(block.values);
        }
        return;
      }
      case XdfTag.ClockOffset: {
        const offset = decodeClockOffsetChunk(buf, chunk);
        const stream = this.known(chunk);
        if (stream !== undefined) stream.clockOffsets.push({ time: offset.collectionTime, value: offset.offsetValue });
        return;
      }
      case XdfTag.Boundary:
        if (!isBoundaryChunk(buf, chunk))
          throw new XdfFormatError(
            'corrupt',
            chunk.start,
            `Boundary chunk at byte ${chunk.start} does not hold the boundary UUID`,
          );
        return;
      case XdfTag.StreamFooter: {
        const stream = this.known(chunk);
        if (stream === undefined) return;
        const footer = parseFooter(parseInfoXml(decodeChunkXml(buf, chunk), chunk));
        if (stream.footer !== undefined)
          this.warnings.push(`byte ${chunk.start}: a second StreamFooter for stream ${stream.id}; kept the last`);
        stream.footer = footer;
        return;
      }
      case XDF_TAG_SAMPLES_V2:
        this.samplesV2++;
        return;
      default: {
        // The specification keeps [NumLengthBytes][Length][Tag] on every chunk so that readers can
        // step over tags they do not know (later versions, other writers): skipped, not damage.
        const seen = this.unknownTags.get(chunk.tag);
        if (seen === undefined) this.unknownTags.set(chunk.tag, { count: 1, firstAt: chunk.start });
        else seen.count++;
        return;
      }
    }
  }

  private streamHeader(chunk: XdfChunkHeader): void {
    const id = decodeChunkStreamId(this.buf, chunk);
    const fields = parseInfoXml(decodeChunkXml(this.buf, chunk), chunk);
    if (this.streams.has(id) || this.rejected.has(id)) {
      this.warnings.push(`byte ${chunk.start}: a second StreamHeader for stream ${id}; kept the first`);
      return;
    }
    const info = streamInfo(fields);
    if (typeof info === 'string') {
      this.rejected.add(id);
      this.warnings.push(
        `byte ${chunk.start}: StreamHeader of stream ${id} is unusable (${info}); the stream was skipped`,
      );
      return;
    }
    this.streams.set(id, {
      id,
      info,
      lastTimestamp: 0,
      stampBlocks: [],
      valueBlocks: [],
      clockOffsets: [],
      footer: undefined,
    });
  }

  /** The stream a chunk belongs to, or undefined (counted as an orphan) when it has no header. */
  private known(chunk: XdfChunkHeader): StreamState | undefined {
    const id = decodeChunkStreamId(this.buf, chunk);
    const stream = this.streams.get(id);
    if (stream !== undefined) return stream;
    if (!this.rejected.has(id)) {
      const key = `${chunk.tag}:${id}`;
      const seen = this.orphans.get(key);
      if (seen === undefined) this.orphans.set(key, { count: 1, firstAt: chunk.start });
      else seen.count++;
    }
    return undefined;
  }

  private result(): XdfFile {
    if (this.header === undefined) this.warnings.push('the file has no FileHeader chunk');
    for (const [key, { count, firstAt }] of this.orphans) {
      const [tag, id] = key.split(':');
      const kind = TAG_NAMES[Number(tag)] ?? `tag ${tag}`;
      this.warnings.push(
        `${count} ${kind} chunk(s) for stream id ${id}, which has no StreamHeader before them, were skipped (first at byte ${firstAt})`,
      );
    }
    if (this.samplesV2 > 0) {
      this.warnings.push(
        `${this.samplesV2} chunk(s) of tag 7 (LabRecorder's experimental samples format, not XDF 1.0) were skipped`,
      );
    }
    for (const [tag, { count, firstAt }] of this.unknownTags) {
      this.warnings.push(
        `${count} chunk(s) of tag ${tag}, which XDF 1.0 does not define, were skipped (first at byte ${firstAt})`,
      );
    }
    const streams = [...this.streams.values()].map((s): XdfStream => ({
      id: s.id,
      info: s.info,
      timestamps: concatFloat64(s.stampBlocks),
      values: joinValues(s.info.channelFormat, s.valueBlocks),
      clockOffsets: s.clockOffsets,
      footer: s.footer,
    }));
    return { header: this.header ?? {}, streams, warnings: this.warnings };
  }
}

function concatFloat64(blocks: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function joinValues(
  format: XdfChannelFormat,
  blocks: readonly (Uint8Array | string[][])[],
): XdfNumericValues | string[][] {
  if (format === 'string') return (blocks as readonly string[][][]).flat();
  const bytes = blocks as readonly Uint8Array[];
  const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    all.set(b, at);
    at += b.length;
  }
  return numericValuesFromBytes(format, all);
}
