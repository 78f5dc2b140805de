import {
  LITTLE_ENDIAN_HOST,
  XDF_BOUNDARY_UUID,
  XDF_VALUE_BYTES,
  XdfFormatError,
  XdfTag,
  decodeVarLenInt,
  type XdfChunkHeader,
  type XdfNumericFormat,
  type XdfNumericValues,
  type XdfSampleLayout,
} from './xdf-chunks.ts';

/**
 * Each XDF chunk's content from its bytes, for the reader. Each decoder takes the whole buffer and
 * a header from decodeChunkHeader (xdf-chunks.ts) whose `end` lies within the buffer, and throws
 * XdfFormatError('corrupt') when the content does not fill the chunk exactly.
 */

/** The u32 StreamID that starts the content of tags 2, 3, 4 and 6. */
export function decodeChunkStreamId(buf: Uint8Array, chunk: XdfChunkHeader): number {
  if (chunk.end - chunk.contentStart < 4) {
    throw new XdfFormatError(
      'corrupt',
      chunk.start,
      `byte ${chunk.start}: chunk of tag ${chunk.tag} is too short to hold a stream id`,
    );
  }
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32LE(chunk.contentStart);
}

/** The XML text of a FileHeader (after the tag) or of a StreamHeader/StreamFooter (after the id). */
export function decodeChunkXml(buf: Uint8Array, chunk: XdfChunkHeader): string {
  const from = chunk.tag === XdfTag.FileHeader ? chunk.contentStart : chunk.contentStart + 4;
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', from, chunk.end);
}

export function decodeClockOffsetChunk(
  buf: Uint8Array,
  chunk: XdfChunkHeader,
): { streamId: number; collectionTime: number; offsetValue: number } {
  if (chunk.end - chunk.contentStart !== 20) {
    throw new XdfFormatError(
      'corrupt',
      chunk.start,
      `byte ${chunk.start}: ClockOffset chunk has ${chunk.end - chunk.contentStart} content bytes, not 20`,
    );
  }
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    streamId: view.readUInt32LE(chunk.contentStart),
    collectionTime: view.readDoubleLE(chunk.contentStart + 4),
    offsetValue: view.readDoubleLE(chunk.contentStart + 12),
  };
}

/** Whether the chunk is a well-formed Boundary chunk (exactly the 16 UUID bytes). */
export function isBoundaryChunk(buf: Uint8Array, chunk: XdfChunkHeader): boolean {
  return (
    chunk.tag === XdfTag.Boundary &&
    chunk.end - chunk.contentStart === XDF_BOUNDARY_UUID.length &&
    XDF_BOUNDARY_UUID.equals(buf.subarray(chunk.contentStart, chunk.end))
  );
}

/** Offset just after the next Boundary UUID at or after `from`, or -1 if there is none. */
export function findBoundaryEnd(buf: Uint8Array, from: number): number {
  const at = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(XDF_BOUNDARY_UUID, from);
  return at < 0 ? -1 : at + XDF_BOUNDARY_UUID.length;
}

/** What one Samples chunk holds once decoded. */
export interface XdfSamplesBlock {
  count: number;
  timestamps: Float64Array;
  /** Numeric: the values' little-endian bytes, row-major (`numericValuesFromBytes` types them). */
  values: Uint8Array | string[][];
  /** Time stamp of the block's last sample (the given one when the block is empty). */
  lastTimestamp: number;
}

/**
 * Decodes a Samples chunk of a stream with the given layout. A sample without a time stamp gets
 * the previous one plus `1 / nominalSrate` (plus 0 for irregular streams, as pyxdf and load_xdf.m
 * do); `lastTimestamp` carries that across chunks and starts at 0 for a stream's first chunk.
 */
export function decodeSamplesChunk(
  buf: Uint8Array,
  chunk: XdfChunkHeader,
  layout: XdfSampleLayout & { nominalSrate: number },
  lastTimestamp: number,
): XdfSamplesBlock {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = chunk.end;
  const corrupt = (at: number, what: string): XdfFormatError =>
    new XdfFormatError('corrupt', chunk.start, `Samples chunk at byte ${chunk.start}: ${what} (byte ${at})`);
  let at = chunk.contentStart + 4;
  let count: number;
  try {
    ({ value: count, end: at } = decodeVarLenInt(buf.subarray(0, end), at));
  } catch (err) {
    throw corrupt(at, `bad sample count: ${(err as Error).message}`);
  }
  const { channelFormat, channelCount } = layout;
  const step = layout.nominalSrate > 0 ? 1 / layout.nominalSrate : 0;
  // The smallest a sample can be bounds the count before anything is allocated from it.
  const minSample = 1 + (channelFormat === 'string' ? 2 * channelCount : channelCount * XDF_VALUE_BYTES[channelFormat]);
  if (count * minSample > end - at) throw corrupt(at, `${count} samples cannot fit in ${end - at} bytes`);
  const timestamps = new Float64Array(count);
  let last = lastTimestamp;
  const readStamp = (): void => {
    const bytes = view[at];
    if (bytes === 0) {
      at += 1;
      last += step;
    } else if (bytes === 8 && at + 9 <= end) {
      last = view.readDoubleLE(at + 1);
      at += 9;
    } else {
      throw corrupt(at, bytes === 8 ? 'time stamp runs past the chunk' : `TimeStampBytes is ${bytes} (must be 0 or 8)`);
    }
  };
  if (channelFormat === 'string') {
    const values: string[][] = new Array(count);
    for (let s = 0; s < count; s++) {
      readStamp();
      timestamps[s] = last;
      const row: string[] = new Array(channelCount);
      for (let c = 0; c < channelCount; c++) {
        let length: number;
        try {
          ({ value: length, end: at } = decodeVarLenInt(buf.subarray(0, end), at));
        } catch (err) {
          throw corrupt(at, `bad string length: ${(err as Error).message}`);
        }
        if (at + length > end) throw corrupt(at, `string of ${length} bytes runs past the chunk`);
        row[c] = view.toString('utf8', at, at + length);
        at += length;
      }
      values[s] = row;
    }
    if (at !== end) throw corrupt(at, `${end - at} bytes left after ${count} samples`);
    return { count, timestamps, values, lastTimestamp: last };
  }
  const rowBytes = channelCount * XDF_VALUE_BYTES[channelFormat];
  const values = new Uint8Array(count * rowBytes);
  for (let s = 0; s < count; s++) {
    readStamp();
    timestamps[s] = last;
    if (at + rowBytes > end) throw corrupt(at, 'sample values run past the chunk');
    values.set(buf.subarray(at, at + rowBytes), s * rowBytes);
    at += rowBytes;
  }
  if (at !== end) throw corrupt(at, `${end - at} bytes left after ${count} samples`);
  return { count, timestamps, values, lastTimestamp: last };
}

/** Types little-endian value bytes as the format's array (copying; byte-swapped on big-endian hosts). */
export function numericValuesFromBytes(format: XdfNumericFormat, bytes: Uint8Array): XdfNumericValues {
  const size = XDF_VALUE_BYTES[format];
  const copy = new Uint8Array(bytes);
  if (!LITTLE_ENDIAN_HOST && size > 1) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  const n = copy.length / size;
  switch (format) {
    case 'float32':
      return new Float32Array(copy.buffer, 0, n);
    case 'double64':
      return new Float64Array(copy.buffer, 0, n);
    case 'int8':
      return new Int8Array(copy.buffer, 0, n);
    case 'int16':
      return new Int16Array(copy.buffer, 0, n);
    case 'int32':
      return new Int32Array(copy.buffer, 0, n);
    case 'int64':
      return new BigInt64Array(copy.buffer, 0, n);
  }
}
