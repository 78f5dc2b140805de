import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { UserError } from '../../../src/core/errors.ts';
import { columnMajorOffset, parseMatFile, readMatFile } from '../../../src/formats/mat/read-mat-file.ts';

/** MAT-file bytes built by hand, element by element, in either byte order. */
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
  matrix: 14,
  compressed: 15,
} as const;
const CLASS = { struct: 2, double: 6, single: 7, int16: 10, uint16: 11, int64: 14 } as const;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function header(little = true, text = 'MATLAB 5.0 MAT-file, Platform: test, Created on: never'): Uint8Array {
  const h = new Uint8Array(128).fill(0x20);
  h.set(Buffer.from(text, 'latin1'));
  h.fill(0, 116, 124);
  new DataView(h.buffer).setUint16(124, 0x0100, little);
  h.set(Buffer.from(little ? 'IM' : 'MI', 'latin1'), 126);
  return h;
}

/** A normal element: 8-byte tag, data, padding to 8 bytes (`pad: false` for top-level compressed ones). */
function element(type: number, data: Uint8Array, little: boolean, pad = true): Uint8Array {
  const tag = new DataView(new ArrayBuffer(8));
  tag.setUint32(0, type, little);
  tag.setUint32(4, data.length, little);
  const padding = pad ? (8 - (data.length % 8)) % 8 : 0;
  return concat([new Uint8Array(tag.buffer), data, new Uint8Array(padding)]);
}

/** A small data element: type and byte count packed into 4 bytes, then at most 4 bytes of data. */
function smallElement(type: number, data: Uint8Array, little: boolean): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, (data.length << 16) | type, little);
  out.set(data, 4);
  return out;
}

function encode(type: number, values: readonly number[], little: boolean): Uint8Array {
  const size = {
    [MI.int8]: 1,
    [MI.uint8]: 1,
    [MI.int16]: 2,
    [MI.uint16]: 2,
    [MI.int32]: 4,
    [MI.uint32]: 4,
    [MI.single]: 4,
    [MI.double]: 8,
    [MI.int64]: 8,
  }[type] as number;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (type === MI.int8) view.setInt8(i, v);
    else if (type === MI.uint8) view.setUint8(i, v);
    else if (type === MI.int16) view.setInt16(i * 2, v, little);
    else if (type === MI.uint16) view.setUint16(i * 2, v, little);
    else if (type === MI.int32) view.setInt32(i * 4, v, little);
    else if (type === MI.uint32) view.setUint32(i * 4, v, little);
    else if (type === MI.single) view.setFloat32(i * 4, v, little);
    else if (type === MI.double) view.setFloat64(i * 8, v, little);
    else view.setBigInt64(i * 8, BigInt(v), little);
  });
  return new Uint8Array(view.buffer);
}

interface MatrixSpec {
  name: string;
  cls: number;
  dims: number[];
  stored: number;
  values: number[];
  flags?: number;
  little?: boolean;
}

/** A miMATRIX element; names of up to 4 characters use the small element format, as MATLAB writes them. */
function matrix({ name, cls, dims, stored, values, flags = 0, little = true }: MatrixSpec): Uint8Array {
  const nameBytes = new Uint8Array(Buffer.from(name, 'latin1'));
  return element(
    MI.matrix,
    concat([
      element(MI.uint32, encode(MI.uint32, [(flags << 8) | cls, 0], little), little),
      element(MI.int32, encode(MI.int32, dims, little), little),
      nameBytes.length <= 4 ? smallElement(MI.int8, nameBytes, little) : element(MI.int8, nameBytes, little),
      element(stored, encode(stored, values, little), little),
    ]),
    little,
  );
}

function compressed(inner: Uint8Array, little = true): Uint8Array {
  return element(MI.compressed, new Uint8Array(deflateSync(inner)), little, false);
}

/** The error a parse throws (which must be a UserError). */
function parseError(bytes: Uint8Array, file = 'bad.mat'): string {
  try {
    parseMatFile(bytes, file);
  } catch (err) {
    assert.ok(err instanceof UserError, `not a UserError: ${String(err)}`);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

// A 2 x 3 matrix [1 2 3; 4 5 6], as MATLAB stores it: column by column.
const A = { name: 'A', cls: CLASS.double, dims: [2, 3], stored: MI.double, values: [1, 4, 2, 5, 3, 6] };

const Parse = suite('parseMatFile');
Parse('reads an uncompressed double matrix, column-major, with MATLAB dims', () => {
  const vars = parseMatFile(concat([header(), matrix(A)]), 'a.mat');
  const a = vars.get('A');
  assert.ok(a);
  assert.is(a.class, 'double');
  assert.is(a.stored, 'double');
  assert.equal(a.dims, [2, 3]);
  assert.instance(a.data, Float64Array);
  assert.equal(Array.from(a.data as Float64Array), [1, 4, 2, 5, 3, 6]);
  assert.is(a.data[columnMajorOffset(a.dims, [1, 2])], 6); // A(2, 3)
  assert.is(a.data[columnMajorOffset(a.dims, [0, 1])], 2); // A(1, 2)
  assert.is(a.logical, false);
});
Parse('reads names in the small data element format and in the normal one', () => {
  const vars = parseMatFile(
    concat([header(), matrix({ ...A, name: 'xy' }), matrix({ ...A, name: 'a_longer_name' })]),
    'names.mat',
  );
  assert.equal([...vars.keys()], ['xy', 'a_longer_name']);
});
Parse('reads a small data element holding the values themselves', () => {
  // A 1 x 1 double stored as one uint8: tag and value in one 8-byte small element.
  const little = true;
  const bytes = concat([
    header(),
    element(
      MI.matrix,
      concat([
        element(MI.uint32, encode(MI.uint32, [CLASS.double, 0], little), little),
        element(MI.int32, encode(MI.int32, [1, 1], little), little),
        smallElement(MI.int8, new Uint8Array(Buffer.from('k')), little),
        smallElement(MI.uint8, new Uint8Array([42]), little),
      ]),
      little,
    ),
  ]);
  const k = parseMatFile(bytes, 'small.mat').get('k');
  assert.ok(k);
  assert.equal(k.dims, [1, 1]);
  assert.equal(Array.from(k.data as Float64Array), [42]);
  assert.is(k.stored, 'uint8');
});
Parse('widens values stored in a smaller type to the class, or keeps them as stored when asked', () => {
  const bytes = concat([header(), matrix({ ...A, stored: MI.uint8 })]);
  const wide = parseMatFile(bytes, 'u8.mat').get('A');
  assert.ok(wide);
  assert.instance(wide.data, Float64Array);
  assert.is(wide.stored, 'uint8');
  assert.equal(Array.from(wide.data as Float64Array), [1, 4, 2, 5, 3, 6]);
  const narrow = parseMatFile(bytes, 'u8.mat', { asStored: true }).get('A');
  assert.ok(narrow);
  assert.instance(narrow.data, Uint8Array);
  assert.is(narrow.class, 'double');
});
Parse('reads miCOMPRESSED elements (zlib) beside plain ones', () => {
  const bytes = concat([
    header(),
    compressed(matrix(A)),
    matrix({ ...A, name: 'B', values: [7, 8, 9, 10, 11, 12] }),
    compressed(matrix({ ...A, name: 'C', cls: CLASS.single, stored: MI.single })),
  ]);
  const vars = parseMatFile(bytes, 'z.mat');
  assert.equal([...vars.keys()], ['A', 'B', 'C']);
  assert.equal(Array.from(vars.get('A')?.data as Float64Array), [1, 4, 2, 5, 3, 6]);
  assert.equal(Array.from(vars.get('B')?.data as Float64Array), [7, 8, 9, 10, 11, 12]);
  assert.instance(vars.get('C')?.data, Float32Array);
});
Parse('reads a 3-D int16 array: dims as stored, first index fastest', () => {
  // X(i, j, k) = 100 i + 10 j + k (1-based), 2 x 3 x 2, listed in column-major order.
  const values: number[] = [];
  for (let k = 1; k <= 2; k++)
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 2; i++) values.push(100 * i + 10 * j + k);
  const x = parseMatFile(
    concat([header(), compressed(matrix({ name: 'X', cls: CLASS.int16, dims: [2, 3, 2], stored: MI.int16, values }))]),
    'x.mat',
  ).get('X');
  assert.ok(x);
  assert.equal(x.dims, [2, 3, 2]);
  assert.is(x.class, 'int16');
  assert.instance(x.data, Int16Array);
  assert.is(x.data[columnMajorOffset(x.dims, [1, 2, 0])], 231);
  assert.is(x.data[columnMajorOffset(x.dims, [0, 1, 1])], 122);
});
Parse('reads big-endian files the same', () => {
  const little = false;
  const bytes = concat([
    header(little),
    matrix({ ...A, little }),
    compressed(
      matrix({ ...A, name: 'U', cls: CLASS.uint16, stored: MI.uint16, values: [1, 2, 300, 4000, 5, 65535], little }),
      little,
    ),
  ]);
  const vars = parseMatFile(bytes, 'be.mat');
  assert.equal(Array.from(vars.get('A')?.data as Float64Array), [1, 4, 2, 5, 3, 6]);
  assert.equal(Array.from(vars.get('U')?.data as Uint16Array), [1, 2, 300, 4000, 5, 65535]);
});
Parse('reads 64-bit integer classes as BigInt arrays, and logical arrays as flagged uint8', () => {
  const vars = parseMatFile(
    concat([
      header(),
      matrix({ name: 'n', cls: CLASS.int64, dims: [1, 2], stored: MI.int64, values: [-5, 2 ** 40] }),
      matrix({ name: 'm', cls: 9, dims: [1, 3], stored: MI.uint8, values: [1, 0, 1], flags: 0x02 }),
    ]),
    'i64.mat',
  );
  assert.equal(Array.from(vars.get('n')?.data as BigInt64Array), [-5n, 2n ** 40n]);
  assert.is(vars.get('m')?.logical, true);
  assert.is(vars.get('m')?.class, 'uint8');
});

const Errors = suite('parseMatFile errors');
Errors('a file cut short names the file and says it is truncated', () => {
  const whole = concat([header(), matrix(A)]);
  assert.match(
    parseError(whole.subarray(0, whole.length - 20), 'cut.mat'),
    /^cut\.mat: truncated: the element at byte 128 .* says \d+ bytes, but only \d+ remain/,
  );
  assert.match(parseError(whole.subarray(0, 132), 'cut.mat'), /^cut\.mat: truncated: 4 bytes at byte 128/);
  assert.match(
    parseError(header().subarray(0, 100), 'short.mat'),
    /short\.mat: truncated MAT-file: 100 bytes, shorter than the 128-byte header/,
  );
  const z = concat([header(), compressed(matrix(A))]);
  assert.match(parseError(z.subarray(0, z.length - 8), 'cutz.mat'), /cutz\.mat: truncated/);
});
Errors('garbage, damaged compressed data and bad headers are UserErrors saying what is wrong', () => {
  const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 251);
  assert.match(parseError(garbage, 'noise.bin'), /^noise\.bin: not a MATLAB level-5 MAT-file/);
  const z = compressed(matrix(A));
  z.fill(0x55, 12, 30); // inside the zlib stream
  assert.match(
    parseError(concat([header(), z]), 'z.mat'),
    /^z\.mat: the compressed element at byte 128 does not inflate/,
  );
  const h = header();
  h[126] = 0x41;
  assert.match(parseError(h, 'e.mat'), /endian indicator is 'AM'/);
  assert.match(parseError(header(true, 'MATLAB 7.3 MAT-file, Platform: x'), 'h5.mat'), /MATLAB 7\.3 MAT-file \(HDF5\)/);
  assert.match(
    parseError(concat([header(), element(MI.double, encode(MI.double, [1], true), true)]), 't.mat'),
    /unexpected element of type 9 at byte 128/,
  );
  assert.match(
    parseError(concat([header(), matrix({ ...A, values: [1, 2, 3] })]), 'd.mat'),
    /variable 'A': dims \[2 x 3\] need 6 values, but the real part holds 24 bytes of double \(3 values\)/,
  );
});
Errors('unsupported kinds of array are refused naming the file and the variable', () => {
  assert.match(
    parseError(concat([header(), matrix({ ...A, name: 'st', cls: CLASS.struct })]), 's.mat'),
    /^s\.mat: variable 'st' is a struct; only numeric arrays are supported/,
  );
  assert.match(
    parseError(concat([header(), compressed(matrix({ ...A, name: 'cx', flags: 0x08 }))]), 'c.mat'),
    /^c\.mat: variable 'cx' is complex/,
  );
});
Errors('a missing file is a UserError naming it', async () => {
  try {
    await readMatFile('/no/such/file.mat');
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.match((err as Error).message, /\/no\/such\/file\.mat: cannot read the MAT-file \(ENOENT\)/);
  }
});
Parse.run();
Errors.run();

// Real files from UTD-MHAD, beside the project (../shared/data), when present.
const dir = join(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data/utd-mhad-sample');
const have = existsSync(dir);
if (!have) console.log(`read-mat-file UTD-MHAD tests: skipped (${dir} absent)`);
if (have) {
  const Real = suite('readMatFile on UTD-MHAD files');
  Real('inertial: d_iner, double N x 6, about 1 g at rest', async () => {
    const vars = await readMatFile(join(dir, 'Inertial/a1_s1_t1_inertial.mat'));
    assert.equal([...vars.keys()], ['d_iner']);
    const x = vars.get('d_iner');
    assert.ok(x);
    assert.is(x.class, 'double');
    assert.equal(x.dims, [160, 6]);
    const n = 160;
    const v = x.data as Float64Array;
    assert.is(v[0], -0.959473); // d_iner(1, 1)
    assert.is(v[columnMajorOffset(x.dims, [0, 3])], 5.221374); // d_iner(1, 4): gyro x in deg/s
    const g = Math.hypot(v[0] as number, v[n] as number, v[2 * n] as number);
    assert.ok(g > 0.9 && g < 1.1, `|acc| = ${g} g`);
  });
  Real('skeleton: d_skel, double 20 x 3 x T in metres', async () => {
    const x = (await readMatFile(join(dir, 'Skeleton/a1_s1_t1_skeleton.mat'))).get('d_skel');
    assert.ok(x);
    assert.equal(x.dims, [20, 3, 48]);
    const head = [0, 1, 2].map((d) => x.data[columnMajorOffset(x.dims, [0, d, 0])] as number);
    assert.ok(
      Math.abs((head[0] as number) + 0.0458) < 1e-3 &&
        Math.abs((head[1] as number) - 0.484) < 1e-3 &&
        Math.abs((head[2] as number) - 2.83) < 1e-3,
      String(head),
    );
    for (const value of x.data as Float64Array) assert.ok(Math.abs(value) < 5);
  });
  Real('depth: d_depth, 240 x 320 x T millimetres, a double array stored as uint16', async () => {
    const x = (await readMatFile(join(dir, 'Depth/a1_s1_t1_depth.mat'), { asStored: true })).get('d_depth');
    assert.ok(x);
    assert.equal(x.dims, [240, 320, 48]);
    assert.is(x.class, 'double');
    assert.is(x.stored, 'uint16');
    assert.instance(x.data, Uint16Array);
    assert.is(x.data[columnMajorOffset(x.dims, [120, 160, 0])], 2743);
    assert.is(x.data[0], 0);
  });
  Real('a real file cut short is a UserError naming it', () => {
    const file = join(dir, 'Depth/a1_s1_t1_depth.mat');
    const bytes = readFileSync(file);
    try {
      parseMatFile(bytes.subarray(0, 5000), file);
      assert.unreachable();
    } catch (err) {
      assert.ok(err instanceof UserError);
      assert.match(
        (err as Error).message,
        /a1_s1_t1_depth\.mat: truncated: the element at byte 128 .*says 131072 bytes, but only 4864 remain/,
      );
    }
  });
  Real.run();
}
