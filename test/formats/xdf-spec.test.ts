/**
 * XDF conformance (issue #20, acceptance 2): our files against the published specification, and
 * the specification's own examples against our reader.
 *
 * Specification: "Format specification of XDF 1.0", https://github.com/sccn/xdf/wiki/Specifications
 * (revision of 2023-03-25, the same text as the original code.google.com/p/xdf wiki page). What the
 * tests below rely on, in its words and tables:
 *   - file:   [Magic Code "XDF:" (4)] [Chunk] [Chunk] ...; every binary field little-endian;
 *             strings UTF-8
 *   - chunk:  [NumLengthBytes (1): 1, 4 or 8] [Length (as coded)] [Tag (2)] [Content]; Length is
 *             "the length of the chunk's remainder that follows the [Length] item" (tag + content);
 *             "a program should use the shortest encoding that can hold the chunk data when writing"
 *   - tags:   1 FileHeader (one per file, first), 2 StreamHeader, 3 Samples, 4 ClockOffset,
 *             5 Boundary, 6 StreamFooter; headers at the beginning, then samples, footers at the end;
 *             any new chunk keeps [NumLengthBytes][Length][Tag] "so that programs can read through
 *             the chunks without having to parse the content structure"
 *   - FileHeader:   [XML]; only <version> is mandatory (a floating-point number, e.g. 1.0)
 *   - StreamHeader: [StreamID (4)] [XML]; <info> must contain <channel_count>, <nominal_srate>,
 *             <channel_format> (int8, int16, int32, int64, float32, double64, string) and should hold
 *             <name>, <type>, <desc>; nominal_srate is 0 for an irregular stream
 *   - Samples: [StreamID (4)] [NumSamplesBytes (1): 1, 4 or 8] [NumSamples] [Sample 1] ... where a
 *             sample is [TimeStampBytes (1): 0 or 8] [time stamp, double, if 8] [Value 1] ... [Value N],
 *             N = channel_count; a string value is [NumLengthBytes] [Length] [UTF-8 bytes]
 *   - ClockOffset: [StreamID (4)] [CollectionTime (double)] [OffsetValue (double)]; the offset is
 *             added to the stream's own time stamps, and collection times are on the stream's clock
 *   - Boundary: the 16 bytes 0x43 0xA5 0x46 0xDC 0xCB 0xF5 0x41 0x0F 0xB3 0x0E 0xD5 0x46 0x73 0x83
 *             0xCB 0xE4; "we recommend writing Boundary chunks every 10 seconds"
 *   - StreamFooter: [StreamID (4)] [XML], e.g. <first_timestamp>, <last_timestamp>, <sample_count>,
 *             <measured_srate>; after all Samples chunks
 *
 * Test A walks a session file written as the recorder writes it byte by byte with a parser written
 * from those tables (test/helpers/xdf-spec-walk.ts, not src/formats/xdf). Test B types the specification's examples into a
 * file by hand and reads it with our reader. test/formats/xdf.test.ts has the exact bytes of small
 * files and the damage tolerance; test/formats/xdf-libxdf.test.ts reads our files with libxdf.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMU_CHANNEL_LABELS } from '../../src/formats/session/session-layout.ts';
import { parseXdf } from '../../src/formats/xdf/xdf-reader.ts';
import {
  BOUNDARY_TICKS,
  FRAMES_PER_TICK,
  IMU_PER_TICK,
  SESSION_TICKS,
  readerStamps,
  writeSessionXdf,
  type SessionXdf,
  type WrittenStream,
} from '../helpers/session-xdf-file.ts';
import { SPEC_UUID, child, texts, walkXdf, type El, type Walk } from '../helpers/xdf-spec-walk.ts';

// --- Test A: a session file, byte by byte -------------------------------------------------------

const Walked = suite('a recorder-style session.xdf, walked byte by byte against the specification');

let dir = '';
let session: SessionXdf;
let walk: Walk;
Walked.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'motionfuse-xdf-spec-'));
  session = await writeSessionXdf(dir);
  walk = walkXdf(session.bytes);
});
Walked.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

Walked('chunks come in the specification order, each Length in its shortest form', () => {
  const { imuA, imuB, video, markers, gaps } = session;
  // Hand-derived from the session's script (test/helpers/session-xdf-file.ts).
  const expected: number[] = [1, 2, 2, 2, 2, 2];
  for (let k = 0; k < SESSION_TICKS; k++) {
    if (BOUNDARY_TICKS.includes(k)) expected.push(5);
    expected.push(3, 3, 3);
    if (k === 0 || k === 5 || k === 10) expected.push(4);
    if (k === 0 || k === 10) expected.push(4);
    if (k === 2 || k === 8 || k === 9) expected.push(3);
    if (k === 6) expected.push(3);
  }
  expected.push(6, 6, 6, 6, 6);
  assert.equal(
    walk.chunks.map((c) => c.tag),
    expected,
  );
  for (const c of walk.chunks) {
    // Length counts the tag and the content; the shortest form holds it.
    const shortest = c.length < 256 ? 1 : c.length < 2 ** 32 ? 4 : 8;
    assert.is(c.numLengthBytes, shortest, `chunk at byte ${c.start}: Length ${c.length}`);
  }
  assert.ok(
    walk.chunks.some((c) => c.numLengthBytes === 1) && walk.chunks.some((c) => c.numLengthBytes === 4),
    'both the 1-byte and the 4-byte forms occur',
  );
  // An IMU Samples chunk: StreamID 4 + NumSamples 2 + 20 x (TimeStampBytes 1 + f64 8 + 6 x f32 4) + tag 2.
  const first = walk.chunks.find((c) => c.tag === 3);
  assert.is(first?.length, 2 + 4 + 2 + IMU_PER_TICK * (1 + 8 + 24));
  assert.equal([...walk.streams.keys()], [imuA.id, imuB.id, video.id, markers.id, gaps.id]);
  assert.equal([imuA.id, imuB.id, video.id, markers.id, gaps.id], [1, 2, 3, 4, 5]);
});

Walked('the FileHeader holds <version> 1.0 and the given fields', () => {
  assert.is(walk.fileHeader.name, 'info');
  assert.equal(texts(walk.fileHeader), { version: '1.0', datetime: session.fileHeader['datetime'] });
  assert.is(Number(child(walk.fileHeader, 'version', 'FileHeader').text), 1);
});

Walked('every StreamHeader has the required and the recommended elements', () => {
  const { imuA, imuB, video, markers, gaps } = session;
  for (const s of [imuA, imuB, video, markers, gaps]) {
    const header = walk.streams.get(s.id)?.header;
    assert.ok(header, s.name);
    assert.is(header.name, 'info');
    const t = texts(header);
    assert.equal(
      {
        name: t['name'],
        type: t['type'],
        channel_count: t['channel_count'],
        nominal_srate: t['nominal_srate'],
        channel_format: t['channel_format'],
        source_id: t['source_id'],
      },
      {
        name: s.name,
        type: s.type,
        channel_count: String(s.channelCount),
        nominal_srate: String(s.nominalSrate),
        channel_format: s.channelFormat,
        source_id: s.sourceId,
      },
      s.name,
    );
    child(header, 'desc', s.name);
  }
  for (const [s, placement] of [
    [imuA, 'wrist'],
    [imuB, 'ankle'],
  ] as const) {
    const desc = child(walk.streams.get(s.id)?.header as El, 'desc', s.name);
    const channels = child(desc, 'channels', s.name).children;
    assert.equal(
      channels.map((c) => (c.name === 'channel' ? texts(c) : c.name)),
      [
        { label: 'acc_x', unit: 'm/s^2', type: 'Acc' },
        { label: 'acc_y', unit: 'm/s^2', type: 'Acc' },
        { label: 'acc_z', unit: 'm/s^2', type: 'Acc' },
        { label: 'gyro_x', unit: 'rad/s', type: 'Gyro' },
        { label: 'gyro_y', unit: 'rad/s', type: 'Gyro' },
        { label: 'gyro_z', unit: 'rad/s', type: 'Gyro' },
      ],
    );
    assert.is(IMU_CHANNEL_LABELS.length, 6);
    assert.is(child(desc, 'placement', s.name).text, placement);
  }
  const videoDesc = child(walk.streams.get(video.id)?.header as El, 'desc', 'video');
  assert.equal(texts(videoDesc), { file: 'video.mkv', width: '64', height: '48', source: 'clip.mp4', clock: 'host' });
});

Walked('Samples hold the time stamps and values written, in the declared formats', () => {
  for (const s of [session.imuA, session.imuB, session.video, session.markers, session.gaps]) {
    const walked = walk.streams.get(s.id);
    assert.ok(walked, s.name);
    assert.equal(
      walked.samples.map((x) => x.stamp),
      s.stamps,
      `${s.name}: time stamps (null: TimeStampBytes 0)`,
    );
    assert.equal(
      walked.samples.flatMap((x) => x.values),
      s.values,
      `${s.name}: values`,
    );
  }
  // IMU B's tick 3 went without time stamps; every other sample has TimeStampBytes 8.
  const bare = walk.streams.get(session.imuB.id)?.samples.filter((x) => x.stamp === null).length;
  assert.is(bare, IMU_PER_TICK);
  assert.is(walk.streams.get(session.imuA.id)?.samples.length, SESSION_TICKS * IMU_PER_TICK);
  assert.is(walk.streams.get(session.video.id)?.samples.length, SESSION_TICKS * FRAMES_PER_TICK);
  // NumSamples: 20 and 3 and 1 take the 1-byte form.
  assert.ok(walk.streams.get(session.imuA.id)?.countWidths.every((w) => w === 1));
  // A marker is the JSON of a SessionMarker, UTF-8 and XML-special characters intact.
  assert.equal(
    walk.streams.get(session.markers.id)?.samples.map((x) => JSON.parse(x.values[0] as string) as unknown),
    [
      { event: 'trial-start', label: 'jump', subject: 'S01' },
      { event: 'trial-stop' },
      { event: 'note', text: 'élan & <ok> "quoted"' },
    ],
  );
  assert.equal(walk.streams.get(session.video.id)?.samples[4], { stamp: 0.25 + 4 / 30, values: [4] });
});

Walked('ClockOffset chunks hold CollectionTime on the device clock and OffsetValue', () => {
  assert.equal(walk.streams.get(session.imuA.id)?.offsets, [
    { time: 1000 + 19 / 200, value: -999.75 },
    { time: 1000 + 119 / 200, value: -999.7505 },
    { time: 1000 + 219 / 200, value: -999.751 },
  ]);
  assert.equal(walk.streams.get(session.imuB.id)?.offsets, [
    { time: 50 + 19 / 200, value: -49.5 },
    { time: 50 + 219 / 200, value: -49.5 },
  ]);
  for (const s of [session.video, session.markers, session.gaps]) {
    assert.equal(walk.streams.get(s.id)?.offsets, [], `${s.name} is on the host clock already`);
  }
});

Walked('every stream has a StreamFooter with first/last time stamp, sample count and clock offsets', () => {
  for (const s of [session.imuA, session.imuB, session.video, session.markers, session.gaps]) {
    const footer = walk.streams.get(s.id)?.footer;
    assert.ok(footer, s.name);
    assert.is(footer.name, 'info');
    const stamps = readerStamps(s);
    assert.is(Number(child(footer, 'first_timestamp', s.name).text), stamps[0], s.name);
    assert.is(Number(child(footer, 'last_timestamp', s.name).text), stamps.at(-1), s.name);
    assert.is(Number(child(footer, 'sample_count', s.name).text), stamps.length, s.name);
    const offsets = child(footer, 'clock_offsets', s.name).children.map((o) => {
      assert.is(o.name, 'offset');
      return { time: Number(child(o, 'time', s.name).text), value: Number(child(o, 'value', s.name).text) };
    });
    assert.equal(offsets, s.clockOffsets, s.name);
  }
  assert.is(
    Number(child(walk.streams.get(session.imuA.id)?.footer as El, 'last_timestamp', 'A').text),
    1000 + 219 / 200,
  );
});

Walked('our reader gives the same streams as the walk', () => {
  const file = parseXdf(session.bytes);
  assert.equal(file.warnings, []);
  for (const s of [session.imuA, session.imuB, session.video, session.markers, session.gaps]) {
    const read = file.streams.find((x) => x.id === s.id);
    assert.ok(read, s.name);
    assert.equal(Array.from(read.timestamps), readerStamps(s), s.name);
    const values =
      s.channelFormat === 'string' ? (read.values as string[][]).flat() : Array.from(read.values as Float32Array);
    assert.equal(values, s.values, s.name);
    assert.equal(read.clockOffsets, s.clockOffsets, s.name);
  }
});

Walked.run();

// --- Test B: the specification's examples, typed in, read by our reader ---------------------------

/** [NumBytes][value] in the given width (the specification allows 1, 4 or 8 whatever the value). */
function varlen(value: number, width: 1 | 4 | 8): number[] {
  const out = Buffer.alloc(1 + width);
  out[0] = width;
  if (width === 1) out.writeUInt8(value, 1);
  else if (width === 4) out.writeUInt32LE(value, 1);
  else out.writeBigUInt64LE(BigInt(value), 1);
  return [...out];
}
/** [NumLengthBytes][Length = 2 + content][Tag u16][Content]. */
function chunk(tag: number, content: number[], width: 1 | 4 | 8): number[] {
  return [...varlen(2 + content.length, width), tag & 0xff, tag >> 8, ...content];
}
const u32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const f64 = (v: number) => [...new Uint8Array(new Float64Array([v]).buffer)];
const f32s = (vs: number[]) => [...new Uint8Array(new Float32Array(vs).buffer)];
const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];

// The FileHeader example of the specification ("FileHeader chunk").
const SPEC_FILE_HEADER = '<?xml version="1.0"?>\n<info>\n<version>1.0</version>\n</info>';
// The StreamHeader example of the specification ("StreamHeader chunk": "the minimal XML content as
// populated by an early client").
const SPEC_STREAM_HEADER = `<?xml version="1.0"?>
<info>
<name>BioSemi</name>
<type>EEG</type>
<channel_count>8</channel_count>
<nominal_srate>100</nominal_srate>
<channel_format>float32</channel_format>
<source_id>453742342</source_id>
<version>1</version>
<created_at>203776.201525182</created_at>
<uid>72fbe5d4-2023-4b65-baec-32580623f75c</uid>
<session_id>default</session_id>
<hostname>Jordan</hostname>
<desc />
</info>`;
// The StreamFooter example of the specification ("StreamFooter chunk").
const SPEC_STREAM_FOOTER = `<?xml version="1.0"?>
<info>
<first_timestamp>10032.5</first_timestamp>
<last_timestamp>33432.1</last_timestamp>
<sample_count>345242</sample_count>
<measured_srate>250.09</measured_srate>
</info>`;
// Only the three elements the specification requires ("must contain at least").
const REQUIRED_ONLY = (count: number, srate: number, format: string) =>
  `<?xml version="1.0"?><info><channel_count>${count}</channel_count><nominal_srate>${srate}</nominal_srate><channel_format>${format}</channel_format></info>`;

const eeg = (s: number) => [s, -s, s / 4, 1e-3 * s, 100 + s, -0.5, 3.25, s * 8].map(Math.fround);

/** The hand-built file, and the byte where its chunk of an unknown tag starts. */
function specExampleFile(): { bytes: Buffer; unknownAt: number } {
  const EEG = 1;
  const MARKERS = 0x02c0ffee; // "an arbitrary integer identifier"
  const STAMPS = 9; // channel_count 0: samples that are time stamps alone
  const sample = (stamp: number | null, values: number[]) => [
    ...(stamp === null ? [0] : [8, ...f64(stamp)]),
    ...f32s(values),
  ];
  const marker = (stamp: number, text: string, width: 1 | 4 | 8) => [
    8,
    ...f64(stamp),
    ...varlen(Buffer.byteLength(text), width),
    ...utf8(text),
  ];
  const before = [
    ...utf8('XDF:'),
    ...chunk(1, utf8(SPEC_FILE_HEADER), 1),
    // A chunk may take the 8-byte length form even when a shorter one would do.
    ...chunk(2, [...u32(EEG), ...utf8(SPEC_STREAM_HEADER)], 8),
    ...chunk(2, [...u32(MARKERS), ...utf8(REQUIRED_ONLY(1, 0, 'string'))], 4),
    ...chunk(2, [...u32(STAMPS), ...utf8(REQUIRED_ONLY(0, 0, 'double64'))], 1),
    // Samples: NumSamples in the 4-byte form; the second and third samples carry no time stamp.
    ...chunk(
      3,
      [...u32(EEG), ...varlen(3, 4), ...sample(10032.5, eeg(0)), ...sample(null, eeg(1)), ...sample(null, eeg(2))],
      4,
    ),
    ...chunk(4, [...u32(EEG), ...f64(10032.52), ...f64(-0.25)], 1),
    ...chunk(5, SPEC_UUID, 1),
    // Strings: [NumLengthBytes][Length][UTF-8], in each of the three widths.
    ...chunk(
      3,
      [
        ...u32(MARKERS),
        ...varlen(3, 1),
        ...marker(10032.6, 'Hello', 1),
        ...marker(10032.7, 'Wörld', 4),
        ...marker(10032.8, '', 8),
      ],
      1,
    ),
    // NumSamples in the 8-byte form; the sample without a time stamp follows the previous chunk's last.
    ...chunk(3, [...u32(EEG), ...varlen(1, 8), ...sample(null, eeg(3))], 4),
  ];
  const unknownAt = before.length;
  const bytes = Buffer.from([
    ...before,
    // A tag XDF 1.0 does not define: its framing lets a reader step over it.
    ...chunk(99, [...u32(EEG), 1, 2, 3, 4, 5], 1),
    ...chunk(3, [...u32(STAMPS), ...varlen(2, 1), 8, ...f64(1), 8, ...f64(2)], 1),
    ...chunk(4, [...u32(EEG), ...f64(10042.5), ...f64(-0.2501)], 1),
    ...chunk(6, [...u32(EEG), ...utf8(SPEC_STREAM_FOOTER)], 4),
    ...chunk(6, [...u32(MARKERS), ...utf8('<?xml version="1.0"?><info><sample_count>3</sample_count></info>')], 1),
  ]);
  return { bytes, unknownAt };
}

const Examples = suite("the specification's own examples, read by our reader");

Examples('streams, header fields and footer come back as the specification writes them', () => {
  const { bytes, unknownAt } = specExampleFile();
  const file = parseXdf(bytes);
  assert.equal(file.warnings, [
    `1 chunk(s) of tag 99, which XDF 1.0 does not define, were skipped (first at byte ${unknownAt})`,
  ]);
  assert.equal(file.header, { version: '1.0' });
  assert.equal(
    file.streams.map((s) => s.id),
    [1, 0x02c0ffee, 9],
    'in the order of their StreamHeaders',
  );
  const [eegStream, markers, stamps] = file.streams;
  assert.ok(eegStream && markers && stamps);
  assert.equal(
    { ...eegStream.info, fields: undefined },
    {
      name: 'BioSemi',
      type: 'EEG',
      channelCount: 8,
      nominalSrate: 100,
      channelFormat: 'float32',
      sourceId: '453742342',
      createdAt: 203776.201525182,
      desc: {},
      fields: undefined,
    },
  );
  assert.equal(
    [
      eegStream.info.fields['uid'],
      eegStream.info.fields['session_id'],
      eegStream.info.fields['hostname'],
      eegStream.info.fields['version'],
    ],
    ['72fbe5d4-2023-4b65-baec-32580623f75c', 'default', 'Jordan', '1'],
  );
  // The footer is read as written (it is redundant, so it need not match the samples).
  assert.equal(
    { ...eegStream.footer, fields: undefined },
    { firstTimestamp: 10032.5, lastTimestamp: 33432.1, sampleCount: 345242, clockOffsets: [], fields: undefined },
  );
  assert.is(eegStream.footer?.fields['measured_srate'], '250.09');
  assert.equal(
    {
      name: markers.info.name,
      type: markers.info.type,
      sourceId: markers.info.sourceId,
      srate: markers.info.nominalSrate,
    },
    { name: '', type: '', sourceId: '', srate: 0 },
    'a header with the three required elements alone is usable',
  );
  assert.is(markers.footer?.sampleCount, 3);
  assert.is(stamps.footer, undefined);
});

Examples('samples without a time stamp are the previous + 1 / nominal_srate, across chunks', () => {
  const [eegStream] = parseXdf(specExampleFile().bytes).streams;
  assert.ok(eegStream);
  // 10032.5, then + 0.01 (1 / 100 Hz) per sample, in double arithmetic as readers do it.
  const t1 = 10032.5 + 0.01;
  const t2 = t1 + 0.01;
  const t3 = t2 + 0.01;
  assert.equal(Array.from(eegStream.timestamps), [10032.5, t1, t2, t3]);
  assert.ok(Math.abs(t3 - 10032.53) < 1e-9);
  assert.equal(Array.from(eegStream.values as Float32Array), [...eeg(0), ...eeg(1), ...eeg(2), ...eeg(3)]);
});

Examples('ClockOffset chunks come back in file order, not applied', () => {
  const [eegStream, markers] = parseXdf(specExampleFile().bytes).streams;
  assert.equal(eegStream?.clockOffsets, [
    { time: 10032.52, value: -0.25 },
    { time: 10042.5, value: -0.2501 },
  ]);
  assert.equal(markers?.clockOffsets, []);
  assert.is(eegStream?.timestamps[0], 10032.5);
});

Examples('string values in the 1-, 4- and 8-byte length forms, and a stream of 0 channels', () => {
  const [, markers, stamps] = parseXdf(specExampleFile().bytes).streams;
  assert.equal(markers?.values, [['Hello'], ['Wörld'], ['']]);
  assert.equal(Array.from(markers?.timestamps ?? []), [10032.6, 10032.7, 10032.8]);
  assert.is(stamps?.info.channelCount, 0);
  assert.equal(Array.from(stamps?.timestamps ?? []), [1, 2]);
  assert.equal(stamps?.values, new Float64Array(0));
});

Examples.run();
