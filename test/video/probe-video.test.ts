import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isUserError } from '../../src/core/errors.ts';
import { whichTool } from '../../src/core/run-tool.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import { ffmpegMessage, probeVideo, type VideoProbe } from '../../src/video/probe-video.ts';

/**
 * probeVideo on the real clips in ../shared/data/video (skipped, saying so, when the folder is
 * absent), checked against ffprobe where it is installed (Debian's ffmpeg package has it; our
 * code does not use it).
 */
const VIDEO_DIR = fileURLToPath(new URL('../../../shared/data/video', import.meta.url));
const present = existsSync(VIDEO_DIR);
if (!present) console.log(`probe-video tests: skipped (no real clips: ${VIDEO_DIR} is absent)`);
const clips = present
  ? readdirSync(VIDEO_DIR)
      .sort()
      .map((f) => join(VIDEO_DIR, f))
  : [];
const ffmpeg = (await locateFfmpeg()).path;
const ffprobe = await whichTool('ffprobe');
const probes = new Map<string, VideoProbe>();
const probeOf = async (path: string) =>
  probes.get(path) ?? (probes.set(path, await probeVideo(ffmpeg, path)).get(path) as VideoProbe);

/** Rejects if `promise` takes longer than `ms`: a hang fails the test instead of stalling the run. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function userError(promise: Promise<unknown>): Promise<Error> {
  try {
    await within(30_000, promise);
  } catch (err) {
    assert.ok(isUserError(err), `expected a UserError, got ${String(err)}`);
    return err as Error;
  }
  throw new Error('expected a UserError, got none');
}

const Clips = suite('probeVideo: the real clips');
const clipTest = present ? Clips : Clips.skip;

clipTest(
  'every clip probes: a size, a codec, a nominal rate, and one strictly increasing timestamp per frame',
  async () => {
    assert.is(clips.length, 7);
    for (const path of clips) {
      const p = await probeOf(path);
      assert.is(p.path, path);
      assert.ok(p.frameCount > 0 && p.width > 0 && p.height > 0, path);
      assert.ok(p.fps > 0 && Number.isFinite(p.fps), `${path}: fps ${p.fps}`);
      assert.match(p.codec, /^(h264|mpeg4)$/, path);
      assert.is(p.timestamps.length, p.frameCount, path);
      for (let i = 1; i < p.frameCount; i++)
        assert.ok((p.timestamps[i] as number) > (p.timestamps[i - 1] as number), `${path}: t[${i}] does not increase`);
      const span = (p.timestamps[p.frameCount - 1] as number) - (p.timestamps[0] as number);
      assert.ok(Math.abs(p.duration - (span + 1 / p.fps)) < 1e-9, path);
    }
  },
);

clipTest('the clips hold what the data folder says they hold', async () => {
  const avi = await probeOf(join(VIDEO_DIR, 'tests_data_test.avi'));
  assert.equal([avi.width, avi.height, avi.fps, avi.frameCount, avi.codec], [320, 240, 25, 164, 'mpeg4']);
  // Packed B-frames: the first frame is shown at one interval, then every 1/25 s exactly.
  assert.is(avi.timestamps[0], 1 / 25);
  assert.is(avi.timestamps[163], 164 / 25);
  assert.ok(Math.abs(avi.duration - 6.56) < 1e-9);
  const ntu = await probeOf(join(VIDEO_DIR, 'tools_data_skeleton_S001C001P001R001A001_rgb.avi'));
  assert.equal([ntu.width, ntu.height, ntu.frameCount, ntu.codec], [1920, 1080, 103, 'h264']);
});

const reference = present && ffprobe !== undefined ? Clips : Clips.skip;
if (present && ffprobe === undefined)
  console.log(
    '  probe-video: the ffprobe comparison is skipped (no ffprobe on PATH; apt-get install ffmpeg provides it)',
  );
reference('frame counts, sizes, codecs and timestamps agree with ffprobe -count_frames', async () => {
  for (const path of clips) {
    const p = await probeOf(path);
    const { stdout } = await promisify(execFile)(
      ffprobe as string,
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-count_frames',
        '-show_entries',
        'stream=nb_read_frames,width,height,codec_name:frame=best_effort_timestamp_time',
        '-of',
        'json',
        path,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const json = JSON.parse(stdout) as {
      streams: { nb_read_frames: string; width: number; height: number; codec_name: string }[];
      frames: { best_effort_timestamp_time?: string }[];
    };
    const stream = json.streams[0];
    assert.ok(stream, path);
    assert.is(p.frameCount, Number(stream.nb_read_frames), path);
    assert.equal([p.width, p.height, p.codec], [stream.width, stream.height, stream.codec_name], path);
    // ffprobe prints six decimals. It leaves the frames flushed from the decoder at the end of an
    // AVI without a time (1 of the MPEG-4 clip, 2 of the H.264 one) where ffmpeg predicts one, a
    // frame interval after the previous: those are checked for that.
    assert.is(json.frames.length, p.frameCount, path);
    const timed = json.frames.findLastIndex((f) => f.best_effort_timestamp_time !== undefined) + 1;
    assert.ok(timed >= p.frameCount - 2, `${path}: ffprobe gave no time to the last ${p.frameCount - timed} frames`);
    json.frames.forEach((f, i) => {
      const t = p.timestamps[i] as number;
      if (i < timed) {
        assert.ok(
          Math.abs(Number(f.best_effort_timestamp_time) - t) <= 5e-7,
          `${path}: frame ${i}: ffprobe ${f.best_effort_timestamp_time}, probe ${t}`,
        );
      } else {
        assert.ok(
          Math.abs(t - (p.timestamps[i - 1] as number) - 1 / p.fps) < 1e-9,
          `${path}: frame ${i} (no time from ffprobe) at ${t}`,
        );
      }
    });
  }
});
Clips.run();

const Damaged = suite('probeVideo: files it cannot use');
const damagedTest = present ? Damaged : Damaged.skip;
let scratch = '';
Damaged.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'motionfuse-probe-'));
});
Damaged.after(() => rmSync(scratch, { recursive: true, force: true }));

/** The first half of a clip's bytes, as a cut download leaves it. */
function truncatedCopy(name: string): string {
  const bytes = readFileSync(join(VIDEO_DIR, name));
  const path = join(scratch, `half of ${name}`);
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return path;
}

damagedTest(
  'a truncated AVI (its first half decodes, with errors) is a UserError naming the file and what ffmpeg said',
  async () => {
    const path = truncatedCopy('tests_data_test.avi');
    const err = await userError(probeVideo(ffmpeg, path));
    assert.ok(err.message.includes(path), err.message);
    assert.match(err.message, /damaged or truncated: ffmpeg: mpeg4: /);
    assert.not.match(err.message, /\n/);
  },
);

damagedTest('a truncated MP4 (no moov atom) is a UserError naming the file and what ffmpeg said', async () => {
  const path = truncatedCopy('tests_data_rawvideo_dataset_part_0.mp4');
  const err = await userError(probeVideo(ffmpeg, path));
  assert.ok(err.message.includes(path), err.message);
  assert.match(err.message, /moov atom not found/);
});

Damaged('a missing file, a folder and a file with no video stream are UserErrors naming them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-probe-'));
  try {
    const missing = join(dir, 'no such clip.mp4');
    assert.match((await userError(probeVideo(ffmpeg, missing))).message, `video file not found: ${missing}`);
    assert.match((await userError(probeVideo(ffmpeg, dir))).message, `video ${dir} is not a file`);
    // 0.1 s of silence as a WAV file: a readable file without a video stream.
    const wav = join(dir, 'silence.wav');
    const samples = 800;
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + 2 * samples, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(8000, 24);
    header.writeUInt32LE(16000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    header.writeUInt32LE(2 * samples, 40);
    writeFileSync(wav, Buffer.concat([header, Buffer.alloc(2 * samples)]));
    assert.match((await userError(probeVideo(ffmpeg, wav))).message, `${wav} has no video stream`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Damaged('an aborted probe rejects with the abort reason', async () => {
  if (!present) return;
  const controller = new AbortController();
  const probing = probeVideo(ffmpeg, join(VIDEO_DIR, 'tests_data_test.mp4'), { signal: controller.signal });
  controller.abort(new Error('stop'));
  try {
    await within(30_000, probing);
    assert.unreachable('the probe finished');
  } catch (err) {
    assert.is((err as Error).message, 'stop');
  }
});

Damaged('ffmpeg log lines read as one plain line', () => {
  assert.is(ffmpegMessage('[mpeg4 @ 0x3ee1f500] [error] ac-tex damaged at 19 8'), 'mpeg4: ac-tex damaged at 19 8');
  assert.is(
    ffmpegMessage('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x32c98c00] [error] moov atom not found'),
    'mov,mp4,m4a,3gp,3g2,mj2: moov atom not found',
  );
  assert.is(ffmpegMessage('[error] /x.mp4: No such file or directory'), '/x.mp4: No such file or directory');
});
Damaged.run();
