import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUserError } from '../../src/core/errors.ts';
import { decodeClip, type DecodedClip } from '../../src/video/decode-clip.ts';
import { decodeVideoFrames, decodesInOnePass } from '../../src/video/decode-video.ts';
import { HANDOVER_FOLDER, handoverRoom } from '../../src/video/file-decoding-run.ts';
import { evenlySpacedIndices } from '../../src/video/frame-selection.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import { probeVideo, type VideoProbe } from '../../src/video/probe-video.ts';

/**
 * decodeVideoFrames / decodeClip on the real clips in ../shared/data/video (skipped, saying so,
 * when the folder is absent). Frames are decoded at 64 x 64 to keep the work small.
 */
const VIDEO_DIR = fileURLToPath(new URL('../../../shared/data/video', import.meta.url));
const present = existsSync(VIDEO_DIR);
if (!present) console.log(`decode-video tests: skipped (no real clips: ${VIDEO_DIR} is absent)`);
const clips = present
  ? readdirSync(VIDEO_DIR)
      .sort()
      .map((f) => join(VIDEO_DIR, f))
  : [];
const AVI = join(VIDEO_DIR, 'tests_data_test.avi');
const ffmpeg = (await locateFfmpeg()).path;
const SIZE = 64;
const FRAME = SIZE * SIZE * 3;

const probes = new Map<string, VideoProbe>();
const probeOf = async (path: string) =>
  probes.get(path) ?? (probes.set(path, await probeVideo(ffmpeg, path)).get(path) as VideoProbe);
const cropped = new Map<string, DecodedClip>();

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Our ffmpeg children (Linux /proc): pid and state; undefined where /proc cannot tell. */
function ffmpegChildren(): { pid: number; state: string }[] | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const m = /^\d+ \((.*)\) (\S) (\d+)/.exec(readFileSync(`/proc/${d}/stat`, 'utf8'));
        return m !== null && Number(m[3]) === process.pid && (m[1] as string).includes('ffmpeg')
          ? [{ pid: Number(d), state: m[2] as string }]
          : [];
      } catch {
        return [];
      }
    });
}

const frameOf = (clip: DecodedClip, j: number) => clip.frames.frames.subarray(j * FRAME, (j + 1) * FRAME);

const Decode = suite('decodeVideoFrames: the real clips');
const clipTest = present ? Decode : Decode.skip;

clipTest(
  'every clip decodes at 64x64, cropped and padded, to its probed frame count with the probed times',
  async () => {
    for (const path of clips) {
      const probe = await probeOf(path);
      for (const fit of ['crop', 'pad'] as const) {
        const clip = await within(60_000, decodeClip(ffmpeg, path, { size: SIZE, fit, probe }));
        assert.equal([clip.frames.width, clip.frames.height, clip.frames.channels], [SIZE, SIZE, 3]);
        assert.is(clip.frames.frames.length, probe.frameCount * FRAME, `${path} (${fit})`);
        assert.equal(
          clip.indices,
          Array.from({ length: probe.frameCount }, (_, i) => i),
        );
        assert.equal(Array.from(clip.timestamps), Array.from(probe.timestamps));
        assert.equal([clip.sourceWidth, clip.sourceHeight, clip.fps], [probe.width, probe.height, probe.fps]);
        if (fit === 'crop') cropped.set(path, clip);
      }
    }
  },
);

clipTest(
  'one pass (no probe given): every clip gives the frames, times and probe of probing then decoding',
  async () => {
    assert.ok(decodesInOnePass({ size: SIZE }) && decodesInOnePass({ size: SIZE, frames: { every: 2 } }));
    assert.not.ok(
      decodesInOnePass({ size: SIZE, frames: { count: 8 } }) ||
        decodesInOnePass({}) ||
        decodesInOnePass({ size: SIZE, probe: await probeOf(AVI) }),
    );
    for (const path of clips) {
      const probe = await probeOf(path);
      const both = cropped.get(path) ?? (await decodeClip(ffmpeg, path, { size: SIZE, probe }));
      const estimates: (number | undefined)[] = [];
      const once = await within(
        60_000,
        decodeClip(ffmpeg, path, { size: SIZE, onFrame: (_, expected) => estimates.push(expected) }),
      );
      assert.ok(Buffer.from(once.frames.frames).equals(Buffer.from(both.frames.frames)), `${path}: frames differ`);
      assert.equal(once.indices, both.indices);
      assert.equal(Array.from(once.timestamps), Array.from(probe.timestamps), path);
      assert.equal(
        { ...once.probe, timestamps: Array.from(once.probe.timestamps) },
        { ...probe, timestamps: Array.from(probe.timestamps) },
        path,
      );
      // The progress total: the header's duration x rate, within 10% of the count.
      assert.ok(
        estimates.every(
          (e) => e !== undefined && Math.abs(e - probe.frameCount) <= Math.max(3, 0.1 * probe.frameCount),
        ),
        `${path}: estimates ${[...new Set(estimates)].join(', ')} for ${probe.frameCount} frames`,
      );
    }
    const probe = await probeOf(AVI);
    const every = await decodeClip(ffmpeg, AVI, { size: SIZE, frames: { every: 40 } });
    assert.equal(every.indices, [0, 40, 80, 120, 160]);
    assert.equal(
      Array.from(every.timestamps),
      every.indices.map((i) => probe.timestamps[i]),
    );
    const all = cropped.get(AVI) as DecodedClip;
    every.indices.forEach((i, j) =>
      assert.ok(Buffer.from(frameOf(every, j)).equals(Buffer.from(frameOf(all, i))), `frame ${i}`),
    );
  },
);

clipTest('crop fills the square; pad keeps the whole 4:3 frame between black bars', async () => {
  const probe = await probeOf(AVI);
  const pad = await decodeClip(ffmpeg, AVI, { size: SIZE, fit: 'pad', probe, frames: { indices: [80] } });
  const crop = await decodeClip(ffmpeg, AVI, { size: SIZE, fit: 'crop', probe, frames: { indices: [80] } });
  const row = (clip: DecodedClip, y: number) => clip.frames.frames.subarray(y * SIZE * 3, (y + 1) * SIZE * 3);
  // 320 x 240 scaled to 64 x 48: 8 black rows above and below.
  for (const y of [0, 7, 56, 63])
    assert.ok(
      row(pad, y).every((v) => v === 0),
      `pad row ${y} is not black`,
    );
  for (const y of [8, 32, 55])
    assert.ok(
      row(pad, y).some((v) => v > 20),
      `pad row ${y} is black`,
    );
  for (const y of [0, 63])
    assert.ok(
      row(crop, y).some((v) => v > 20),
      `crop row ${y} is black`,
    );
});

clipTest(
  '{ count: 8 } gives 8 evenly spaced frames with their times, pixel for pixel those of a full decode',
  async () => {
    for (const path of [AVI, join(VIDEO_DIR, 'tests_data_test.mp4')]) {
      const probe = await probeOf(path);
      const all = cropped.get(path) ?? (await decodeClip(ffmpeg, path, { size: SIZE, probe }));
      const frames = [];
      for await (const f of decodeVideoFrames(ffmpeg, path, { size: SIZE, frames: { count: 8 }, probe }))
        frames.push(f);
      const expected = evenlySpacedIndices(probe.frameCount, 8);
      assert.equal(
        frames.map((f) => f.index),
        expected,
      );
      assert.equal(
        frames.map((f) => f.t),
        expected.map((i) => probe.timestamps[i]),
      );
      frames.forEach((f) =>
        assert.ok(Buffer.from(f.frame).equals(Buffer.from(frameOf(all, f.index))), `${path}: frame ${f.index} differs`),
      );
    }
  },
);

clipTest(
  '{ count } and { indices } without a probe: one pass over every frame, then the same frames and times as probing first; a clip over the one-pass limit probes',
  async () => {
    const calls: number[] = [];
    for (const path of [AVI, join(VIDEO_DIR, 'tests_data_test.mp4')]) {
      const probe = await probeOf(path);
      for (const frames of [{ count: 8 }, { indices: [0, 5, 5, 6, probe.frameCount - 1] }] as const) {
        const probed = await decodeClip(ffmpeg, path, { size: SIZE, frames, probe });
        // Held to 10 frames, the one pass gives up and the clip is probed, then the selection decoded.
        for (const onePassLimit of [undefined, 10 * FRAME]) {
          const once = await within(
            60_000,
            decodeClip(ffmpeg, path, {
              size: SIZE,
              frames,
              ...(onePassLimit === undefined ? {} : { onePassLimit }),
              onFrame: (n) => calls.push(n),
            }),
          );
          assert.equal(once.indices, probed.indices);
          assert.equal(Array.from(once.timestamps), Array.from(probed.timestamps));
          assert.ok(
            Buffer.from(once.frames.frames).equals(Buffer.from(probed.frames.frames)),
            `${path} ${JSON.stringify(frames)}: frames differ`,
          );
          assert.equal(
            { ...once.probe, timestamps: Array.from(once.probe.timestamps) },
            { ...probe, timestamps: Array.from(probe.timestamps) },
          );
        }
      }
    }
    assert.equal(calls.slice(0, 8), [1, 2, 3, 4, 5, 6, 7, 8], 'onFrame counts the selected frames');
  },
);

clipTest('{ every } and { indices } (repeats allowed) pick those frames', async () => {
  const probe = await probeOf(AVI);
  const all = cropped.get(AVI) ?? (await decodeClip(ffmpeg, AVI, { size: SIZE, probe }));
  const every = await decodeClip(ffmpeg, AVI, { size: SIZE, probe, frames: { every: 40 } });
  assert.equal(every.indices, [0, 40, 80, 120, 160]);
  const picked = await decodeClip(ffmpeg, AVI, { size: SIZE, probe, frames: { indices: [0, 5, 5, 6, 163] } });
  assert.equal(picked.indices, [0, 5, 5, 6, 163]);
  assert.equal(
    Array.from(picked.timestamps),
    [0, 5, 5, 6, 163].map((i) => probe.timestamps[i]),
  );
  [every, picked].forEach((clip) =>
    clip.indices.forEach((i, j) =>
      assert.ok(Buffer.from(frameOf(clip, j)).equals(Buffer.from(frameOf(all, i))), `frame ${i}`),
    ),
  );
});

clipTest('a bad size names the argument', async () => {
  const probe = await probeOf(AVI);
  try {
    await decodeClip(ffmpeg, AVI, { size: 0, probe });
    assert.unreachable('size 0 accepted');
  } catch (err) {
    assert.match((err as Error).message, /decodeVideoFrames\(\): size must be a whole number of pixels/);
  }
});
Decode.run();

const Ends = suite('decodeVideoFrames: early ends');
const endsTest = present ? Ends : Ends.skip;
let scratch = '';
Ends.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'motionfuse-decode-'));
});
Ends.after(() => rmSync(scratch, { recursive: true, force: true }));

endsTest(
  'a truncated copy yields the frames it holds, then a UserError naming it; without a probe its probe fails first',
  async () => {
    const bytes = readFileSync(AVI);
    const half = join(scratch, 'half of tests_data_test.avi');
    writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // With the whole file's probe (as if the file were cut after probing): decoding runs out early.
    const probe = await probeOf(AVI);
    let decoded = 0;
    try {
      await within(
        30_000,
        (async () => {
          for await (const f of decodeVideoFrames(ffmpeg, half, { size: 32, probe }))
            decoded += f.frame.length > 0 ? 1 : 0;
        })(),
      );
      assert.unreachable('no error');
    } catch (err) {
      assert.ok(isUserError(err), String(err));
      assert.match((err as Error).message, `video ${half} ended after ${decoded} of the 164 frames asked for`);
    }
    assert.ok(decoded > 40 && decoded < 164, `${decoded} frames`);
    // In one pass (no probe): the frames before the damage, then the probe's own error, as soon as ffmpeg reports it.
    let before = 0;
    try {
      await within(
        30_000,
        (async () => {
          for await (const f of decodeVideoFrames(ffmpeg, half, { size: 32 })) before += f.frame.length > 0 ? 1 : 0;
        })(),
      );
      assert.unreachable('no error');
    } catch (err) {
      assert.ok(isUserError(err), String(err));
      assert.match((err as Error).message, `video ${half} is damaged or truncated: ffmpeg: `);
    }
    assert.ok(before < 164, `${before} frames`);
    // A { count } selection (which needs the count) fails with the same error.
    try {
      await within(30_000, decodeClip(ffmpeg, half, { size: 32, frames: { count: 8 } }));
      assert.unreachable('no error');
    } catch (err) {
      assert.ok(isUserError(err), String(err));
      assert.match((err as Error).message, `video ${half} is damaged or truncated`);
    }
    if (ffmpegChildren() !== undefined) assert.equal(ffmpegChildren(), []);
  },
);

endsTest('a missing file is a UserError naming it', async () => {
  const missing = join(scratch, 'gone.mp4');
  try {
    await within(30_000, decodeClip(ffmpeg, missing, { size: 32 }));
    assert.unreachable('no error');
  } catch (err) {
    assert.ok(isUserError(err), String(err));
    assert.match((err as Error).message, `video file not found: ${missing}`);
  }
  // Also when a probe is given (the file went away after probing).
  try {
    await within(30_000, decodeClip(ffmpeg, missing, { size: 32, probe: await probeOf(AVI) }));
    assert.unreachable('no error');
  } catch (err) {
    assert.match((err as Error).message, `video file not found: ${missing}`);
  }
});

endsTest('breaking out of the loop leaves no ffmpeg child running', async () => {
  if (ffmpegChildren() === undefined) {
    console.log('  (child check skipped: no /proc here)');
    return;
  }
  const path = join(VIDEO_DIR, 'tests_data_test.mp4');
  // After a probe, and in one pass.
  for (const probe of [await probeOf(path), undefined]) {
    let during: number | undefined;
    for await (const f of decodeVideoFrames(ffmpeg, path, { size: SIZE, ...(probe === undefined ? {} : { probe }) })) {
      if (f.index === 2) {
        during = ffmpegChildren()?.filter((c) => c.state !== 'Z').length;
        break;
      }
    }
    assert.is(during, 1, 'ffmpeg was not running while frames were read');
    assert.equal(ffmpegChildren(), []);
  }
});

endsTest(
  'decodeClip in one pass (frames and log through files in /dev/shm) leaves no file, nor ffmpeg, when aborted',
  async () => {
    const ours = () =>
      existsSync(HANDOVER_FOLDER)
        ? readdirSync(HANDOVER_FOLDER).filter((f) => f.startsWith(`motionfuse-decode-${process.pid}-`))
        : [];
    if (handoverRoom() === 0) console.log(`  (${HANDOVER_FOLDER} missing or full: decodeClip uses the pipe)`);
    const controller = new AbortController();
    let seen = 0;
    let during: string[] | undefined;
    const whole = await within(30_000, decodeClip(ffmpeg, AVI, { size: 16, onFrame: () => (during ??= ours()) }));
    assert.is(whole.indices.length, 164);
    // Unlinked as soon as both ends hold them open: nothing to see even while decoding.
    assert.equal(during, []);
    assert.equal(ours(), []);
    try {
      await within(
        30_000,
        decodeClip(ffmpeg, join(VIDEO_DIR, 'tests_data_test.mp4'), {
          size: 16,
          signal: controller.signal,
          onFrame: () => {
            if (++seen === 3) controller.abort(new Error('enough'));
          },
        }),
      );
      assert.unreachable('no error');
    } catch (err) {
      assert.is((err as Error).message, 'enough');
    }
    assert.is(seen, 3);
    assert.equal(ours(), []);
    if (ffmpegChildren() !== undefined) assert.equal(ffmpegChildren(), []);
  },
);

endsTest('an abort kills ffmpeg and ends the loop with the abort reason', async () => {
  const path = join(VIDEO_DIR, 'tests_data_test.mp4');
  const probe = await probeOf(path);
  const controller = new AbortController();
  let seen = 0;
  try {
    await within(
      30_000,
      (async () => {
        for await (const f of decodeVideoFrames(ffmpeg, path, { size: SIZE, probe, signal: controller.signal })) {
          seen++;
          if (f.index === 3) controller.abort(new Error('enough'));
        }
      })(),
    );
    assert.unreachable('no error');
  } catch (err) {
    assert.is((err as Error).message, 'enough');
  }
  assert.ok(seen >= 4 && seen < probe.frameCount, `${seen} frames`);
  if (ffmpegChildren() !== undefined) assert.equal(ffmpegChildren(), []);
});
Ends.run();
