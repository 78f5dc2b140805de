import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { readRecording } from '../../src/data/recording/read-recording.ts';
import type { SyntheticManifest } from '../../src/data/synthetic/synthetic-export.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import { motionfuse, motionfuseInProcess } from '../helpers/run-cli.ts';

/** `motionfuse simulate` run as a user runs it: files on disk, identical by seed, resumable. */
const SMALL = ['--subjects', '2', '--clips', '1', '--actions', 'jump', 'squat', '--workers', '2'];

/** Every file under `dir` (relative path -> sha256), the manifest's environment aside. */
async function tree(dir: string, skip: string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const rel = relative(dir, path);
    if (!skip.some((s) => rel.startsWith(s)))
      out[rel] = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
  }
  return out;
}

let work = '';
const Simulate = suite('motionfuse simulate');
Simulate.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'motionfuse-simulate-'));
});
Simulate.after(async () => {
  await rm(work, { recursive: true, force: true });
});

Simulate('writes the requested takes in the recording layout, a manifest, and a preview', async () => {
  const out = join(work, 'a');
  const r = motionfuse(['simulate', '--out', out, ...SMALL, '--preview']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote 4 takes to/);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as SyntheticManifest;
  assert.equal(
    manifest.takes.map((t) => t.id),
    ['S01-jump-t01', 'S01-squat-t01', 'S02-jump-t01', 'S02-squat-t01'],
  );
  assert.is(manifest.options.seed, 7);
  assert.equal(
    manifest.subjects.map((s) => s.sensors.length),
    [3, 3],
  );
  const ffmpeg = (await locateFfmpeg()).path;
  for (const t of manifest.takes) {
    const sample = await readRecording(join(out, t.path), { decodeVideo: true, ffmpeg });
    assert.is(sample.label, t.label);
    assert.is(sample.subject, t.subject);
    assert.equal(
      sample.streams.map((s) => s.kind),
      ['video', 'pose', 'imu', 'imu', 'imu'],
    );
    if (t.label === 'jump')
      assert.ok(
        (sample.events ?? []).some((e) => e.name === 'takeoff'),
        `${t.id} has a take-off`,
      );
  }
  for (const png of ['S01-jump-t01-frames.png', 'S01-jump-t01-imu.png']) {
    const image = await loadImage(await readFile(join(out, 'preview', png)));
    assert.ok(image.width > 400 && image.height > 300, `${png} is ${image.width}x${image.height}`);
  }
});

Simulate('the same seed gives byte-identical files on disk; another seed other files', async () => {
  const a = join(work, 'same-1');
  const b = join(work, 'same-2');
  const c = join(work, 'other');
  for (const [dir, seed] of [
    [a, '7'],
    [b, '7'],
    [c, '8'],
  ] as const) {
    const r = motionfuse(['simulate', '--out', dir, ...SMALL, '--seed', seed, '--duration', '1']);
    assert.is(r.code, 0, r.stderr);
  }
  const [ta, tb, tc] = await Promise.all([tree(a), tree(b), tree(c)]);
  assert.is(Object.keys(ta).length, 1 + 4 * 3);
  assert.equal(ta, tb);
  for (const file of Object.keys(ta)) {
    if (file.endsWith('take.json') || file.endsWith('.xdf') || file.endsWith('.mkv'))
      assert.is.not(ta[file], tc[file], `${file} is the same with another seed`);
  }
});

Simulate(
  'an interrupted run resumes: missing takes are made, half-written ones replaced, the result identical',
  async () => {
    const full = join(work, 'full');
    const cut = join(work, 'cut');
    const args = [...SMALL, '--duration', '1', '--no-video'];
    assert.is(motionfuse(['simulate', '--out', full, ...args]).code, 0);
    assert.is(motionfuse(['simulate', '--out', cut, ...args]).code, 0);
    // What a crash leaves: a take never started, and one half written (only its .partial folder).
    await rm(join(cut, 'S02', 'S02-jump-t01'), { recursive: true });
    await rm(join(cut, 'S01', 'S01-squat-t01'), { recursive: true });
    await mkdir(join(cut, 'S01', 'S01-squat-t01.partial'), { recursive: true });
    await writeFile(join(cut, 'S01', 'S01-squat-t01.partial', 'session.xdf'), 'torn');
    const r = motionfuse(['simulate', '--out', cut, ...args]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote 2 takes \(2 were already there\)/);
    assert.equal(await tree(cut), await tree(full));
  },
);

Simulate(
  'refuses to mix settings, to write into an unrelated folder, and rejects bad options, each with exit 2',
  async () => {
    const out = join(work, 'mixed');
    assert.is(motionfuse(['simulate', '--out', out, ...SMALL, '--no-video', '--duration', '1']).code, 0);
    // The refusals in-process: they read the folder and the options, and write nothing.
    const mixed = await motionfuseInProcess([
      'simulate',
      '--out',
      out,
      ...SMALL,
      '--no-video',
      '--duration',
      '1',
      '--seed',
      '9',
    ]);
    assert.is(mixed.code, 2);
    assert.match(mixed.stderr, /holds a synthetic data set made with other settings \(seed: 7 there, 9 now\)/);
    const unrelated = join(work, 'unrelated');
    await mkdir(unrelated);
    await writeFile(join(unrelated, 'notes.txt'), 'mine');
    const refused = await motionfuseInProcess(['simulate', '--out', unrelated, ...SMALL]);
    assert.is(refused.code, 2);
    assert.match(refused.stderr, /is not empty and holds no synthetic data set/);
    const bad = await motionfuseInProcess(['simulate', '--out', join(work, 'bad'), '--subjects', '0']);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /subjects must be a whole number 1-99, got 0/);
    const action = await motionfuseInProcess(['simulate', '--out', join(work, 'bad'), '--actions', 'dunk']);
    assert.is(action.code, 2);
    assert.match(action.stderr, /unknown action dunk/);
    assert.match(action.stderr, /\(known: jump, hop/);
  },
);

Simulate.run();
