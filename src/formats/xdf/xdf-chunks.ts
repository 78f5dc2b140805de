/**
 * The byte layer of XDF (Extensible Data Format, github.com/sccn/xdf/wiki/Specifications): the
 * magic code, variable-length integers and the six chunk kinds, encoded to and decoded from
 * Buffers. Pure functions, no I/O; xdf-writer.ts and xdf-reader.ts build files from them.
 *
 * A file is `XDF:` followed by chunks:
 *   [NumLengthBytes u8: 1, 4 or 8][Length, LE, that wide][Tag u16 LE][Content]
 * where Length counts the tag and the content (pyxdf reads `Length - 2` content bytes after the
 * tag, `Length - 6` after a StreamID). Every number is little-endian.
 */

export const XDF_MAGIC: Buffer = Buffer.from('XDF:', 'latin1');

/** Chunk tags of XDF 1.0. */
export const XdfTag = {
  FileHeader: 1,
  StreamHeader: 2,
  Samples: 3,
  ClockOffset: 4,
  Boundary: 5,
  StreamFooter: 6,
} as const;
export type XdfTag = (typeof XdfTag)[keyof typeof XdfTag];

/**
 * LabRecorder's experimental "samples v2" tag (App-LabRecorder src/xdf_defs.h). Not in the 1.0
 * specification; the reader skips such chunks with a warning instead of taking them for damage.
 */
export const XDF_TAG_SAMPLES_V2 = 7;

/** The 16 bytes that make up a Boundary chunk's content, fixed by the specification. */
const BOUNDARY_UUID: Buffer = Buffer.from([
  0x43, 0xa5, 0x46, 0xdc, 0xcb, 0xf5, 0x41, 0x0f, 0xb3, 0x0e, 0xd5, 0x46, 0x73, 0x83, 0xcb, 0xe4,
]);

export const XDF_CHANNEL_FORMATS = ['float32', 'double64', 'string', 'int32', 'int16', 'int8', 'int64'] as const;
export type XdfChannelFormat = (typeof XDF_CHANNEL_FORMATS)[number];
export type XdfNumericFormat = Exclude<XdfChannelFormat, 'string'>;

export function isXdfChannelFormat(value: string): value is XdfChannelFormat {
  return (XDF_CHANNEL_FORMATS as readonly string[]).includes(value);
}

/** Bytes per value of each numeric channel format. */
export const XDF_VALUE_BYTES: Readonly<Record<XdfNumericFormat, number>> = {
  float32: 4,
  double64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  int64: 8,
};

/** Row-major [samples x channels] numeric values, one array type per channel format. */
export type XdfNumericValues = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array;

/** One clock offset measurement: at `time` (CollectionTime), the stream's clock was `value` (OffsetValue) seconds off. */
export interface XdfClockOffset {
  time: number;
  value: number;
}

/** How the values of one stream are laid out: what a Samples chunk needs from its StreamHeader. */
export interface XdfSampleLayout {
  channelFormat: XdfChannelFormat;
  channelCount: number;
}

/**
 * A chunk or value that cannot be decoded. `truncated`: the buffer ends before it does (more bytes
 * would complete it); `corrupt`: the bytes present are impossible. Thrown by the decoders here and
 * turned into warnings by the reader; it never reaches a caller of `parseXdf`.
 */
export class XdfFormatError extends Error {
  override readonly name: string = 'XdfFormatError';
  readonly kind: 'truncated' | 'corrupt';
  /** Byte offset (in the buffer given to the decoder) where the problem was found. */
  readonly offset: number;

  constructor(kind: 'truncated' | 'corrupt', offset: number, message: string) {
    super(message);
    this.kind = kind;
    this.offset = offset;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Variable-length integers: [NumBytes u8: 1, 4 or 8][value, unsigned LE, NumBytes wide]

/**
 * Encodes a non-negative integer in the smallest of the three forms (as LabRecorder's
 * write_varlen_int does): below 256 in 1 byte, up to 2^32 - 1 in 4, else in 8.
 */
export function encodeVarLenInt(value: number | bigint): Buffer {
  const big = typeof value === 'bigint' ? value : toBigIntCount(value, 'encodeVarLenInt(): value');
  if (big < 0n || big > 0xffff_ffff_ffff_ffffn) {
    throw new RangeError(`encodeVarLenInt(): value must be an unsigned 64-bit integer, got ${big}`);
  }
  const out = Buffer.alloc(varLenIntSize(big));
  writeVarLenInt(out, 0, big);
  return out;
}

function toBigIntCount(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
  return BigInt(value);
}

/** Bytes that `encodeVarLenInt(value)` takes, width byte included. */
export function varLenIntSize(value: number | bigint): number {
  if (value < 256) return 2;
  if (value <= 0xffff_ffff) return 5;
  return 9;
}

/** Writes the varlen int at `offset`; returns the offset after it. */
function writeVarLenInt(out: Buffer, offset: number, value: number | bigint): number {
  if (value < 256) {
    out[offset] = 1;
    out[offset + 1] = Number(value);
    return offset + 2;
  }
  if (value <= 0xffff_ffff) {
    out[offset] = 4;
    out.writeUInt32LE(Number(value), offset + 1);
    return offset + 5;
  }
  out[offset] = 8;
  out.writeBigUInt64LE(BigInt(value), offset + 1);
  return offset + 9;
}

/**
 * Reads a varlen int at `offset`. Throws `XdfFormatError`: `truncated` when the buffer ends inside
 * it, `corrupt` when the width byte is not 1, 4 or 8 or the value exceeds 2^53 - 1 (no length or
 * count in a file we can hold in memory is that large).
 */
export function decodeVarLenInt(buf: Uint8Array, offset: number): { value: number; end: number } {
  const width = buf[offset];
  if (width === undefined) throw new XdfFormatError('truncated', offset, `file ends at byte ${offset}, inside a variable-length integer`);
  if (width !== 1 && width !== 4 && width !== 8) {
    throw new XdfFormatError('corrupt', offset, `byte ${offset}: variable-length integer of ${width} bytes (must be 1, 4 or 8)`);
  }
  const end = offset + 1 + width;
  if (end > buf.length) throw new XdfFormatError('truncated', offset, `file ends at byte ${buf.length}, inside a variable-length integer that starts at byte ${offset}`);
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (width === 1) return { value: view[offset + 1] as number, end };
  if (width === 4) return { value: view.readUInt32LE(offset + 1), end };
  const big = view.readBigUInt64LE(offset + 1);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new XdfFormatError('corrupt', offset, `byte ${offset}: variable-length integer ${big} is beyond any possible size`);
  }
  return { value: Number(big), end };
}

// ---------------------------------------------------------------------------------------------
// Chunk framing

/** Where one chunk lies in a buffer. `end` may exceed the buffer when the file is cut short. */
export interface XdfChunkHeader {
  tag: number;
  /** Offset of the NumLengthBytes byte. */
  start: number;
  /** Offset of the first content byte (after the tag). */
  contentStart: number;
  /** Offset just after the chunk, as its Length says. */
  end: number;
}

/**
 * Reads a chunk's [NumLengthBytes][Length][Tag] at `offset`. Throws `XdfFormatError` (`truncated`
 * when the buffer ends inside these bytes, `corrupt` for a bad width or a Length below 2, which
 * could not even hold the tag). It does not check that the content fits in the buffer.
 */
export function decodeChunkHeader(buf: Uint8Array, offset: number): XdfChunkHeader {
  const { value: length, end: lengthEnd } = decodeVarLenInt(buf, offset);
  if (length < 2) throw new XdfFormatError('corrupt', offset, `byte ${offset}: chunk length ${length} cannot hold a tag`);
  if (lengthEnd + 2 > buf.length) throw new XdfFormatError('truncated', offset, `file ends at byte ${buf.length}, inside the header of the chunk at byte ${offset}`);
  const tag = (buf[lengthEnd] as number) | ((buf[lengthEnd + 1] as number) << 8);
  return { tag, start: offset, contentStart: lengthEnd + 2, end: lengthEnd + length };
}

/** A chunk with room for `contentLength` content bytes; returns the buffer and where content starts. */
function allocChunk(tag: number, contentLength: number): { out: Buffer; at: number } {
  const length = contentLength + 2;
  const out = Buffer.alloc(varLenIntSize(length) + length);
  let at = writeVarLenInt(out, 0, length);
  out.writeUInt16LE(tag, at);
  at += 2;
  return { out, at };
}

/** A whole chunk: framing, tag and the given content. */
export function encodeChunk(tag: number, content: Uint8Array): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) throw new RangeError(`encodeChunk(): tag must be a u16, got ${tag}`);
  const { out, at } = allocChunk(tag, content.length);
  out.set(content, at);
  return out;
}

function checkStreamId(streamId: number, fn: string): void {
  if (!Number.isInteger(streamId) || streamId < 0 || streamId > 0xffff_ffff) {
    throw new RangeError(`${fn}: streamId must be a u32, got ${streamId}`);
  }
}

/** FileHeader chunk (tag 1): the XML alone. */
export function encodeFileHeaderChunk(xml: string): Buffer {
  return encodeChunk(XdfTag.FileHeader, Buffer.from(xml, 'utf8'));
}

/** StreamHeader (tag 2) or StreamFooter (tag 6): [StreamID u32][XML]. */
function encodeStreamXmlChunk(tag: number, streamId: number, xml: string, fn: string): Buffer {
  checkStreamId(streamId, fn);
  const text = Buffer.from(xml, 'utf8');
  const { out, at } = allocChunk(tag, 4 + text.length);
  out.writeUInt32LE(streamId, at);
  out.set(text, at + 4);
  return out;
}

export function encodeStreamHeaderChunk(streamId: number, xml: string): Buffer {
  return encodeStreamXmlChunk(XdfTag.StreamHeader, streamId, xml, 'encodeStreamHeaderChunk()');
}

export function encodeStreamFooterChunk(streamId: number, xml: string): Buffer {
  return encodeStreamXmlChunk(XdfTag.StreamFooter, streamId, xml, 'encodeStreamFooterChunk()');
}

/** ClockOffset chunk (tag 4): [StreamID u32][CollectionTime f64][OffsetValue f64]. */
export function encodeClockOffsetChunk(streamId: number, collectionTime: number, offsetValue: number): Buffer {
  checkStreamId(streamId, 'encodeClockOffsetChunk()');
  const { out, at } = allocChunk(XdfTag.ClockOffset, 20);
  out.writeUInt32LE(streamId, at);
  out.writeDoubleLE(collectionTime, at + 4);
  out.writeDoubleLE(offsetValue, at + 12);
  return out;
}

/** Boundary chunk (tag 5): the 16 UUID bytes; a reader that lost its place resumes after them. */
export function encodeBoundaryChunk(): Buffer {
  return encodeChunk(XdfTag.Boundary, BOUNDARY_UUID);
}

/**
 * Samples chunk (tag 3) for samples [first, first + count) of a stream:
 * [StreamID u32][NumSamples varlen] then per sample [TimeStampBytes u8: 0 or 8][f64 if 8][values],
 * numeric values little-endian, each string as [varlen byte length][UTF-8 bytes].
 * `values` is row-major [samples x channelCount] and already of the layout's type (the writer
 * checks and converts); `timestamps` null writes every sample without one.
 */
export function encodeSamplesChunk(
  streamId: number,
  layout: XdfSampleLayout,
  timestamps: Float64Array | null,
  values: XdfNumericValues | readonly string[],
  first: number,
  count: number,
): Buffer {
  checkStreamId(streamId, 'encodeSamplesChunk()');
  const { channelFormat, channelCount } = layout;
  const stampBytes = timestamps === null ? 1 : 9;
  const head = 4 + varLenIntSize(count);
  if (channelFormat === 'string') {
    const strings = values as readonly string[];
    const encoded: Buffer[] = new Array(count * channelCount);
    let size = head + count * stampBytes;
    for (let i = 0; i < encoded.length; i++) {
      const bytes = Buffer.from(strings[first * channelCount + i] as string, 'utf8');
      encoded[i] = bytes;
      size += varLenIntSize(bytes.length) + bytes.length;
    }
    const { out, at: start } = allocChunk(XdfTag.Samples, size);
    let at = writeSamplesHead(out, start, streamId, count);
    for (let s = 0; s < count; s++) {
      at = writeStamp(out, at, timestamps, first + s);
      for (let c = 0; c < channelCount; c++) {
        const bytes = encoded[s * channelCount + c] as Buffer;
        at = writeVarLenInt(out, at, bytes.length);
        out.set(bytes, at);
        at += bytes.length;
      }
    }
    return out;
  }
  const numeric = values as XdfNumericValues;
  const valueBytes = XDF_VALUE_BYTES[channelFormat];
  const rowBytes = channelCount * valueBytes;
  const { out, at: start } = allocChunk(XdfTag.Samples, head + count * (stampBytes + rowBytes));
  let at = writeSamplesHead(out, start, streamId, count);
  const source = new Uint8Array(numeric.buffer, numeric.byteOffset, numeric.byteLength);
  for (let s = 0; s < count; s++) {
    at = writeStamp(out, at, timestamps, first + s);
    const from = (first + s) * rowBytes;
    if (LITTLE_ENDIAN_HOST) out.set(source.subarray(from, from + rowBytes), at);
    else writeValuesPortable(out, at, channelFormat, numeric, (first + s) * channelCount, channelCount);
    at += rowBytes;
  }
  return out;
}

function writeSamplesHead(out: Buffer, at: number, streamId: number, count: number): number {
  out.writeUInt32LE(streamId, at);
  return writeVarLenInt(out, at + 4, count);
}

function writeStamp(out: Buffer, at: number, timestamps: Float64Array | null, index: number): number {
  if (timestamps === null) {
    out[at] = 0;
    return at + 1;
  }
  out[at] = 8;
  out.writeDoubleLE(timestamps[index] as number, at + 1);
  return at + 9;
}

/** Element-wise little-endian writes, for big-endian hosts. */
function writeValuesPortable(out: Buffer, at: number, format: XdfNumericFormat, values: XdfNumericValues, from: number, n: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const size = XDF_VALUE_BYTES[format];
  for (let i = 0; i < n; i++) {
    const v = values[from + i] as number | bigint;
    const p = at + i * size;
    switch (format) {
      case 'float32': view.setFloat32(p, v as number, true); break;
      case 'double64': view.setFloat64(p, v as number, true); break;
      case 'int8': view.setInt8(p, v as number); break;
      case 'int16': view.setInt16(p, v as number, true); break;
      case 'int32': view.setInt32(p, v as number, true); break;
      case 'int64': view.setBigInt64(p, v as bigint, true); break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Chunk content decoders. Each takes the whole buffer and a header from decodeChunkHeader whose
// `end` lies within the buffer, and throws XdfFormatError('corrupt') when the content does not
// fill the chunk exactly.

/** The u32 StreamID that starts the content of tags 2, 3, 4 and 6. */
export function decodeChunkStreamId(buf: Uint8Array, chunk: XdfChunkHeader): number {
  if (chunk.end - chunk.contentStart < 4) {
    throw new XdfFormatError('corrupt', chunk.start, `byte ${chunk.start}: chunk of tag ${chunk.tag} is too short to hold a stream id`);
  }
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32LE(chunk.contentStart);
}

/** The XML text of a FileHeader (after the tag) or of a StreamHeader/StreamFooter (after the id). */
export function decodeChunkXml(buf: Uint8Array, chunk: XdfChunkHeader): string {
  const from = chunk.tag === XdfTag.FileHeader ? chunk.contentStart : chunk.contentStart + 4;
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', from, chunk.end);
}

export function decodeClockOffsetChunk(buf: Uint8Array, chunk: XdfChunkHeader): { streamId: number; collectionTime: number; offsetValue: number } {
  if (chunk.end - chunk.contentStart !== 20) {
    throw new XdfFormatError('corrupt', chunk.start, `byte ${chunk.start}: ClockOffset chunk has ${chunk.end - chunk.contentStart} content bytes, not 20`);
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
    chunk.end - chunk.contentStart === BOUNDARY_UUID.length &&
    BOUNDARY_UUID.equals(buf.subarray(chunk.contentStart, chunk.end))
  );
}

/** Offset just after the next Boundary UUID at or after `from`, or -1 if there is none. */
export function findBoundaryEnd(buf: Uint8Array, from: number): number {
  const at = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(BOUNDARY_UUID, from);
  return at < 0 ? -1 : at + BOUNDARY_UUID.length;
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
    case 'float32': return new Float32Array(copy.buffer, 0, n);
    case 'double64': return new Float64Array(copy.buffer, 0, n);
    case 'int8': return new Int8Array(copy.buffer, 0, n);
    case 'int16': return new Int16Array(copy.buffer, 0, n);
    case 'int32': return new Int32Array(copy.buffer, 0, n);
    case 'int64': return new BigInt64Array(copy.buffer, 0, n);
  }
}
