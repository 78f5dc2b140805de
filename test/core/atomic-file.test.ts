import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync, writeJsonAtomic } from '../../src/core/atomic-file.ts';

const Atomic = suite('writeFileAtomic');
let dir = '';
Atomic.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'motionfuse-atomic-'));
});
Atomic.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

Atomic('writes the content, creating parent folders, and leaves no temporary file', async () => {
  const path = join(dir, 'a', 'b', 'metrics.json');
  await writeJsonAtomic(path, { accuracy: 0.9 });
  assert.is(await readFile(path, 'utf8'), '{\n  "accuracy": 0.9\n}\n');
  assert.equal(await readdir(join(dir, 'a', 'b')), ['metrics.json']);
});

Atomic('replaces a file so that a concurrent reader sees the old or the new content, never a mix', async () => {
  const path = join(dir, 'big.txt');
  const old = 'a'.repeat(2_000_000);
  const fresh = 'b'.repeat(2_000_000);
  await writeFile(path, old);
  let reads = 0;
  let done = false;
  const writer = (async () => {
    for (let i = 0; i < 5; i++) await writeFileAtomic(path, i % 2 === 0 ? fresh : old);
    done = true;
  })();
  while (!done) {
    const text = await readFile(path, 'utf8');
    assert.ok(text === old || text === fresh, `torn read of ${text.length} bytes`);
    reads++;
  }
  await writer;
  assert.ok(reads > 0);
});

Atomic('leaves the target and its folder as they were when the final rename fails', async () => {
  // The target is a non-empty folder, so renaming the finished temporary file onto it fails.
  const target = join(dir, 'target');
  await mkdir(target);
  await writeFile(join(target, 'keep.txt'), 'old');
  let failed = false;
  try {
    await writeFileAtomic(target, 'new');
  } catch {
    failed = true;
  }
  assert.ok(failed, 'the write should have failed');
  assert.equal(await readdir(dir), ['target']);
  assert.is(await readFile(join(target, 'keep.txt'), 'utf8'), 'old');
});

Atomic('has a synchronous twin', async () => {
  const path = join(dir, 'sync', 'x.txt');
  writeFileAtomicSync(path, new Uint8Array([104, 105]));
  assert.is(await readFile(path, 'utf8'), 'hi');
});

Atomic.run();
