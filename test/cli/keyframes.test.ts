import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { motionfuse } from '../helpers/run-cli.ts';

/**
 * `motionfuse keyframes` run as a user runs it, on the real MPEG-4 AVI in ../shared/data/video
 * (skipped, saying so, when the folder is absent).
 */
const VIDEO_DIR = fileURLToPath(new URL('../../../shared/data/video', import.meta.url));
const AVI = join(VIDEO_DIR, 'tests_data_test.avi');
const present = existsSync(AVI);
if (!present) console.log(`keyframes CLI tests: skipped (no real clip: ${AVI} is absent)`);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const bytes = readFileSync(path);
  assert.ok(
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    `${path} is not a PNG`,
  );
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

const Keyframes = suite('motionfuse keyframes');
const test = present ? Keyframes : Keyframes.skip;
let out = '';
Keyframes.before(() => {
  out = mkdtempSync(join(tmpdir(), 'motionfuse-keyframes-'));
});
Keyframes.after(() => rmSync(out, { recursive: true, force: true }));

test('writes the key frames as PNGs, one CSV row per frame pair, and the plot', () => {
  const dir = join(out, 'keys');
  // A PNG left by an earlier run that this one does not choose is removed.
  const stale = join(dir, 'frame-000001.png');
  mkdirSync(dir, { recursive: true });
  writeFileSync(stale, 'old');
  const r = motionfuse(['keyframes', AVI, '--out', dir, '--size', '64', '--count', '6']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /320x240 mpeg4, 164 frames, 25 fps, 6\.56 s/);
  const chosen = (
    /key frames \(adaptive threshold T = mean \+ 0\.5 std = [\d.]+\): ([\d, ]+)/.exec(r.stdout)?.[1] ?? ''
  )
    .split(', ')
    .map(Number);
  assert.is(chosen.length, 6, r.stdout);

  const pngs = readdirSync(dir)
    .filter((f) => /^frame-\d{6}\.png$/.test(f))
    .sort();
  assert.equal(
    pngs,
    chosen.map((i) => `frame-${String(i).padStart(6, '0')}.png`),
  );
  for (const f of pngs) assert.equal(pngSize(join(dir, f)), [64, 64]);
  assert.not.ok(existsSync(stale));

  const rows = readFileSync(join(dir, 'differences.csv'), 'utf8').trimEnd().split('\n');
  assert.is(rows[0], 'i,t,D_i,chosen');
  assert.is(rows.length - 1, 163);
  const parsed = rows.slice(1).map((row) => row.split(',').map(Number) as [number, number, number, number]);
  parsed.forEach(([i, t, d, key], k) => {
    assert.is(i, k);
    assert.ok(Math.abs(t - (k + 2) / 25) < 1e-6, `row ${k}: t ${t}`);
    assert.ok(d >= 0 && d <= 255);
    assert.is(key, chosen.includes(k + 1) ? 1 : 0, `row ${k}`);
  });
  const [width, height] = pngSize(join(dir, 'differences.png'));
  assert.ok(width >= 800 && height >= 300);
  for (const f of [...pngs, 'differences.csv', 'differences.png']) assert.match(r.stdout, `wrote ${join(dir, f)}`);
});

test('a fixed threshold needs --value; a missing video is named; both exit 2 without a stack', () => {
  const fixed = motionfuse(['keyframes', AVI, '--out', join(out, 'fixed'), '--threshold', 'fixed']);
  assert.is(fixed.code, 2);
  assert.match(fixed.stderr, /--threshold fixed needs --value/);
  const missing = join(out, 'no such clip.mp4');
  const gone = motionfuse(['keyframes', missing, '--out', join(out, 'gone')]);
  assert.is(gone.code, 2);
  assert.match(gone.stderr, `video file not found: ${missing}`);
  assert.not.match(gone.stderr, /\n\s+at /);
});
Keyframes.run();
