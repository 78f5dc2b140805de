import {
  LITTLE_ENDIAN_HOST,
  XDF_BOUNDARY_UUID,
  XDF_VALUE_BYTES,
  XdfTag,
  allocChunk,
  encodeChunk,
  varLenIntSize,
  writeVarLenInt,
  type XdfNumericFormat,
  type XdfNumericValues,
  type XdfSampleLayout,
} from './xdf-chunks.ts';

/**
 * Each XDF chunk's bytes from its content, for the writers (XdfWriter, encodeXdf); framing and
 * variable-length integers in xdf-chunks.ts.
 */

/**
 * Seconds between the Boundary chunks the writers put in (stream time in encodeXdf, XdfWriter's
 * clock while recording), so a reader lost in damage finds its place again soon.
 */
export const XDF_BOUNDARY_EVERY_SECONDS = 10;

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
  return encodeChunk(XdfTag.Boundary, XDF_BOUNDARY_UUID);
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
function writeValuesPortable(
  out: Buffer,
  at: number,
  format: XdfNumericFormat,
  values: XdfNumericValues,
  from: number,
  n: number,
): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const size = XDF_VALUE_BYTES[format];
  for (let i = 0; i < n; i++) {
    const v = values[from + i] as number | bigint;
    const p = at + i * size;
    switch (format) {
      case 'float32':
        view.setFloat32(p, v as number, true);
        break;
      case 'double64':
        view.setFloat64(p, v as number, true);
        break;
      case 'int8':
        view.setInt8(p, v as number);
        break;
      case 'int16':
        view.setInt16(p, v as number, true);
        break;
      case 'int32':
        view.setInt32(p, v as number, true);
        break;
      case 'int64':
        view.setBigInt64(p, v as bigint, true);
        break;
    }
  }
}
