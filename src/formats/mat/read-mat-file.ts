// Over 400 lines: one reader of a binary format whose tags, compression, byte order and matrix decoding share one parsing context.
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { UserError } from '../../core/errors.ts';

/**
 * A reader for MATLAB level-5 MAT-files (what `save` writes by default up to `-v7`), for the
 * numeric arrays data sets publish (UTD-MHAD's `d_iner`, `d_skel`, `d_depth`).
 *
 * Format facts relied on (MathWorks, "MAT-File Format", level 5):
 * - A 128-byte header: 116 bytes of text starting `MATLAB 5.0 MAT-file`, 8 bytes of subsystem
 *   data offset, a 2-byte version (0x0100) and a 2-byte endian indicator: the characters 'M','I'
 *   written as one 16-bit value, so a little-endian file has the bytes `IM` at 126-127 and a
 *   big-endian one `MI`. Every number after it is in that byte order. (`-v7.3` files are HDF5
 *   with a `MATLAB 7.3` header text; level-4 files have no text header.)
 * - Then data elements to the end of the file, each an 8-byte tag (uint32 data type, uint32 byte
 *   count) followed by the data, padded to a multiple of 8 bytes. The small data element format
 *   packs a tag and at most 4 bytes of data into 8 bytes: when the upper 16 bits of the first
 *   uint32 are non-zero, they are the byte count and the lower 16 bits the type.
 * - Types: 1 int8, 2 uint8, 3 int16, 4 uint16, 5 int32, 6 uint32, 7 single, 9 double, 12 int64,
 *   13 uint64, 14 miMATRIX, 15 miCOMPRESSED (a zlib stream inflating to one complete element,
 *   itself not padded in the file), 16-18 UTF-8/16/32.
 * - miMATRIX holds subelements: array flags (uint32 x 2: class in the low byte of the first,
 *   flags complex 0x0800, global 0x0400, logical 0x0200), dimensions (int32, at least 2), the
 *   array name (int8, ASCII), the real part, then the imaginary part when complex. The real part
 *   may be stored in a smaller type than the class (a double array of small integers as uint8);
 *   its values are then widened to the class.
 * - Classes: 1 cell, 2 struct, 3 object, 4 char, 5 sparse, 6 double, 7 single, 8 int8, 9 uint8,
 *   10 int16, 11 uint16, 12 int32, 13 uint32, 14 int64, 15 uint64.
 *
 * Only real numeric (and logical) arrays are read; cell, struct, object, char, sparse and complex
 * arrays are refused with a `UserError` naming the file and the variable.
 */

export const MAT_CLASSES = [
  'double',
  'single',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
] as const;
export type MatClass = (typeof MAT_CLASSES)[number];

export type MatData =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * One numeric variable. `dims` are MATLAB's, in MATLAB's order (an N x 6 matrix is [N, 6]), and
 * `data` is in MATLAB's column-major order, as stored: the first index varies fastest, so element
 * (i0, i1, ..., ik) (0-based) is `data[i0 + dims[0] * (i1 + dims[1] * (i2 + ...))]`
 * (`columnMajorOffset`). The typed array matches the class (int64 classes as BigInt arrays).
 */
export interface MatArray {
  name: string;
  /** The MATLAB class (what `class(x)` says in MATLAB). */
  class: MatClass;
  /** The type the values are stored as in the file: the class, or a smaller type that holds them all. */
  stored: MatClass;
  dims: number[];
  /** The class's typed array; the stored type's under `{ asStored: true }`. */
  data: MatData;
  /** MATLAB `logical` (class uint8, values 0/1). */
  logical: boolean;
}

export interface MatReadOptions {
  /**
   * Keep the values in the type they are stored as instead of widening them to the class (as
   * scipy's `loadmat` does by default): a double depth video stored as uint16 stays a
   * Uint16Array, a quarter of the memory. Default false.
   */
  asStored?: boolean;
}

/** Reads a MAT-file: its variables by name, in file order. A missing or damaged file is a `UserError` naming it. */
export async function readMatFile(path: string, options: MatReadOptions = {}): Promise<Map<string, MatArray>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new UserError(
      `${path}: cannot read the MAT-file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      undefined,
      { cause: err },
    );
  }
  return parseMatFile(bytes, path, options);
}

/** Index into `MatArray.data` of the element at the 0-based subscripts `index` (one per dimension). */
export function columnMajorOffset(dims: readonly number[], index: readonly number[]): number {
  if (index.length !== dims.length)
    throw new Error(`columnMajorOffset(): index has ${index.length} subscripts, dims ${dims.length}`);
  let offset = 0;
  for (let d = dims.length - 1; d >= 0; d--) {
    const i = index[d] as number;
    const n = dims[d] as number;
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new Error(`columnMajorOffset(): index[${d}] = ${i} is outside 0..${n - 1}`);
    offset = offset * n + i;
  }
  return offset;
}

const HEADER_BYTES = 128;
const MI = {
  int8: 1,
  uint8: 2,
  int16: 3,
  uint16: 4,
  int32: 5,
  uint32: 6,
  single: 7,
  double: 9,
  int64: 12,
  uint64: 13,
  matrix: 14,
  compressed: 15,
  utf8: 16,
  utf16: 17,
  utf32: 18,
} as const;
/** Class numbers 6-15, in MAT_CLASSES order. */
const FIRST_NUMERIC_CLASS = 6;
const OTHER_CLASSES: Record<number, string> = {
  1: 'cell array',
  2: 'struct',
  3: 'object',
  4: 'char array',
  5: 'sparse array',
  16: 'function handle',
  17: 'opaque object',
};
const FLAG_COMPLEX = 0x0800;
const FLAG_LOGICAL = 0x0200;

/** Byte size and reader of each numeric storage type. */
const STORED: Record<number, { size: number; name: MatClass }> = {
  [MI.int8]: { size: 1, name: 'int8' },
  [MI.uint8]: { size: 1, name: 'uint8' },
  [MI.int16]: { size: 2, name: 'int16' },
  [MI.uint16]: { size: 2, name: 'uint16' },
  [MI.int32]: { size: 4, name: 'int32' },
  [MI.uint32]: { size: 4, name: 'uint32' },
  [MI.single]: { size: 4, name: 'single' },
  [MI.double]: { size: 8, name: 'double' },
  [MI.int64]: { size: 8, name: 'int64' },
  [MI.uint64]: { size: 8, name: 'uint64' },
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A data element read from `bytes`: its type, its data (a view) and where the next one starts. */
interface Element {
  type: number;
  data: Uint8Array;
  next: number;
}

/** Parsing state: the file name for errors, the byte order, the caller's choice of type. */
interface Context {
  file: string;
  little: boolean;
  asStored: boolean;
}

/**
 * Parses the bytes of a MAT-file (pure). `fileNameForErrors` names the file in every error.
 * Damaged, truncated or unsupported content is a `UserError` saying what and where.
 */
export function parseMatFile(
  bytes: Uint8Array,
  fileNameForErrors: string,
  options: MatReadOptions = {},
): Map<string, MatArray> {
  const ctx = {
    file: fileNameForErrors,
    little: readHeader(bytes, fileNameForErrors),
    asStored: options.asStored ?? false,
  };
  const out = new Map<string, MatArray>();
  let offset = HEADER_BYTES;
  while (offset < bytes.length) {
    // Fewer than 8 zero bytes at the end are padding, not a cut tag.
    if (bytes.length - offset < 8 && bytes.subarray(offset).every((b) => b === 0)) break;
    const element = readElement(bytes, offset, bytes.length, ctx, 'top level', true);
    for (const array of topLevelArrays(element, offset, ctx)) {
      if (out.has(array.name)) throw fail(ctx, `variable '${array.name}' appears twice`);
      out.set(array.name, array);
    }
    offset = element.next;
  }
  return out;
}

/** Checks the header; returns true for a little-endian file. */
function readHeader(bytes: Uint8Array, file: string): boolean {
  const text = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 116))).toString('latin1');
  if (!text.startsWith('MATLAB')) {
    throw new UserError(
      `${file}: not a MATLAB level-5 MAT-file (no 'MATLAB 5.0 MAT-file' header text)`,
      "A level-4 MAT-file or another format: save it again in MATLAB with save(..., '-v7').",
    );
  }
  if (/^MATLAB 7\.3/.test(text)) {
    throw new UserError(
      `${file}: a MATLAB 7.3 MAT-file (HDF5), not level 5`,
      "Save it again in MATLAB with save(..., '-v7').",
    );
  }
  if (bytes.length < HEADER_BYTES)
    throw new UserError(`${file}: truncated MAT-file: ${bytes.length} bytes, shorter than the 128-byte header`);
  const endian = String.fromCharCode(bytes[126] as number, bytes[127] as number);
  if (endian !== 'IM' && endian !== 'MI')
    throw new UserError(`${file}: damaged MAT-file header: endian indicator is '${endian}', expected 'IM' or 'MI'`);
  const little = endian === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(124, little);
  if (version !== 0x0100)
    throw new UserError(`${file}: unsupported MAT-file version 0x${version.toString(16)} (expected 0x0100, level 5)`);
  return little;
}

function fail(ctx: Context, message: string, options?: { cause?: unknown }): UserError {
  return new UserError(
    `${ctx.file}: ${message}`,
    'The file may be damaged or cut short: download or copy it again.',
    options,
  );
}

/**
 * The element at `offset` within `bytes[.., end)`. `where` names the enclosing element for
 * errors. Data is followed by padding to 8 bytes, except for top-level compressed elements,
 * which MATLAB writes back to back (`topLevel`).
 */
function readElement(
  bytes: Uint8Array,
  offset: number,
  end: number,
  ctx: Context,
  where: string,
  topLevel = false,
): Element {
  if (end - offset < 8)
    throw fail(ctx, `truncated: ${end - offset} bytes at byte ${offset} (${where}), too few for an 8-byte element tag`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(offset, ctx.little);
  const small = first >>> 16;
  if (small !== 0) {
    // Small data element: type and byte count packed into the first 4 bytes, data in the next 4.
    const type = first & 0xffff;
    if (small > 4)
      throw fail(
        ctx,
        `damaged element at byte ${offset} (${where}): small element claims ${small} bytes, at most 4 fit`,
      );
    return { type, data: bytes.subarray(offset + 4, offset + 4 + small), next: offset + 8 };
  }
  const type = first;
  const count = view.getUint32(offset + 4, ctx.little);
  const start = offset + 8;
  if (count > end - start) {
    throw fail(
      ctx,
      `truncated: the element at byte ${offset} (${where}, type ${type}) says ${count} bytes, but only ${end - start} remain`,
    );
  }
  const dataEnd = start + count;
  const padded = topLevel && type === MI.compressed ? dataEnd : start + Math.ceil(count / 8) * 8;
  return { type, data: bytes.subarray(start, dataEnd), next: Math.min(padded, end) };
}

/** The arrays a top-level element holds: one miMATRIX, or a compressed one. Other elements are refused. */
function topLevelArrays(element: Element, offset: number, ctx: Context): MatArray[] {
  if (element.type === MI.matrix) return [readMatrix(element.data, ctx, `the array at byte ${offset}`)];
  if (element.type === MI.compressed) {
    let inflated: Uint8Array;
    try {
      inflated = inflateSync(element.data);
    } catch (err) {
      throw fail(ctx, `the compressed element at byte ${offset} does not inflate (${(err as Error).message})`, {
        cause: err,
      });
    }
    const arrays: MatArray[] = [];
    let at = 0;
    while (at < inflated.length) {
      const el = readElement(inflated, at, inflated.length, ctx, `inside the compressed element at byte ${offset}`);
      if (el.type !== MI.matrix)
        throw fail(
          ctx,
          `the compressed element at byte ${offset} holds an element of type ${el.type}, expected a MATLAB array (14)`,
        );
      arrays.push(readMatrix(el.data, ctx, `the compressed array at byte ${offset}`));
      at = el.next;
    }
    return arrays;
  }
  throw fail(
    ctx,
    `unexpected element of type ${element.type} at byte ${offset}: expected a MATLAB array (14) or a compressed element (15)`,
  );
}

/** The subelements of one miMATRIX element's data. */
function readMatrix(data: Uint8Array, ctx: Context, where: string): MatArray {
  const next = (at: number, what: string) => readElement(data, at, data.length, ctx, `${what} of ${where}`);
  const view = (el: Element) => new DataView(el.data.buffer, el.data.byteOffset, el.data.byteLength);

  const flags = next(0, 'array flags');
  if (flags.type !== MI.uint32 || flags.data.length < 8)
    throw fail(
      ctx,
      `damaged ${where}: array flags are type ${flags.type} of ${flags.data.length} bytes, expected uint32 x 2`,
    );
  const word = view(flags).getUint32(0, ctx.little);
  const classNumber = word & 0xff;

  const dimsEl = next(flags.next, 'dimensions');
  if (dimsEl.type !== MI.int32 || dimsEl.data.length % 4 !== 0 || dimsEl.data.length < 8) {
    throw fail(
      ctx,
      `damaged ${where}: dimensions are type ${dimsEl.type} of ${dimsEl.data.length} bytes, expected at least 2 int32`,
    );
  }
  const dims = Array.from({ length: dimsEl.data.length / 4 }, (_, i) => view(dimsEl).getInt32(i * 4, ctx.little));
  if (dims.some((d) => d < 0)) throw fail(ctx, `damaged ${where}: negative dimension in [${dims.join(', ')}]`);

  const nameEl = next(dimsEl.next, 'array name');
  if (nameEl.type !== MI.int8 && nameEl.type !== MI.uint8 && nameEl.type !== MI.utf8)
    throw fail(ctx, `damaged ${where}: array name is type ${nameEl.type}, expected int8 text`);
  const name = Buffer.from(nameEl.data).toString('utf8');
  const label = name === '' ? `an unnamed array (${where})` : `variable '${name}'`;

  const other = OTHER_CLASSES[classNumber];
  if (other !== undefined)
    throw new UserError(
      `${ctx.file}: ${label} is a ${other}; only numeric arrays are supported`,
      'Save the variable as a plain numeric array.',
    );
  const cls = MAT_CLASSES[classNumber - FIRST_NUMERIC_CLASS];
  if (cls === undefined) throw fail(ctx, `${label} has unknown array class ${classNumber}`);
  if ((word & FLAG_COMPLEX) !== 0)
    throw new UserError(
      `${ctx.file}: ${label} is complex; only real arrays are supported`,
      'Save its real and imaginary parts as two real arrays.',
    );

  const count = dims.reduce((a, b) => a * b, 1);
  const logical = (word & FLAG_LOGICAL) !== 0;
  if (nameEl.next >= data.length && count === 0)
    return { name, class: cls, stored: cls, dims, data: allocate(cls, 0), logical };
  const real = next(nameEl.next, `real part of ${label}`);
  const stored = STORED[real.type];
  if (stored === undefined) throw fail(ctx, `${label}: real part has type ${real.type}, not a numeric type`);
  if (real.data.length !== count * stored.size) {
    throw fail(
      ctx,
      `${label}: dims [${dims.join(' x ')}] need ${count} values, but the real part holds ${real.data.length} bytes of ${stored.name} (${real.data.length / stored.size} values)`,
    );
  }
  return {
    name,
    class: cls,
    stored: stored.name,
    dims,
    data: decodeValues(real, stored.name, ctx.asStored ? stored.name : cls, count, ctx),
    logical,
  };
}

const CONSTRUCTORS = {
  double: Float64Array,
  single: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
} as const;

function allocate(cls: MatClass, n: number): MatData {
  return new CONSTRUCTORS[cls](n);
}

/** The stored values as `cls`'s typed array (a copy, aligned), widened where stored smaller. */
function decodeValues(real: Element, storedName: MatClass, cls: MatClass, count: number, ctx: Context): MatData {
  if (storedName === cls && ctx.little === HOST_LITTLE_ENDIAN) {
    // Same type and byte order: one copy into an aligned buffer.
    // (`new Uint8Array(view)` copies; a Buffer's own slice() would not.)
    return new CONSTRUCTORS[cls](new Uint8Array(real.data).buffer);
  }
  const view = new DataView(real.data.buffer, real.data.byteOffset, real.data.byteLength);
  const read = reader(storedName, view, ctx.little);
  const out = allocate(cls, count);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) {
      const x = read(i);
      out[i] = typeof x === 'bigint' ? x : BigInt(Math.trunc(x));
    }
  } else {
    for (let i = 0; i < count; i++) out[i] = Number(read(i));
  }
  return out;
}

function reader(stored: string, v: DataView, le: boolean): (i: number) => number | bigint {
  switch (stored) {
    case 'int8':
      return (i) => v.getInt8(i);
    case 'uint8':
      return (i) => v.getUint8(i);
    case 'int16':
      return (i) => v.getInt16(i * 2, le);
    case 'uint16':
      return (i) => v.getUint16(i * 2, le);
    case 'int32':
      return (i) => v.getInt32(i * 4, le);
    case 'uint32':
      return (i) => v.getUint32(i * 4, le);
    case 'single':
      return (i) => v.getFloat32(i * 4, le);
    case 'double':
      return (i) => v.getFloat64(i * 8, le);
    case 'int64':
      return (i) => v.getBigInt64(i * 8, le);
    default:
      return (i) => v.getBigUint64(i * 8, le);
  }
}
