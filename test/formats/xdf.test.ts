import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/core/errors.ts';
import { encodeXdf, writeXdfFile, type XdfStreamData } from '../../src/formats/xdf/encode-xdf.ts';
import {
  encodeBoundaryChunk,
  encodeClockOffsetChunk,
  encodeSamplesChunk,
} from '../../src/formats/xdf/xdf-chunk-encoders.ts';
import {
  XDF_CHANNEL_FORMATS,
  XdfFormatError,
  decodeChunkHeader,
  decodeVarLenInt,
  encodeVarLenInt,
  type XdfNumericFormat,
  type XdfNumericValues,
} from '../../src/formats/xdf/xdf-chunks.ts';
import { XdfWriter } from '../../src/formats/xdf/xdf-writer.ts';
import { parseXdf, readXdf } from '../../src/formats/xdf/xdf-reader.ts';

// --- helpers -----------------------------------------------------------------------------------

const u32 = (v: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return [...b];
};
const f64 = (v: number): number[] => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [...b];
};
const f32 = (v: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v);
  return [...b];
};
const ascii = (s: string): number[] => [...Buffer.from(s, 'utf8')];

/** The spec's Boundary UUID, typed in from github.com/sccn/xdf/wiki/Specifications. */
const SPEC_BOUNDARY = [0x43, 0xa5, 0x46, 0xdc, 0xcb, 0xf5, 0x41, 0x0f, 0xb3, 0x0e, 0xd5, 0x46, 0x73, 0x83, 0xcb, 0xe4];

/** [tag, start, end] of every chunk of a well-formed file. */
function chunksOf(buf: Buffer): { tag: number; start: number; end: number }[] {
  const out: { tag: number; start: number; end: number }[] = [];
  for (let pos = 4; pos < buf.length;) {
    const c = decodeChunkHeader(buf, pos);
    out.push({ tag: c.tag, start: c.start, end: c.end });
    pos = c.end;
  }
  return out;
}

/** Timestamps a reader reconstructs for n samples stored without one: previous + 1/srate from 0. */
function reconstructed(n: number, srate: number, from = 0): Float64Array {
  const out = new Float64Array(n);
  let t = from;
  for (let i = 0; i < n; i++) out[i] = t += 1 / srate;
  return out;
}

const SAMPLE_VALUES: Record<XdfNumericFormat, XdfNumericValues> = {
  float32: new Float32Array([1.5, -2.25, 3.4028234663852886e38, -0, Infinity, 1e-30]),
  double64: new Float64Array([Math.PI, -1e300, 5e-324, 0.1 + 0.2, -Infinity, 42]),
  int8: new Int8Array([-128, 127, 0, -1, 5, 6]),
  int16: new Int16Array([-32768, 32767, 0, -1, 300, -300]),
  int32: new Int32Array([-2147483648, 2147483647, 0, -1, 70000, -70000]),
  int64: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n, 12345678901234n]),
};

let dir = '';
function withTempDir(s: Test): Test {
  s.before.each(async () => {
    dir = await mkdtemp(join(tmpdir(), 'motionfuse-xdf-'));
  });
  s.after.each(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return s;
}

// --- variable-length integers ---------------------------------------------------------------------

const VarLen = suite('encodeVarLenInt / decodeVarLenInt');

VarLen('uses the 1-byte form up to 255, the 4-byte form up to 2^32 - 1 and the 8-byte form beyond', () => {
  assert.equal([...encodeVarLenInt(0)], [1, 0]);
  assert.equal([...encodeVarLenInt(255)], [1, 255]);
  assert.equal([...encodeVarLenInt(256)], [4, 0x00, 0x01, 0x00, 0x00]);
  assert.equal([...encodeVarLenInt(2 ** 32 - 1)], [4, 0xff, 0xff, 0xff, 0xff]);
  assert.equal([...encodeVarLenInt(2 ** 32)], [8, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.equal([...encodeVarLenInt(2n ** 32n)], [8, 0, 0, 0, 0, 1, 0, 0, 0]);
});

VarLen('decodes every form back, and reads forms a writer chose wider than needed', () => {
  for (const v of [0, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1]) {
    const bytes = Buffer.concat([Buffer.from([9, 9]), encodeVarLenInt(v)]);
    assert.equal(decodeVarLenInt(bytes, 2), { value: v, end: bytes.length });
  }
  // LabRecorder writes sample counts in the 4-byte form whatever their size.
  assert.equal(decodeVarLenInt(Buffer.from([4, 3, 0, 0, 0]), 0), { value: 3, end: 5 });
  assert.equal(decodeVarLenInt(Buffer.from([8, 0, 1, 0, 0, 0, 0, 0, 0]), 0), { value: 256, end: 9 });
});

VarLen('tells a truncated integer from an impossible one', () => {
  const kind = (bytes: number[]): string => {
    try {
      decodeVarLenInt(Buffer.from(bytes), 0);
      return 'ok';
    } catch (err) {
      return err instanceof XdfFormatError ? err.kind : 'other';
    }
  };
  assert.is(kind([]), 'truncated');
  assert.is(kind([4, 1, 2]), 'truncated');
  assert.is(kind([2, 1, 2]), 'corrupt');
  assert.is(kind([0]), 'corrupt');
  assert.is(kind([8, 0, 0, 0, 0, 0, 0, 0, 0x80]), 'corrupt');
});

VarLen('names the bad argument', () => {
  assert.throws(() => encodeVarLenInt(-1), /encodeVarLenInt\(\): value must be a non-negative safe integer, got -1/);
  assert.throws(() => encodeVarLenInt(1.5), /got 1.5/);
  assert.throws(() => encodeVarLenInt(2n ** 64n), /unsigned 64-bit/);
});

VarLen.run();

// --- exact bytes -------------------------------------------------------------------------------------

const Bytes = suite('XDF bytes, built by hand from the specification');

Bytes('a one-sample float32 file is byte for byte what the specification lays out', () => {
  const headerXml = '<?xml version="1.0"?><info><version>1.0</version></info>';
  const streamXml =
    '<?xml version="1.0"?><info><name>acc</name><type>IMU</type><channel_count>1</channel_count>' +
    '<channel_format>float32</channel_format><source_id>wrist-1</source_id><nominal_srate>100</nominal_srate>' +
    '<desc><channels><channel><label>ax</label><unit>m/s^2</unit><type>Acc</type></channel></channels></desc></info>';
  const footerXml =
    '<?xml version="1.0"?><info><first_timestamp>5.25</first_timestamp><last_timestamp>5.25</last_timestamp>' +
    '<sample_count>1</sample_count><clock_offsets/></info>';
  assert.ok(headerXml.length + 2 < 256 && footerXml.length + 6 < 256, 'these chunks take the 1-byte length form');
  assert.ok(streamXml.length + 6 > 255, 'the stream header takes the 4-byte length form');
  const expected = Buffer.from([
    ...ascii('XDF:'),
    // FileHeader: [NumLengthBytes 1][Length = tag + XML][Tag 1][XML]
    1,
    headerXml.length + 2,
    1,
    0,
    ...ascii(headerXml),
    // StreamHeader: [NumLengthBytes 4][Length u32][Tag 2][StreamID 1][XML]
    4,
    ...u32(streamXml.length + 6),
    2,
    0,
    ...u32(1),
    ...ascii(streamXml),
    // Samples: [1][Length 21][Tag 3][StreamID][NumSamples: 1-byte form, 1]
    //          [TimeStampBytes 8][f64 5.25][f32 1.5]
    1,
    21,
    3,
    0,
    ...u32(1),
    1,
    1,
    8,
    ...f64(5.25),
    ...f32(1.5),
    // StreamFooter: [1][Length][Tag 6][StreamID][XML]
    1,
    footerXml.length + 6,
    6,
    0,
    ...u32(1),
    ...ascii(footerXml),
  ]);
  const written = encodeXdf([
    {
      info: {
        name: 'acc',
        type: 'IMU',
        channelCount: 1,
        nominalSrate: 100,
        channelFormat: 'float32',
        sourceId: 'wrist-1',
        desc: { channels: { channel: [{ label: 'ax', unit: 'm/s^2', type: 'Acc' }] } },
      },
      timestamps: new Float64Array([5.25]),
      values: new Float32Array([1.5]),
    },
  ]);
  assert.equal([...written], [...expected]);
});

Bytes('Boundary and ClockOffset chunks hold exactly the fields the specification lists', () => {
  assert.equal([...encodeBoundaryChunk()], [1, 18, 5, 0, ...SPEC_BOUNDARY]);
  assert.equal([...encodeClockOffsetChunk(7, 12.5, -0.25)], [1, 22, 4, 0, ...u32(7), ...f64(12.5), ...f64(-0.25)]);
});

Bytes('a sample without a time stamp is TimeStampBytes 0; strings are a varlen byte count and UTF-8', () => {
  const chunk = encodeSamplesChunk(3, { channelFormat: 'string', channelCount: 2 }, null, ['é', ''], 0, 1);
  // content: StreamID(4) + count(2) + stamp(1) + [1,2,0xc3,0xa9](4) + [1,0](2) = 13, + tag = 15
  assert.equal([...chunk], [1, 15, 3, 0, ...u32(3), 1, 1, 0, 1, 2, 0xc3, 0xa9, 1, 0]);
});

Bytes.run();

// --- round trips ----------------------------------------------------------------------------------------

const RoundTrip = suite('encodeXdf -> parseXdf');

RoundTrip('every numeric channel format round-trips with its time stamps', () => {
  for (const format of XDF_CHANNEL_FORMATS) {
    if (format === 'string') continue;
    const values = SAMPLE_VALUES[format];
    const timestamps = new Float64Array([10, 10.5, 11.125]);
    const file = parseXdf(
      encodeXdf([
        {
          info: { name: format, type: 'T', channelCount: 2, nominalSrate: 2, channelFormat: format },
          timestamps,
          values,
        },
      ]),
    );
    assert.equal(file.warnings, [], format);
    const [stream] = file.streams;
    assert.ok(stream, format);
    assert.is(stream.values.constructor, values.constructor, format);
    assert.equal(stream.values, values, format);
    assert.equal(stream.timestamps, timestamps, format);
    assert.equal(
      { ...stream.info, fields: undefined, desc: undefined },
      {
        name: format,
        type: 'T',
        channelCount: 2,
        nominalSrate: 2,
        channelFormat: format,
        sourceId: '',
        createdAt: undefined,
        fields: undefined,
        desc: undefined,
      },
    );
  }
});

RoundTrip('samples stored without time stamps come back as previous + 1 / nominal_srate', () => {
  for (const format of XDF_CHANNEL_FORMATS) {
    const values = format === 'string' ? ['a', 'b', 'c', 'd', 'e', 'f'] : SAMPLE_VALUES[format];
    const file = parseXdf(
      encodeXdf([
        {
          info: { name: 'n', type: 'T', channelCount: 3, nominalSrate: 250, channelFormat: format },
          timestamps: null,
          values,
        },
      ]),
    );
    const [stream] = file.streams;
    assert.ok(stream);
    assert.equal(stream.timestamps, reconstructed(2, 250), format);
    assert.is(stream.footer?.firstTimestamp, 1 / 250, format);
    assert.is(stream.footer?.lastTimestamp, reconstructed(2, 250)[1], format);
  }
});

RoundTrip('string channels keep UTF-8, XML-special characters, empty strings and whitespace', () => {
  const rows = [
    ['jump <start> & "go"', 'ünïcödé ✓ 跳'],
    ['', '  padded\n\tline  '],
    ['🏃‍♀️', "it's </info>"],
  ];
  const file = parseXdf(
    encodeXdf([
      {
        info: { name: 'm', type: 'Markers', channelCount: 2, nominalSrate: 0, channelFormat: 'string' },
        timestamps: new Float64Array([1, 2, 3]),
        values: rows,
      },
      {
        info: { name: 'flat', type: 'Markers', channelCount: 2, nominalSrate: 0, channelFormat: 'string' },
        timestamps: new Float64Array([1, 2, 3]),
        values: rows.flat(),
      },
    ]),
  );
  assert.equal(file.warnings, []);
  assert.equal(file.streams[0]?.values, rows);
  assert.equal(file.streams[1]?.values, rows);
});

RoundTrip('stream metadata and desc survive XML, escaping included', () => {
  const desc = {
    channels: {
      channel: [
        { label: 'a<b & "c"', unit: "m/s'2", type: 'Acc' },
        { label: '  spaced  ', unit: 'x>y', type: 'Gyro' },
      ],
    },
    placement: { site: 'left wrist', note: 'line 1\nline 2' },
    manufacturer: 'ACME & Sons',
  };
  const file = parseXdf(
    encodeXdf([
      {
        info: {
          name: 'n <1>',
          type: 'IMU & co',
          channelCount: 2,
          nominalSrate: 100,
          channelFormat: 'float32',
          sourceId: 'id"\'&',
          createdAt: 123.456,
          desc,
        },
        timestamps: null,
        values: new Float32Array(4),
      },
    ]),
  );
  const info = file.streams[0]?.info;
  assert.is(info?.name, 'n <1>');
  assert.is(info?.type, 'IMU & co');
  assert.is(info?.sourceId, 'id"\'&');
  assert.is(info?.createdAt, 123.456);
  assert.equal(info?.desc, desc);
});

RoundTrip('a single channel in desc still reads back as a list', () => {
  const desc = { channels: { channel: [{ label: 'only' }] } };
  const file = parseXdf(
    encodeXdf([
      {
        info: { name: 'n', type: 't', channelCount: 1, nominalSrate: 1, channelFormat: 'int8', desc },
        timestamps: null,
        values: new Int8Array(1),
      },
    ]),
  );
  assert.equal(file.streams[0]?.info.desc, desc);
});

RoundTrip('clock offsets come back from their chunks and from the footer', () => {
  const clockOffsets = [
    { time: 100, value: -0.0125 },
    { time: 105, value: -0.013 },
    { time: 110.5, value: 1e-9 },
  ];
  const file = parseXdf(
    encodeXdf([
      {
        info: { name: 'n', type: 't', channelCount: 1, nominalSrate: 10, channelFormat: 'double64' },
        timestamps: new Float64Array([100.1, 107, 111]),
        values: new Float64Array([1, 2, 3]),
        clockOffsets,
      },
    ]),
  );
  const stream = file.streams[0];
  assert.equal(stream?.clockOffsets, clockOffsets);
  assert.equal(stream?.footer?.clockOffsets, clockOffsets);
  assert.is(stream?.footer?.firstTimestamp, 100.1);
  assert.is(stream?.footer?.lastTimestamp, 111);
  assert.is(stream?.footer?.sampleCount, 3);
});

RoundTrip('the file header holds version and what the caller gave, and no clock time of its own', () => {
  const bare = encodeXdf([]);
  assert.not.ok(bare.includes('datetime'));
  assert.equal(parseXdf(bare).header, { version: '1.0' });
  const file = parseXdf(encodeXdf([], { datetime: '2024-05-01T10:00:00Z', subject: 'S01 & S02' }));
  assert.equal(file.header, { version: '1.0', datetime: '2024-05-01T10:00:00Z', subject: 'S01 & S02' });
});

RoundTrip('a stream with no samples has empty arrays and a footer without time stamps', () => {
  const file = parseXdf(
    encodeXdf([
      {
        info: { name: 'e', type: 't', channelCount: 4, nominalSrate: 0, channelFormat: 'int32' },
        timestamps: new Float64Array(0),
        values: new Int32Array(0),
      },
    ]),
  );
  const stream = file.streams[0];
  assert.equal(stream?.values, new Int32Array(0));
  assert.equal(stream?.timestamps, new Float64Array(0));
  assert.equal(
    { ...stream?.footer, fields: undefined },
    { firstTimestamp: undefined, lastTimestamp: undefined, sampleCount: 0, clockOffsets: [], fields: undefined },
  );
});

RoundTrip('long streams are split into chunks with Boundary chunks every 10 s and read back whole', () => {
  const n = 5000;
  const timestamps = new Float64Array(n).map((_, i) => 1000 + i / 100);
  const values = new Float32Array(n * 3).map((_, i) => Math.sin(i));
  const marks = {
    info: { name: 'm', type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string' as const },
    timestamps: new Float64Array([1005, 1030]),
    values: ['a', 'b'],
  };
  const buf = encodeXdf([
    {
      info: { name: 'imu', type: 'IMU', channelCount: 3, nominalSrate: 100, channelFormat: 'float32' },
      timestamps,
      values,
    },
    marks,
  ]);
  const tags = chunksOf(buf).map((c) => c.tag);
  assert.is(
    tags.filter((t) => t === 3).length,
    5 + 1,
    'imu: 1024 + 1024 + 1024 + 1024 + 904 samples; markers: one chunk',
  );
  assert.is(
    tags.filter((t) => t === 5).length,
    4,
    'before the imu chunks starting at 1010.24, 1020.48, 1030.72, 1040.96',
  );
  const file = parseXdf(buf);
  assert.equal(file.warnings, []);
  assert.equal(file.streams[0]?.timestamps, timestamps);
  assert.equal(file.streams[0]?.values, values);
  assert.equal(file.streams[1]?.values, [['a'], ['b']]);
});

RoundTrip('plain numbers are converted, and bad values are refused with the argument named', () => {
  const info = { name: 'n', type: 't', channelCount: 2, nominalSrate: 5, channelFormat: 'int16' as const };
  const file = parseXdf(encodeXdf([{ info, timestamps: null, values: [1, -2, 300, 4] }]));
  assert.equal(file.streams[0]?.values, new Int16Array([1, -2, 300, 4]));
  assert.throws(
    () => encodeXdf([{ info, timestamps: null, values: [1, 2.5] }]),
    /encodeXdf\(\): streams\[0\]\.values\[1\] = 2.5 is not an int16/,
  );
  assert.throws(
    () => encodeXdf([{ info, timestamps: null, values: [1, 70000] }]),
    /values\[1\] = 70000 is not an int16/,
  );
  assert.throws(
    () => encodeXdf([{ info, timestamps: null, values: [1, 2, 3] }]),
    /3 entries, not a multiple of channelCount 2/,
  );
  assert.throws(
    () => encodeXdf([{ info, timestamps: new Float64Array(1), values: [1, 2, 3, 4] }]),
    /1 timestamps for 2 samples/,
  );
  assert.throws(
    () => encodeXdf([{ info: { ...info, nominalSrate: 0 }, timestamps: null, values: [1, 2] }]),
    /timestamps are required for an irregular stream/,
  );
  assert.throws(
    () => encodeXdf([{ info: { ...info, channelFormat: 'float' as never }, timestamps: null, values: [1, 2] }]),
    /channelFormat must be one of float32, double64, string, int32, int16, int8, int64; got 'float'/,
  );
  assert.throws(
    () => encodeXdf([{ info: { ...info, desc: { '1bad': 'x' } }, timestamps: null, values: [] }]),
    /'1bad' is not a usable XML element name/,
  );
  assert.throws(
    () => encodeXdf([{ info: { ...info, name: 'bell\u0007' }, timestamps: null, values: [] }]),
    /name holds U\+0007 at index 4/,
  );
  assert.throws(() => encodeXdf([], { version: '2.0' }), /fileHeader.version is set by the writer/);
});

RoundTrip.run();

// --- determinism and the one-shot file writer ----------------------------------------------------------------

const OneShot = withTempDir(suite('writeXdfFile'));

function sampleStreams(): XdfStreamData[] {
  return [
    {
      info: {
        name: 'imu',
        type: 'IMU',
        channelCount: 2,
        nominalSrate: 50,
        channelFormat: 'float32',
        desc: { channels: { channel: [{ label: 'x' }, { label: 'y' }] } },
      },
      timestamps: null,
      values: new Float32Array(2000).map((_, i) => i / 7),
    },
    {
      info: { name: 'events', type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string' },
      timestamps: new Float64Array([0.5, 12]),
      values: ['takeoff', 'landing'],
      clockOffsets: [{ time: 3, value: 0.01 }],
    },
  ];
}

OneShot('the same input gives the same bytes, in memory and on disk', async () => {
  assert.ok(encodeXdf(sampleStreams(), { datetime: 'x' }).equals(encodeXdf(sampleStreams(), { datetime: 'x' })));
  await writeXdfFile(join(dir, 'a.xdf'), sampleStreams());
  await writeXdfFile(join(dir, 'b', 'a.xdf'), sampleStreams());
  const [a, b] = await Promise.all([readFile(join(dir, 'a.xdf')), readFile(join(dir, 'b', 'a.xdf'))]);
  assert.ok(a.equals(b));
  assert.ok(a.equals(encodeXdf(sampleStreams())));
  assert.equal((await readdir(dir)).sort(), ['a.xdf', 'b'], 'no temporary file is left behind');
});

OneShot.run();

// --- the live writer -----------------------------------------------------------------------------------------

const Live = withTempDir(suite('XdfWriter'));

Live('a copy taken before close() reads up to the last chunk; after close() the footers are there', async () => {
  const path = join(dir, 'session', 'rec.xdf');
  let now = 0;
  const xdf = await XdfWriter.open(path, { fileHeader: { datetime: '2024-05-01T10:00:00Z' }, clock: () => now });
  const imu = xdf.addStream({
    name: 'wrist',
    type: 'IMU',
    channelCount: 3,
    nominalSrate: 100,
    channelFormat: 'float32',
  });
  const marks = xdf.addStream({
    name: 'events',
    type: 'Markers',
    channelCount: 1,
    nominalSrate: 0,
    channelFormat: 'string',
  });
  assert.equal([imu, marks], [1, 2]);
  const all: number[] = [];
  for (let k = 0; k < 5; k++) {
    now = k;
    const values = new Float32Array(30).map((_, i) => k * 100 + i);
    all.push(...values);
    xdf.writeSamples(
      imu,
      new Float64Array(10).map((_, i) => k + i / 100),
      values,
    );
  }
  xdf.writeSamples(marks, new Float64Array([2.5]), ['jump']);
  xdf.writeClockOffset(imu, 4.5, -0.002);
  xdf.writeSamples(imu, null, new Float32Array(3).fill(7));

  const copy = join(dir, 'copy.xdf');
  await copyFile(path, copy);
  const partial = await readXdf(copy);
  assert.equal(partial.warnings, []);
  assert.equal(partial.header, { version: '1.0', datetime: '2024-05-01T10:00:00Z' });
  assert.is(partial.streams[0]?.timestamps.length, 51);
  const lastStamp = 4 + 9 / 100 + 1 / 100;
  assert.is(partial.streams[0]?.timestamps[50], lastStamp);
  assert.equal(Array.from(partial.streams[0]?.values as Float32Array).slice(0, 150), all);
  assert.equal(partial.streams[1]?.values, [['jump']]);
  assert.equal(partial.streams[0]?.clockOffsets, [{ time: 4.5, value: -0.002 }]);
  assert.is(partial.streams[0]?.footer, undefined);

  await xdf.close();
  await xdf.close();
  const full = await readXdf(path);
  assert.equal(full.warnings, []);
  assert.equal(full.streams[0]?.values, partial.streams[0]?.values);
  assert.equal(
    { ...full.streams[0]?.footer, fields: undefined },
    {
      firstTimestamp: 0,
      lastTimestamp: lastStamp,
      sampleCount: 51,
      clockOffsets: [{ time: 4.5, value: -0.002 }],
      fields: undefined,
    },
  );
  assert.is(full.streams[1]?.footer?.sampleCount, 1);
});

Live('a crash in the middle of a chunk loses only that chunk', async () => {
  const path = join(dir, 'rec.xdf');
  const xdf = await XdfWriter.open(path);
  const id = xdf.addStream({ name: 's', type: 't', channelCount: 2, nominalSrate: 10, channelFormat: 'int32' });
  xdf.writeSamples(id, null, new Int32Array([1, 2, 3, 4]));
  xdf.writeSamples(id, null, new Int32Array([5, 6]));
  const bytes = await readFile(path);
  const last = chunksOf(bytes).at(-1);
  assert.ok(last);
  const cut = last.start + 7;
  const file = parseXdf(bytes.subarray(0, cut));
  assert.equal(file.streams[0]?.values, new Int32Array([1, 2, 3, 4]));
  assert.equal(file.warnings, [
    `file ends at byte ${cut}, inside the chunk (tag 3) that starts at byte ${last.start} and needs ${last.end - cut} more bytes; read everything before byte ${last.start}`,
  ]);
  await xdf.close();
});

Live('writes a Boundary chunk when boundaryEverySeconds have passed', async () => {
  const path = join(dir, 'rec.xdf');
  let now = 0;
  const xdf = await XdfWriter.open(path, { boundaryEverySeconds: 2, clock: () => now });
  const id = xdf.addStream({ name: 's', type: 't', channelCount: 1, nominalSrate: 1, channelFormat: 'double64' });
  for (now = 0; now < 7; now++) xdf.writeSamples(id, new Float64Array([now]), new Float64Array([now]));
  await xdf.close();
  const tags = chunksOf(await readFile(path)).map((c) => c.tag);
  assert.equal(tags, [1, 2, 3, 3, 5, 3, 3, 5, 3, 3, 5, 3, 6]);
});

Live('refuses to overwrite a recording unless told to', async () => {
  const path = join(dir, 'rec.xdf');
  await writeFile(path, 'precious');
  try {
    await XdfWriter.open(path);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, `${path} already exists`);
  }
  assert.is(await readFile(path, 'utf8'), 'precious');
  const xdf = await XdfWriter.open(path, { overwrite: true });
  await xdf.close();
  assert.equal((await readXdf(path)).header, { version: '1.0' });
});

Live('names the stream, the argument and the state in its errors', async () => {
  const xdf = await XdfWriter.open(join(dir, 'rec.xdf'));
  const id = xdf.addStream({ name: 's', type: 't', channelCount: 2, nominalSrate: 10, channelFormat: 'float32' });
  assert.throws(
    () => xdf.writeSamples(9, null, new Float32Array(2)),
    /XdfWriter.writeSamples\(\): no stream 9 in .*rec.xdf \(streams: 1\)/,
  );
  assert.throws(
    () => xdf.writeSamples(id, null, new Float32Array(3)),
    /writeSamples\(\): values has 3 entries, not a multiple of channelCount 2/,
  );
  assert.throws(
    () => xdf.writeClockOffset(id, Number.NaN, 0),
    /writeClockOffset\(\): collectionTime must be a finite number, got NaN/,
  );
  assert.throws(
    () => xdf.addStream({ name: 's', type: 't', channelCount: 0, nominalSrate: 10, channelFormat: 'float32' }),
    /addStream\(\): channelCount must be a positive integer, got 0/,
  );
  await xdf.close();
  assert.throws(() => xdf.writeSamples(id, null, new Float32Array(2)), /writeSamples\(\): .*rec.xdf is closed/);
  await XdfWriter.open(join(dir, 'x.xdf'), { flushEverySeconds: -1 }).then(
    () => assert.unreachable('should have thrown'),
    (err: unknown) =>
      assert.match(
        (err as Error).message,
        /XdfWriter.open\(\): flushEverySeconds must be a number >= 0 of seconds, got -1/,
      ),
  );
});

Live('fsyncs after every chunk with flushEverySeconds 0 and still closes cleanly', async () => {
  const path = join(dir, 'rec.xdf');
  const xdf = await XdfWriter.open(path, { flushEverySeconds: 0 });
  const id = xdf.addStream({ name: 's', type: 't', channelCount: 1, nominalSrate: 100, channelFormat: 'int8' });
  for (let k = 0; k < 20; k++) xdf.writeSamples(id, null, new Int8Array([k]));
  await xdf.close();
  assert.equal(
    (await readXdf(path)).streams[0]?.values,
    new Int8Array(20).map((_, k) => k),
  );
});

Live('a failed write is a user error naming the file', async () => {
  const full = '/dev/full'; // every write fails with ENOSPC
  try {
    await XdfWriter.open(full, { overwrite: true });
    assert.unreachable('should have thrown');
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'ENOENT' ||
      !(err instanceof Error) ||
      err.message.includes('cannot create')
    ) {
      console.log(`  (skipped: ${full} is not usable here)`);
      return;
    }
    assert.instance(err, UserError);
    assert.match(err.message, /writing to \/dev\/full failed: ENOSPC/);
  }
});

Live.run();

// --- tolerance ---------------------------------------------------------------------------------------------

const Tolerant = withTempDir(suite('parseXdf on damaged files'));

Tolerant('a file that is not XDF is an error naming the file', async () => {
  const path = join(dir, 'notes.txt');
  await writeFile(path, 'hello world');
  try {
    await readXdf(path);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, UserError);
    assert.is((err as Error).message, `${path} is not an XDF file: it does not start with 'XDF:'`);
  }
  assert.throws(
    () => parseXdf(Buffer.from('XD')),
    /the buffer is not an XDF file: it does not start with 'XDF:' \(it has only 2 bytes\)/,
  );
  await readXdf(join(dir, 'missing.xdf')).then(
    () => assert.unreachable('should have thrown'),
    (err: unknown) => assert.match((err as Error).message, /cannot read XDF file .*missing.xdf/),
  );
});

Tolerant('a file cut at any byte gives a prefix of its streams and a warning, never a throw', () => {
  const streams: XdfStreamData[] = [
    {
      info: { name: 'a', type: 't', channelCount: 2, nominalSrate: 10, channelFormat: 'int16' },
      timestamps: null,
      values: new Int16Array([1, 2, 3, 4, 5, 6]),
    },
    {
      info: { name: 'b', type: 't', channelCount: 1, nominalSrate: 0, channelFormat: 'string' },
      timestamps: new Float64Array([0.1, 0.2]),
      values: ['x', 'yé'],
      clockOffsets: [{ time: 0.15, value: 1 }],
    },
  ];
  const whole = encodeXdf(streams);
  const full = parseXdf(whole);
  const starts = new Set(chunksOf(whole).map((c) => c.start));
  for (let cut = 0; cut <= whole.length; cut++) {
    const part = whole.subarray(0, cut);
    if (cut < 4) {
      assert.throws(() => parseXdf(part), /not an XDF file/);
      continue;
    }
    const file = parseXdf(part);
    file.streams.forEach((s, i) => {
      const ref = full.streams[i];
      assert.ok(ref, `cut ${cut}`);
      assert.equal(Array.from(s.timestamps), Array.from(ref.timestamps).slice(0, s.timestamps.length), `cut ${cut}`);
      const values = Array.from(s.values as ArrayLike<unknown>);
      assert.equal(values, Array.from(ref.values as ArrayLike<unknown>).slice(0, values.length), `cut ${cut}`);
    });
    if (!starts.has(cut) && cut !== whole.length) {
      assert.ok(
        file.warnings.some((w) => w.startsWith(`file ends at byte ${cut}, inside the`)),
        `cut ${cut}: ${file.warnings.join('; ')}`,
      );
    }
  }
});

Tolerant('a damaged chunk length is skipped up to the next Boundary chunk', async () => {
  // One Samples chunk of 2 samples per second of clock, a Boundary chunk every 10 s.
  const path = join(dir, 'rec.xdf');
  let now = 0;
  const xdf = await XdfWriter.open(path, { clock: () => now });
  const id = xdf.addStream({ name: 's', type: 't', channelCount: 1, nominalSrate: 2, channelFormat: 'double64' });
  for (now = 0; now < 25; now++)
    xdf.writeSamples(id, new Float64Array([now, now + 0.5]), new Float64Array([now, now + 0.5]));
  await xdf.close();
  const bytes = await readFile(path);
  const chunks = chunksOf(bytes);
  const samples = chunks.filter((c) => c.tag === 3);
  const boundaries = chunks.filter((c) => c.tag === 5);
  assert.is(samples.length, 25);
  assert.is(boundaries.length, 2);
  const damaged = samples[3];
  assert.ok(damaged);
  const kept = (file: ReturnType<typeof parseXdf>): number[] => Array.from(file.streams[0]?.timestamps ?? []);
  const expected = [0, 0.5, 1, 1.5, 2, 2.5, ...Array.from({ length: 15 }, (_, k) => [10 + k, 10.5 + k]).flat()];

  // The width byte made impossible, then the length value made too long, then too short.
  for (const [offset, value] of [
    [0, 2],
    [1, 0xff],
    [1, 10],
  ] as const) {
    const copy = Buffer.from(bytes);
    copy[damaged.start + offset] = value;
    const file = parseXdf(copy);
    assert.equal(kept(file), expected, `byte +${offset} = ${value}`);
    assert.is(file.warnings.length, 1, file.warnings.join('; '));
    assert.match(file.warnings[0] ?? '', `byte ${damaged.start}: damaged chunk`);
    assert.match(file.warnings[0] ?? '', `resumed after the Boundary chunk that ends at byte ${boundaries[0]?.end}`);
    assert.is(file.streams[0]?.footer?.sampleCount, 50, 'the footer after the damage is read');
  }

  // Damage after the last Boundary chunk: the rest of the file is lost, with a warning.
  const late = samples[22];
  assert.ok(late);
  const copy = Buffer.from(bytes);
  copy[late.start] = 3;
  const file = parseXdf(copy);
  assert.is(kept(file).length, 44);
  assert.match(file.warnings[0] ?? '', `byte ${late.start}: damaged chunk`);
  assert.match(file.warnings[0] ?? '', 'no Boundary chunk follows');
});

Tolerant('chunks for a stream without a StreamHeader are skipped with one warning', () => {
  const base = encodeXdf([
    {
      info: { name: 'a', type: 't', channelCount: 1, nominalSrate: 1, channelFormat: 'int8' },
      timestamps: null,
      values: new Int8Array([1]),
    },
  ]);
  const stray = encodeSamplesChunk(99, { channelFormat: 'int8', channelCount: 1 }, null, new Int8Array([5]), 0, 1);
  const file = parseXdf(Buffer.concat([base, stray, stray, encodeClockOffsetChunk(99, 1, 2)]));
  assert.equal(
    file.streams.map((s) => s.id),
    [1],
  );
  assert.equal(file.streams[0]?.values, new Int8Array([1]));
  assert.equal(file.warnings, [
    `2 Samples chunk(s) for stream id 99, which has no StreamHeader before them, were skipped (first at byte ${base.length})`,
    `1 ClockOffset chunk(s) for stream id 99, which has no StreamHeader before them, were skipped (first at byte ${base.length + 2 * stray.length})`,
  ]);
});

Tolerant("reads another writer's choices: indented XML, 4-byte counts, mixed time stamps", () => {
  // As LabRecorder writes: pretty-printed LSL XML, NumSamples always in the 4-byte form.
  const headerXml = '<?xml version="1.0"?>\n<info>\n\t<version>1.0</version>\n</info>\n';
  const streamXml =
    '<?xml version="1.0"?>\n<info>\n\t<name>SendDataC</name>\n\t<type>EEG</type>\n\t<channel_count>2</channel_count>\n\t<channel_format>int16</channel_format>\n\t<nominal_srate>10.00000000000000</nominal_srate>\n\t<created_at>50942.723319709003</created_at>\n\t<desc />\n\t<hostname>lab&amp;1</hostname>\n</info>\n';
  const samples = [4, 3, 0, 0, 0, 8, ...f64(5.1), 1, 0, 2, 0, 0, 3, 0, 4, 0, 0, 5, 0, 6, 0];
  const file = parseXdf(
    Buffer.from([
      ...ascii('XDF:'),
      1,
      headerXml.length + 2,
      1,
      0,
      ...ascii(headerXml),
      4,
      ...u32(streamXml.length + 6),
      2,
      0,
      ...u32(0x02c0ffee),
      ...ascii(streamXml),
      1,
      samples.length + 6,
      3,
      0,
      ...u32(0x02c0ffee),
      ...samples,
    ]),
  );
  assert.equal(file.warnings, []);
  assert.equal(file.header, { version: '1.0' });
  const s = file.streams[0];
  assert.is(s?.id, 0x02c0ffee);
  assert.is(s?.info.nominalSrate, 10);
  assert.is(s?.info.createdAt, 50942.723319709003);
  assert.equal(s?.info.desc, {});
  assert.is(s?.info.fields['hostname'], 'lab&1');
  assert.equal(s?.timestamps, new Float64Array([5.1, 5.1 + 0.1, 5.1 + 0.1 + 0.1]));
  assert.equal(s?.values, new Int16Array([1, 2, 3, 4, 5, 6]));
  assert.is(s?.footer, undefined);
});

Tolerant('any single damaged byte gives a result, never a throw', () => {
  const whole = encodeXdf([
    {
      info: { name: 'a', type: 't', channelCount: 2, nominalSrate: 1, channelFormat: 'float32' },
      timestamps: new Float64Array(12).map((_, i) => i),
      values: new Float32Array(24),
    },
    {
      info: { name: 'b', type: 't', channelCount: 1, nominalSrate: 0, channelFormat: 'string' },
      timestamps: new Float64Array([3, 11]),
      values: ['x', 'yz'],
      clockOffsets: [
        { time: 4, value: 0 },
        { time: 12, value: 0 },
      ],
    },
  ]);
  assert.ok(
    chunksOf(whole).some((c) => c.tag === 5),
    'the file has a Boundary chunk to resume at',
  );
  for (let at = 4; at < whole.length; at++) {
    for (const flip of [0xff, 0x01]) {
      const copy = Buffer.from(whole);
      copy[at] = (copy[at] as number) ^ flip;
      parseXdf(copy);
    }
  }
});

Tolerant.run();
