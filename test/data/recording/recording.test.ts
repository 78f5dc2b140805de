import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors.ts';
import type { Sample } from '../../../src/core/sample.ts';
import type { Stream } from '../../../src/core/stream.ts';
import { readXdf } from '../../../src/formats/xdf/xdf-reader.ts';
import { readRecording } from '../../../src/data/recording/read-recording.ts';
import { writeRecording } from '../../../src/data/recording/write-recording.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../../src/data/synthetic/synthetic-take.ts';
import { locateFfmpeg } from '../../../src/video/ffmpeg-binary.ts';

/** The recording layout: a synthetic take written to disk and read back, bit for bit. */
const options = { ...SYNTHETIC_DEFAULTS, seed: 5 };
const subject = generateSubject(options, 2);
const jump = generateTake(options, subject, 'jump', 0);
let ffmpeg = '';
let root = '';

const Recording = suite('recording layout');
Recording.before(async () => {
  ffmpeg = (await locateFfmpeg()).path;
  root = await mkdtemp(join(tmpdir(), 'motionfuse-recording-'));
});
Recording.after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
}
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function streamBytes(s: Stream): Buffer[] {
  if (s.kind === 'video') return [bytes(s.t), bytes(s.decoded?.frames as Uint8Array)];
  if (s.kind === 'pose') return [bytes(s.t), bytes(s.data), bytes(s.score as Float32Array)];
  return [bytes(s.t), bytes(s.data)];
}

Recording('a take read back equals the take written: streams, timestamps, video frames, ground truth', async () => {
  const dir = join(root, 'S03-jump-t01');
  await writeRecording(dir, jump, { ffmpeg, provenance: { generator: 'test' } });
  assert.equal((await readdir(dir)).sort(), ['session.xdf', 'take.json', 'video.mkv']);
  const back: Sample = await readRecording(dir, { decodeVideo: true, ffmpeg });
  assert.is(back.id, jump.id);
  assert.is(back.label, 'jump');
  assert.is(back.subject, jump.subject);
  assert.equal(back.events, jump.events);
  assert.equal(back.meta, jump.meta);
  assert.equal(
    back.streams.map((s) => s.kind),
    jump.streams.map((s) => s.kind),
  );
  jump.streams.forEach((s, i) => {
    const b = back.streams[i] as Stream;
    assert.is(b.rate, s.rate);
    assert.equal(b.meta, s.meta);
    if (s.kind === 'imu' && b.kind === 'imu') assert.equal([b.sensorId, b.placement], [s.sensorId, s.placement]);
    streamBytes(s).forEach((x, k) =>
      assert.ok(x.equals(streamBytes(b)[k] as Buffer), `stream ${i} (${s.kind}) part ${k} differs`),
    );
  });
  // Lazily, the video is a file reference of the right length.
  const lazy = await readRecording(dir);
  const video = lazy.streams.find((s) => s.kind === 'video');
  assert.equal(video?.kind === 'video' ? video.source : undefined, {
    path: join(dir, 'video.mkv'),
    startFrame: 0,
    endFrame: 60,
  });
  // Other XDF readers see the IMU streams on their device clocks and the ground truth as markers.
  const xdf = await readXdf(join(dir, 'session.xdf'));
  const markers = xdf.streams.find((s) => s.info.type === 'Markers');
  assert.ok(markers !== undefined && (markers.values as string[][]).some((v) => v[0] === 'takeoff'));
  assert.equal(
    xdf.streams.filter((s) => s.info.type === 'IMU').map((s) => s.info.desc['clock']),
    ['device', 'device', 'device'],
  );
});

Recording('the same take written twice gives byte-identical files', async () => {
  const a = join(root, 'a', jump.id);
  const b = join(root, 'b', jump.id);
  await writeRecording(a, jump, { ffmpeg });
  await writeRecording(b, jump, { ffmpeg });
  for (const f of ['session.xdf', 'video.mkv', 'take.json']) {
    assert.ok((await readFile(join(a, f))).equals(await readFile(join(b, f))), `${f} differs`);
  }
});

Recording('refuses to overwrite; a failed write leaves no folder behind', async () => {
  const dir = join(root, 'again');
  await writeRecording(dir, jump, { ffmpeg });
  assert.match(String(await rejection(writeRecording(dir, jump, { ffmpeg }))), /already exists/);
  const broken = join(root, 'broken');
  assert.match(
    String(await rejection(writeRecording(broken, jump, { ffmpeg: join(root, 'no-such-ffmpeg') }))),
    /no-such-ffmpeg/,
  );
  assert.not.ok(
    (await readdir(root)).some((f) => f.startsWith('broken')),
    'no half-written take left behind',
  );
});

Recording('a damaged recording is a UserError that names the file', async () => {
  const dir = join(root, 'damaged');
  await writeRecording(dir, jump, { ffmpeg });
  await truncate(join(dir, 'video.mkv'), 2000);
  const err = await rejection(readRecording(dir, { decodeVideo: true, ffmpeg }));
  assert.ok(err instanceof UserError, String(err));
  assert.match((err as Error).message, join(dir, 'video.mkv'));
  await writeFile(join(dir, 'take.json'), '{ "format": ');
  const bad = await rejection(readRecording(dir));
  assert.ok(bad instanceof UserError);
  assert.match((bad as Error).message, join(dir, 'take.json'));
});

Recording.run();
