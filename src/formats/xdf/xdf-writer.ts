/**
 * Records an XDF file while a session runs: `XdfWriter` appends chunk by chunk (one-shot files:
 * encode-xdf.ts). Byte layout in xdf-chunks.ts, XML in xdf-xml.ts.
 *
 * Nothing here reads the wall clock into a file: a file header `datetime` or a stream's
 * `createdAt` is written only when the caller passes one.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UserError } from '../../core/errors.ts';
import {
  XDF_BOUNDARY_EVERY_SECONDS,
  encodeBoundaryChunk,
  encodeClockOffsetChunk,
  encodeFileHeaderChunk,
  encodeSamplesChunk,
  encodeStreamFooterChunk,
  encodeStreamHeaderChunk,
} from './xdf-chunk-encoders.ts';
import { XDF_MAGIC } from './xdf-chunks.ts';
import {
  checkFinite,
  checkSeconds,
  checkStreamInfo,
  checkTimestamps,
  toLayoutValues,
  type XdfSampleValues,
  type XdfStreamInfo,
} from './xdf-stream-input.ts';
import { StreamTally } from './xdf-stream-tally.ts';
import { fileHeaderXml, streamHeaderXml } from './xdf-xml.ts';

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
    this.boundaryEvery = options.boundaryEverySeconds ?? XDF_BOUNDARY_EVERY_SECONDS;
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
        throw new UserError(
          `${path} already exists; not overwriting a recording`,
          'Choose another file name, or delete or move the old file.',
          { cause: err },
        );
      }
      throw new UserError(
        `cannot create XDF file ${path}: ${(err as Error).message}`,
        'Check that the folder is writable and the disk is not full.',
        { cause: err },
      );
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
      throw new Error(
        `XdfWriter.${method}(): an earlier write to ${this.path} failed; close() it (readers get everything before the failed chunk)`,
        { cause: this.writeError },
      );
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
        () => {
          this.syncing = null;
        },
        (err: unknown) => {
          this.syncing = null;
          this.syncError = err;
        },
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
      throw new UserError(
        `writing to ${this.path} failed: ${(err as Error).message}`,
        'Free disk space or check the drive; the file is readable up to the failed chunk.',
        { cause: err },
      );
    }
  }
}
