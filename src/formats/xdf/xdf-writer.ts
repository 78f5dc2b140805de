/**
 * Writes XDF files: `XdfWriter` appends to an open file while a session is recorded, and
 * `writeXdfFile` / `encodeXdf` write complete streams in one go (the synthetic data generator).
 * Byte layout in xdf-chunks.ts; XML built with fast-xml-parser's builder, which escapes text.
 *
 * Nothing here reads the wall clock into a file: a file header `datetime` or a stream's
 * `createdAt` is written only when the caller passes one, so identical input gives identical bytes.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { XMLBuilder } from 'fast-xml-parser';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import { UserError } from '../../core/errors.ts';
import {
  XDF_CHANNEL_FORMATS,
  XDF_MAGIC,
  encodeBoundaryChunk,
  encodeClockOffsetChunk,
  encodeFileHeaderChunk,
  encodeSamplesChunk,
  encodeStreamFooterChunk,
  encodeStreamHeaderChunk,
  isXdfChannelFormat,
  type XdfChannelFormat,
  type XdfClockOffset,
  type XdfNumericFormat,
  type XdfNumericValues,
  type XdfSampleLayout,
} from './xdf-chunks.ts';

/** Stream metadata below `<desc>`: elements nest as objects; an array repeats its element. */
export type XdfDescValue = string | number | boolean | XdfDesc | readonly XdfDescValue[];
export interface XdfDesc {
  readonly [element: string]: XdfDescValue;
}

/** What a StreamHeader says about a stream (LSL's stream info). */
export interface XdfStreamInfo {
  name: string;
  /** Content type, e.g. 'IMU', 'Markers', 'VideoFrames'. */
  type: string;
  channelCount: number;
  /** Samples per second; 0 for an irregular stream (markers). */
  nominalSrate: number;
  channelFormat: XdfChannelFormat;
  /** A device's unique id, so a reader can tell a restarted device from a new one; default ''. */
  sourceId?: string;
  /** `created_at` (LSL clock seconds); written only when given. */
  createdAt?: number;
  /** E.g. `{ channels: { channel: [{ label: 'ax', unit: 'm/s^2', type: 'Acc' }] } }`. */
  desc?: XdfDesc;
}

/**
 * Row-major [samples x channels] values. Numeric formats take their own typed array as is
 * (Float32Array for float32, BigInt64Array for int64, ...) or numbers, which are converted
 * (integer formats check that each is an integer in range). String streams take a flat
 * string[] or one string[] per sample.
 */
export type XdfSampleValues =
  | XdfNumericValues
  | ArrayLike<number>
  | readonly bigint[]
  | readonly string[]
  | readonly (readonly string[])[];

/** A complete stream, for `writeXdfFile`. */
export interface XdfStreamData {
  info: XdfStreamInfo;
  /** One per sample (seconds), or null to store none: readers then count 1 / nominalSrate from 0. */
  timestamps: Float64Array | null;
  values: XdfSampleValues;
  clockOffsets?: readonly XdfClockOffset[];
}

export interface XdfWriterOptions {
  /** Fields of the FileHeader beside `version` (e.g. `datetime`, which is never filled in for you). */
  fileHeader?: Record<string, string>;
  /** fsync at most this often, in seconds (default 1; 0 after every chunk). */
  flushEverySeconds?: number;
  /** Write a Boundary chunk when this many seconds have passed since the last (default 10). */
  boundaryEverySeconds?: number;
  /** Replace an existing file (default false: an existing file is an error). */
  overwrite?: boolean;
  /** Monotonic clock in seconds deciding flushes and boundaries; tests inject one. */
  clock?: () => number;
}

/** Samples per Samples chunk in one-shot files: small enough that damage loses little. */
const SAMPLES_PER_CHUNK = 1024;
const BOUNDARY_EVERY_SECONDS = 10;

/**
 * Records an XDF file chunk by chunk. Each chunk goes to the file whole in one synchronous write,
 * so a file cut by a crash holds every chunk written before the crash and at most one partial
 * chunk, which readers drop. fsync runs in the background at most every `flushEverySeconds`.
 *
 *   const xdf = await XdfWriter.open('session.xdf', { fileHeader: { datetime } });
 *   const imu = xdf.addStream({ name: 'wrist', type: 'IMU', channelCount: 6, nominalSrate: 100, channelFormat: 'float32' });
 *   xdf.writeSamples(imu, stamps, values);   // as data arrives
 *   await xdf.close();                       // footers, fsync
 */
export class XdfWriter {
  readonly path: string;
  private readonly handle: FileHandle;
  private readonly clock: () => number;
  private readonly flushEvery: number;
  private readonly boundaryEvery: number;
  private readonly streams = new Map<number, StreamTally>();
  private nextId = 1;
  private lastBoundaryAt: number;
  private lastSyncAt: number;
  private syncing: Promise<void> | null = null;
  private syncError: unknown = null;
  /** A failed write may have left part of a chunk in the file: nothing more may be appended. */
  private writeError: unknown = null;
  private closed = false;

  private constructor(path: string, handle: FileHandle, options: XdfWriterOptions, clock: () => number) {
    this.path = path;
    this.handle = handle;
    this.clock = clock;
    this.flushEvery = options.flushEverySeconds ?? 1;
    this.boundaryEvery = options.boundaryEverySeconds ?? BOUNDARY_EVERY_SECONDS;
    this.lastBoundaryAt = clock();
    this.lastSyncAt = this.lastBoundaryAt;
  }

  /** Creates the file (and its folder) and writes the magic code and FileHeader. */
  static async open(path: string, options: XdfWriterOptions = {}): Promise<XdfWriter> {
    const fn = 'XdfWriter.open()';
    checkSeconds(options.flushEverySeconds, `${fn}: flushEverySeconds`, true);
    checkSeconds(options.boundaryEverySeconds, `${fn}: boundaryEverySeconds`, false);
    const header = fileHeaderXml(options.fileHeader, fn);
    await mkdir(dirname(path), { recursive: true });
    let handle: FileHandle;
    try {
      handle = await open(path, options.overwrite === true ? 'w' : 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UserError(`${path} already exists; not overwriting a recording`, 'Choose another file name, or delete or move the old file.', { cause: err });
      }
      throw new UserError(`cannot create XDF file ${path}: ${(err as Error).message}`, 'Check that the folder is writable and the disk is not full.', { cause: err });
    }
    const writer = new XdfWriter(path, handle, options, options.clock ?? (() => performance.now() / 1000));
    try {
      writer.writeWhole(Buffer.concat([XDF_MAGIC, encodeFileHeaderChunk(header)]));
    } catch (err) {
      await handle.close();
      throw err;
    }
    return writer;
  }

  /** Writes the stream's StreamHeader; returns its stream id (1, 2, ... in order of adding). */
  addStream(info: XdfStreamInfo): number {
    this.checkOpen('addStream');
    const checked = checkStreamInfo(info, 'XdfWriter.addStream()');
    const id = this.nextId++;
    this.writeChunk(encodeStreamHeaderChunk(id, streamHeaderXml(checked, 'XdfWriter.addStream()')), false);
    this.streams.set(id, new StreamTally(checked));
    return id;
  }

  /**
   * Writes one Samples chunk. `values` is row-major [n x channelCount]; `timestamps` has n
   * entries, or is null to store none (only for a regular stream: readers count 1 / nominalSrate
   * on from the stream's previous sample). Nothing is written for n = 0.
   */
  writeSamples(streamId: number, timestamps: Float64Array | null, values: XdfSampleValues): void {
    const fn = 'XdfWriter.writeSamples()';
    this.checkOpen('writeSamples');
    const tally = this.stream(streamId, fn);
    const data = toLayoutValues(values, tally.layout, `${fn}: values`);
    checkTimestamps(timestamps, data.count, tally.info.nominalSrate, fn);
    if (data.count === 0) return;
    this.writeChunk(encodeSamplesChunk(streamId, tally.layout, timestamps, data.values, 0, data.count), true);
    tally.addSamples(timestamps, data.count);
  }

  /**
   * Writes a ClockOffset chunk; the offsets also go into the stream's footer at close.
   * `collectionTime` is on the stream's own clock, like its time stamps (LabRecorder writes
   * recorder time minus offset), since readers fit `offset` against the stream's time stamps.
   */
  writeClockOffset(streamId: number, collectionTime: number, offset: number): void {
    const fn = 'XdfWriter.writeClockOffset()';
    this.checkOpen('writeClockOffset');
    const tally = this.stream(streamId, fn);
    checkFinite(collectionTime, `${fn}: collectionTime`);
    checkFinite(offset, `${fn}: offset`);
    this.writeChunk(encodeClockOffsetChunk(streamId, collectionTime, offset), true);
    tally.offsets.push({ time: collectionTime, value: offset });
  }

  /** Writes every stream's StreamFooter, fsyncs and closes the file. A second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.writeError === null) {
        for (const [id, tally] of this.streams) {
          this.writeWhole(encodeStreamFooterChunk(id, tally.footerXml()));
        }
      }
      await this.syncing;
      if (this.syncError !== null) throw this.syncError;
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  private stream(streamId: number, fn: string): StreamTally {
    const tally = this.streams.get(streamId);
    if (tally === undefined) {
      const known = [...this.streams.keys()].join(', ') || 'none yet';
      throw new Error(`${fn}: no stream ${streamId} in ${this.path} (streams: ${known}); addStream() returns the id`);
    }
    return tally;
  }

  private checkOpen(method: string): void {
    if (this.closed) throw new Error(`XdfWriter.${method}(): ${this.path} is closed`);
    if (this.writeError !== null) {
      throw new Error(`XdfWriter.${method}(): an earlier write to ${this.path} failed; close() it (readers get everything before the failed chunk)`, { cause: this.writeError });
    }
    if (this.syncError !== null) {
      throw new Error(`XdfWriter.${method}(): an earlier fsync of ${this.path} failed`, { cause: this.syncError });
    }
  }

  /** A data chunk, preceded by a Boundary chunk when one is due; then fsync when due. */
  private writeChunk(chunk: Buffer, data: boolean): void {
    const now = this.clock();
    if (data && now - this.lastBoundaryAt >= this.boundaryEvery) {
      this.writeWhole(encodeBoundaryChunk());
      this.lastBoundaryAt = now;
    }
    this.writeWhole(chunk);
    if (now - this.lastSyncAt >= this.flushEvery && this.syncing === null) {
      this.lastSyncAt = now;
      this.syncing = this.handle.sync().then(
        () => { this.syncing = null; },
        (err: unknown) => { this.syncing = null; this.syncError = err; },
      );
    }
  }

  /** One write call for the whole buffer (looping only if the OS writes part of it). */
  private writeWhole(bytes: Buffer): void {
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.handle.fd, bytes, done, bytes.length - done);
    } catch (err) {
      this.writeError = err;
      throw new UserError(`writing to ${this.path} failed: ${(err as Error).message}`, 'Free disk space or check the drive; the file is readable up to the failed chunk.', { cause: err });
    }
  }
}

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
      samples.items.push({ time, chunk: () => encodeSamplesChunk(id, tally.layout, timestamps, data.values, first, count) });
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
    if (event.time - lastBoundary >= BOUNDARY_EVERY_SECONDS) {
      parts.push(encodeBoundaryChunk());
      lastBoundary = event.time;
    }
    parts.push(event.chunk());
  }
  tallies.forEach((tally, index) => parts.push(encodeStreamFooterChunk(index + 1, tally.footerXml())));
  return Buffer.concat(parts);
}

/** Writes `encodeXdf(streams, fileHeader)` atomically: a reader sees no file or the whole file. */
export async function writeXdfFile(path: string, streams: readonly XdfStreamData[], fileHeader?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, encodeXdf(streams, fileHeader));
}

/** Stream info after checking, with `sourceId` defaulted. */
type CheckedStreamInfo = Required<Omit<XdfStreamInfo, 'createdAt' | 'desc'>> & Pick<XdfStreamInfo, 'createdAt' | 'desc'>;

interface ChunkQueue {
  items: { time: number; chunk: () => Buffer }[];
  head: number;
}

// ---------------------------------------------------------------------------------------------
// Per-stream bookkeeping for the footer

class StreamTally {
  readonly info: CheckedStreamInfo;
  readonly layout: XdfSampleLayout;
  readonly offsets: XdfClockOffset[] = [];
  private count = 0;
  private first: number | undefined;
  /** The time stamp a reader gives the latest sample (reconstructed as a reader does when omitted). */
  private last = 0;

  constructor(info: CheckedStreamInfo) {
    this.info = info;
    this.layout = { channelFormat: info.channelFormat, channelCount: info.channelCount };
  }

  /** Counts n samples; returns the time stamp a reader gives the first of them. */
  addSamples(timestamps: Float64Array | null, n: number): number {
    const step = this.info.nominalSrate > 0 ? 1 / this.info.nominalSrate : 0;
    let firstOfBlock = Number.NaN;
    for (let i = 0; i < n; i++) {
      this.last = timestamps === null ? this.last + step : (timestamps[i] as number);
      if (i === 0) firstOfBlock = this.last;
    }
    if (n > 0 && this.count === 0) this.first = firstOfBlock;
    this.count += n;
    return firstOfBlock;
  }

  footerXml(): string {
    const info: Record<string, unknown> = {};
    if (this.first !== undefined) {
      info['first_timestamp'] = String(this.first);
      info['last_timestamp'] = String(this.last);
    }
    info['sample_count'] = String(this.count);
    info['clock_offsets'] =
      this.offsets.length === 0 ? '' : { offset: this.offsets.map((o) => ({ time: String(o.time), value: String(o.value) })) };
    return xmlDocument(info);
  }
}

// ---------------------------------------------------------------------------------------------
// XML

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true, processEntities: true, ignoreAttributes: true });
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Characters XML 1.0 cannot hold at all (not even escaped), and unpaired surrogates.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function xmlDocument(info: Record<string, unknown>): string {
  return `<?xml version="1.0"?>${builder.build({ info }) as string}`;
}

function xmlText(value: string, what: string): string {
  const bad = XML_FORBIDDEN.exec(value);
  if (bad !== null) {
    const code = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`${what} holds U+${code} at index ${bad.index}, which XML 1.0 cannot store`);
  }
  return value;
}

function xmlName(name: string, what: string): string {
  if (!XML_NAME.test(name)) {
    throw new Error(`${what}: '${name}' is not a usable XML element name (letters, digits, '_', '.', '-'; not starting with a digit)`);
  }
  return name;
}

function fileHeaderXml(fields: Record<string, string> | undefined, fn: string): string {
  const info: Record<string, unknown> = { version: '1.0' };
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (key === 'version') throw new Error(`${fn}: fileHeader.version is set by the writer (XDF 1.0)`);
    if (typeof value !== 'string') throw new Error(`${fn}: fileHeader.${key} must be a string, got ${typeof value}`);
    info[xmlName(key, `${fn}: fileHeader`)] = xmlText(value, `${fn}: fileHeader.${key}`);
  }
  return xmlDocument(info);
}

/** The StreamHeader XML, in liblsl's element order. */
function streamHeaderXml(info: CheckedStreamInfo, where: string): string {
  const xml: Record<string, unknown> = {
    name: xmlText(info.name, `${where}: name`),
    type: xmlText(info.type, `${where}: type`),
    channel_count: String(info.channelCount),
    channel_format: info.channelFormat,
    source_id: xmlText(info.sourceId, `${where}: sourceId`),
    nominal_srate: String(info.nominalSrate),
  };
  if (info.createdAt !== undefined) xml['created_at'] = String(info.createdAt);
  xml['desc'] = info.desc === undefined ? '' : descXml(info.desc, `${where}: desc`);
  return xmlDocument(xml);
}

function descXml(value: XdfDescValue, path: string): unknown {
  if (typeof value === 'string') return xmlText(value, path);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.map((item: XdfDescValue, i) => {
      if (Array.isArray(item)) throw new Error(`${path}[${i}]: an array inside an array has no XML form`);
      return descXml(item, `${path}[${i}]`);
    });
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value as XdfDesc)) {
      out[xmlName(key, path)] = descXml(child, `${path}.${key}`);
    }
    return Object.keys(out).length === 0 ? '' : out;
  }
  throw new Error(`${path} must be a string, number, boolean, array or plain object, got ${describe(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Argument checks and conversion

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

function checkFinite(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} must be a finite number, got ${String(value)}`);
}

function checkSeconds(value: number | undefined, what: string, zeroAllowed: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new Error(`${what} must be a number ${zeroAllowed ? '>= 0' : '> 0'} of seconds, got ${String(value)}`);
  }
}

function checkStreamInfo(info: XdfStreamInfo, where: string): CheckedStreamInfo {
  if (typeof info !== 'object' || info === null) throw new Error(`${where}: info must be an object, got ${describe(info)}`);
  const { name, type, channelCount, nominalSrate, channelFormat, sourceId = '', createdAt, desc } = info;
  if (typeof name !== 'string') throw new Error(`${where}: name must be a string, got ${describe(name)}`);
  if (typeof type !== 'string') throw new Error(`${where}: type must be a string, got ${describe(type)}`);
  if (typeof sourceId !== 'string') throw new Error(`${where}: sourceId must be a string, got ${describe(sourceId)}`);
  if (!Number.isInteger(channelCount) || channelCount < 1 || channelCount > 0x7fff_ffff) {
    throw new Error(`${where}: channelCount must be a positive integer, got ${String(channelCount)}`);
  }
  if (typeof nominalSrate !== 'number' || !Number.isFinite(nominalSrate) || nominalSrate < 0) {
    throw new Error(`${where}: nominalSrate must be >= 0 (0 for irregular streams), got ${String(nominalSrate)}`);
  }
  if (typeof channelFormat !== 'string' || !isXdfChannelFormat(channelFormat)) {
    throw new Error(`${where}: channelFormat must be one of ${XDF_CHANNEL_FORMATS.join(', ')}; got '${String(channelFormat)}'`);
  }
  if (createdAt !== undefined) checkFinite(createdAt, `${where}: createdAt`);
  const checked: CheckedStreamInfo = { name, type, channelCount, nominalSrate, channelFormat, sourceId };
  if (createdAt !== undefined) checked.createdAt = createdAt;
  if (desc !== undefined) checked.desc = desc;
  return checked;
}

function checkTimestamps(timestamps: Float64Array | null, count: number, nominalSrate: number, where: string): void {
  if (timestamps === null) {
    if (nominalSrate === 0 && count > 0) {
      throw new Error(`${where}: timestamps are required for an irregular stream (nominalSrate 0); readers could not place its samples`);
    }
    return;
  }
  if (!(timestamps instanceof Float64Array)) throw new Error(`${where}: timestamps must be a Float64Array or null, got ${describe(timestamps)}`);
  if (timestamps.length !== count) throw new Error(`${where}: ${timestamps.length} timestamps for ${count} samples`);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(timestamps[i])) throw new Error(`${where}: timestamps[${i}] is ${String(timestamps[i])}`);
  }
}

const INTEGER_RANGE: Readonly<Record<'int8' | 'int16' | 'int32', [number, number]>> = {
  int8: [-0x80, 0x7f],
  int16: [-0x8000, 0x7fff],
  int32: [-0x8000_0000, 0x7fff_ffff],
};

const NUMERIC_ARRAY: Readonly<Record<XdfNumericFormat, { new (n: number): XdfNumericValues }>> = {
  float32: Float32Array,
  double64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
};

/** The values as the layout's array type, with the sample count; errors name `what`. */
function toLayoutValues(values: XdfSampleValues, layout: XdfSampleLayout, what: string): { values: XdfNumericValues | readonly string[]; count: number } {
  const { channelFormat, channelCount } = layout;
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<unknown>).length !== 'number') {
    throw new Error(`${what} must be an array, got ${describe(values)}`);
  }
  if (channelFormat === 'string') {
    const flat = toStrings(values as ArrayLike<unknown>, channelCount, what);
    return { values: flat, count: flat.length / channelCount };
  }
  const list = values as ArrayLike<unknown>;
  if (list.length % channelCount !== 0) {
    throw new Error(`${what} has ${list.length} entries, not a multiple of channelCount ${channelCount}`);
  }
  const count = list.length / channelCount;
  const Target = NUMERIC_ARRAY[channelFormat];
  if (values instanceof Target) return { values, count };
  const out = new Target(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (channelFormat === 'int64') {
      if (typeof v === 'bigint') {
        if (BigInt.asIntN(64, v) !== v) throw new Error(`${what}[${i}] = ${v} does not fit in int64`);
        out[i] = v;
      } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
        out[i] = BigInt(v);
      } else {
        throw new Error(`${what}[${i}] must be an integer (number or bigint) for int64, got ${describe(v)}`);
      }
      continue;
    }
    if (typeof v !== 'number') throw new Error(`${what}[${i}] must be a number for ${channelFormat}, got ${describe(v)}`);
    if (channelFormat !== 'float32' && channelFormat !== 'double64') {
      const [lo, hi] = INTEGER_RANGE[channelFormat];
      if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${what}[${i}] = ${v} is not an ${channelFormat}`);
    }
    out[i] = v;
  }
  return { values: out, count };
}

function toStrings(values: ArrayLike<unknown>, channelCount: number, what: string): readonly string[] {
  const nested = values.length > 0 && Array.isArray(values[0]);
  if (!nested) {
    if (values.length % channelCount !== 0) {
      throw new Error(`${what} has ${values.length} entries, not a multiple of channelCount ${channelCount}`);
    }
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'string') throw new Error(`${what}[${i}] must be a string for a string stream, got ${describe(values[i])}`);
    }
    return Array.isArray(values) ? (values as readonly string[]) : Array.from(values as ArrayLike<string>);
  }
  const flat: string[] = [];
  for (let s = 0; s < values.length; s++) {
    const row = values[s];
    if (!Array.isArray(row) || row.length !== channelCount) {
      throw new Error(`${what}[${s}] must be an array of ${channelCount} strings, got ${describe(row)}${Array.isArray(row) ? ` of length ${row.length}` : ''}`);
    }
    for (let c = 0; c < channelCount; c++) {
      if (typeof row[c] !== 'string') throw new Error(`${what}[${s}][${c}] must be a string, got ${describe(row[c])}`);
      flat.push(row[c] as string);
    }
  }
  return flat;
}
