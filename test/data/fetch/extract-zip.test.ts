import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors.ts';
import { extractZip } from '../../../src/data/fetch/extract-zip.ts';
import { makeZip, type ZipEntrySpec } from '../../helpers/make-zip.ts';

/**
 * extractZip on archives built in the test (test/helpers/make-zip.ts writes the bytes, so it can
 * make the hostile ones): contents, and refusal of entries that would write outside the target.
 */
let dir = '';
const Extract = suite('extractZip');
Extract.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-unzip-'));
});
Extract.after(() => rmSync(dir, { recursive: true, force: true }));

/** A case folder: the archive at case/a.zip, the target case/out, and case/ itself as "outside". */
function setUp(name: string, entries: ZipEntrySpec[]): { zip: string; out: string; base: string } {
  const base = join(dir, name);
  mkdirSync(base, { recursive: true });
  const zip = join(base, 'a.zip');
  writeFileSync(zip, makeZip(entries));
  return { zip, out: join(base, 'out'), base };
}

/** The UserError message extractZip rejects with. */
async function refusal(zip: string, out: string): Promise<string> {
  try {
    await extractZip(zip, out);
  } catch (err) {
    assert.ok(err instanceof UserError, `not a UserError: ${String(err)}`);
    return (err as Error).message;
  }
  throw new Error('expected extractZip to refuse the archive');
}

/** Every path under `root`, relative, sorted. */
function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel))) {
      const r = rel === '' ? name : `${rel}/${name}`;
      out.push(r);
      if (lstatSync(join(root, r)).isDirectory()) walk(r);
    }
  };
  walk('');
  return out.sort();
}

Extract('unpacks files and folders, deflated and stored, with their contents', async () => {
  const big = Buffer.alloc(100_000, 7);
  const { zip, out } = setUp('good', [
    { name: 'Inertial/', kind: 'folder' },
    { name: 'Inertial/a1_s1_t1_inertial.mat', data: 'MATLAB 5.0 MAT-file' },
    { name: 'Inertial/deep/er/x.bin', data: big, method: 'store' },
    { name: 'top.txt', data: 'top\n' },
    { name: 'win\\style\\name.txt', data: 'backslashes are separators' },
  ]);
  const seen: number[] = [];
  const result = await extractZip(zip, out, { onEntry: (done) => seen.push(done) });
  assert.equal(result, { files: 4, folders: 1, bytes: 19 + big.length + 4 + 26 });
  assert.equal(seen, [1, 2, 3, 4, 5]);
  assert.is(readFileSync(join(out, 'Inertial', 'a1_s1_t1_inertial.mat'), 'utf8'), 'MATLAB 5.0 MAT-file');
  assert.ok(readFileSync(join(out, 'Inertial', 'deep', 'er', 'x.bin')).equals(big));
  assert.is(readFileSync(join(out, 'win', 'style', 'name.txt'), 'utf8'), 'backslashes are separators');
  assert.equal(
    tree(out).filter((p) => p.endsWith('.unzipping')),
    [],
  );
});

Extract('an entry ../evil is refused by name and nothing is written, inside or outside', async () => {
  const { zip, out, base } = setUp('dotdot', [
    { name: 'good.txt', data: 'fine' },
    { name: '../evil', data: 'escaped' },
  ]);
  assert.match(
    await refusal(zip, out),
    `${zip}: refusing zip entry '../evil': its path leaves the target folder; nothing was extracted`,
  );
  assert.not.ok(existsSync(join(base, 'evil')));
  assert.equal(tree(out), []);
});

Extract('a path that climbs out after normalising, or through backslashes, is refused', async () => {
  for (const [i, name] of ['a/../../evil2', 'a/b/../../../evil2', '..\\evil2'].entries()) {
    const { zip, out, base } = setUp(`climb${i}`, [{ name, data: 'escaped' }]);
    assert.match(await refusal(zip, out), /its path leaves the target folder/);
    assert.not.ok(existsSync(join(base, 'evil2')));
    assert.not.ok(existsSync(join(dir, 'evil2')));
  }
});

Extract('an absolute path is refused and the file is not written there', async () => {
  const outside = join(dir, 'absolute-target.txt');
  const { zip, out } = setUp('absolute', [{ name: outside, data: 'escaped' }]);
  assert.match(await refusal(zip, out), `refusing zip entry '${outside}': an absolute path`);
  assert.not.ok(existsSync(outside));
  for (const [i, name] of ['C:/Windows/evil.txt', 'C:\\evil.txt', '//server/share/evil.txt'].entries()) {
    const c = setUp(`absolute${i}`, [{ name, data: 'x' }]);
    assert.match(await refusal(c.zip, c.out), /: an absolute path; nothing was extracted/);
  }
});

Extract('a symbolic link entry is refused by name', async () => {
  const { zip, out } = setUp('symlink', [
    { name: 'ok.txt', data: 'fine' },
    { name: 'link', kind: 'symlink', data: '/etc' },
    { name: 'link/passwd', data: 'overwritten' },
  ]);
  assert.match(await refusal(zip, out), `refusing zip entry 'link': it is a symbolic link`);
  assert.equal(tree(out), []);
});

Extract('a symbolic link already in the target cannot carry a write outside', async () => {
  const { zip, out, base } = setUp('planted', [{ name: 'escape/file.txt', data: 'escaped' }]);
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(elsewhere);
  mkdirSync(out);
  symlinkSync(elsewhere, join(out, 'escape'));
  assert.match(await refusal(zip, out), /refusing zip entry 'escape\/file.txt': .* leads outside the target folder/);
  assert.equal(readdirSync(elsewhere), []);
});

Extract('a damaged archive is a UserError saying to fetch it again', async () => {
  const { zip, out } = setUp('damaged', [{ name: 'a.txt', data: Buffer.alloc(1000, 1), method: 'store' }]);
  writeFileSync(zip, readFileSync(zip).subarray(0, 200));
  assert.match(await refusal(zip, out), `${zip} is not a readable zip archive`);
});
Extract('damaged data (a CRC-32 mismatch) is a UserError naming the entry, and leaves no file', async () => {
  const data = Buffer.alloc(1000, 1);
  const { zip, out } = setUp('crc', [
    { name: 'ok.txt', data: 'fine' },
    { name: 'data.bin', data, method: 'store' },
  ]);
  const bytes = readFileSync(zip);
  bytes[bytes.indexOf(data) + 500] = 2;
  writeFileSync(zip, bytes);
  assert.match(
    await refusal(zip, out),
    /cannot unpack 'data.bin': CRC-32 [0-9a-f]{8} differs from the archive's [0-9a-f]{8}/,
  );
  assert.not.ok(existsSync(join(out, 'data.bin')));
  assert.equal(
    tree(out).filter((p) => p.endsWith('.unzipping')),
    [],
  );
});
Extract.run();
