/**
 * The byte layer of XDF (Extensible Data Format, github.com/sccn/xdf/wiki/Specifications): the
 * magic code, variable-length integers and the six chunk kinds, encoded to and decoded from
 * Buffers. Pure functions, no I/O. This file holds what both directions share (tags, formats,
 * variable-length integers, chunk framing); the chunks' contents are encoded in
 * xdf-chunk-encoders.ts (for the writers) and decoded in xdf-chunk-decoders.ts (for the reader).
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
export const XDF_BOUNDARY_UUID: Buffer = Buffer.from([
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

export const LITTLE_ENDIAN_HOST: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
export function writeVarLenInt(out: Buffer, offset: number, value: number | bigint): number {
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
  if (width === undefined)
    throw new XdfFormatError('truncated', offset, `file ends at byte ${offset}, inside a variable-length integer`);
  if (width !== 1 && width !== 4 && width !== 8) {
    throw new XdfFormatError(
      'corrupt',
      offset,
      `byte ${offset}: variable-length integer of ${width} bytes (must be 1, 4 or 8)`,
    );
  }
  const end = offset + 1 + width;
  if (end > buf.length)
    throw new XdfFormatError(
      'truncated',
      offset,
      `file ends at byte ${buf.length}, inside a variable-length integer that starts at byte ${offset}`,
    );
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (width === 1) return { value: view[offset + 1] as number, end };
  if (width === 4) return { value: view.readUInt32LE(offset + 1), end };
  const big = view.readBigUInt64LE(offset + 1);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new XdfFormatError(
      'corrupt',
      offset,
      `byte ${offset}: variable-length integer ${big} is beyond any possible size`,
    );
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
  if (length < 2)
    throw new XdfFormatError('corrupt', offset, `byte ${offset}: chunk length ${length} cannot hold a tag`);
  if (lengthEnd + 2 > buf.length)
    throw new XdfFormatError(
      'truncated',
      offset,
      `file ends at byte ${buf.length}, inside the header of the chunk at byte ${offset}`,
    );
  const tag = (buf[lengthEnd] as number) | ((buf[lengthEnd + 1] as number) << 8);
  return { tag, start: offset, contentStart: lengthEnd + 2, end: lengthEnd + length };
}

/** A chunk with room for `contentLength` content bytes; returns the buffer and where content starts. */
export function allocChunk(tag: number, contentLength: number): { out: Buffer; at: number } {
  const length = contentLength + 2;
  const out = Buffer.alloc(varLenIntSize(length) + length);
  let at = writeVarLenInt(out, 0, length);
  out.writeUInt16LE(tag, at);
  at += 2;
  return { out, at };
}

/** A whole chunk: framing, tag and the given content. */
export function encodeChunk(tag: number, content: Uint8Array): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff)
    throw new RangeError(`encodeChunk(): tag must be a u16, got ${tag}`);
  const { out, at } = allocChunk(tag, content.length);
  out.set(content, at);
  return out;
}
