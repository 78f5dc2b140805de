import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors.ts';
import { setLogSink } from '../../../src/core/logger.ts';
import { downloadFile } from '../../../src/data/fetch/download-file.ts';
import { extractZip } from '../../../src/data/fetch/extract-zip.ts';
import { startFileServer, type FileServer } from '../../helpers/file-server.ts';
import { makeZip } from '../../helpers/make-zip.ts';

/**
 * downloadFile against a local HTTP server (node:http on 127.0.0.1) serving a zip built here:
 * whole downloads, a connection dropped part-way and resumed with a Range request, checksums.
 */
const payload = randomBytes(200_000);
const zip = makeZip([
  { name: 'set/readme.txt', data: 'a small archive for download tests\n' },
  { name: 'set/payload.bin', data: payload, method: 'store' },
]);
const sha256 = createHash('sha256').update(zip).digest('hex');
const CUT = 50_000;

let dir = '';
let server: FileServer;
let quietLog: () => void = () => {};
const Download = suite('downloadFile');
Download.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-download-'));
  server = await startFileServer({
    'set.zip': { body: zip },
    'cut.zip': { body: zip, cutAfter: CUT, cutTimes: 1 },
    'retry.zip': { body: zip, cutAfter: CUT, cutTimes: 1 },
    'no-range.zip': { body: zip, cutAfter: CUT, cutTimes: 1, ignoreRange: true },
    'flaky.zip': { body: zip, cutAfter: CUT, cutTimes: 100 },
    'stuck.zip': { body: zip, cutAfter: 0, cutTimes: 100 },
  });
  // Retries and restarts are logged as warnings; keep the test output clean.
  const previous = setLogSink(() => {});
  quietLog = () => setLogSink(previous);
});
Download.after(async () => {
  quietLog();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const rangesFor = (path: string) => server.requests.filter((r) => r.path === path).map((r) => r.range);

Download('downloads a whole file, checks its sha256 and leaves no .part', async () => {
  const to = join(dir, 'whole', 'set.zip');
  const seen: number[] = [];
  const result = await downloadFile({
    url: `${server.url}/set.zip`,
    to,
    checksum: { algorithm: 'sha256', value: sha256.toUpperCase() },
    onProgress: (n) => seen.push(n),
  });
  assert.ok(readFileSync(to).equals(zip));
  assert.equal(
    { bytes: result.bytes, resumedFrom: result.resumedFrom, alreadyThere: result.alreadyThere, digest: result.digest },
    { bytes: zip.length, resumedFrom: 0, alreadyThere: false, digest: sha256 },
  );
  assert.not.ok(existsSync(`${to}.part`));
  assert.equal(rangesFor('set.zip'), [undefined]);
  assert.is(seen[seen.length - 1], zip.length);
  assert.ok(
    seen.every((n, i) => i === 0 || n >= (seen[i - 1] as number)),
    'progress never goes back',
  );
  // The download is the archive: it unpacks to what was put in.
  await extractZip(to, join(dir, 'whole', 'out'));
  assert.ok(readFileSync(join(dir, 'whole', 'out', 'set', 'payload.bin')).equals(payload));
});

Download('a second call finds the file complete and asks the server nothing', async () => {
  const to = join(dir, 'again', 'set.zip');
  await downloadFile({ url: `${server.url}/set.zip`, to });
  const before = server.requests.length;
  const result = await downloadFile({
    url: `${server.url}/set.zip`,
    to,
    checksum: { algorithm: 'sha256', value: sha256 },
  });
  assert.ok(result.alreadyThere);
  assert.is(server.requests.length, before);
});

Download('a dropped connection keeps the bytes in .part; the next call resumes with Range: bytes=N-', async () => {
  const to = join(dir, 'resume', 'cut.zip');
  let message = '';
  try {
    await downloadFile({ url: `${server.url}/cut.zip`, to, retries: 0 });
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    message = (err as Error).message;
    assert.match((err as UserError).hint ?? '', /run the same command again to resume/);
  }
  assert.match(message, new RegExp(`stopped after ${CUT} bytes of ${zip.length}`));
  assert.not.ok(existsSync(to));
  assert.is(statSync(`${to}.part`).size, CUT);

  const result = await downloadFile({
    url: `${server.url}/cut.zip`,
    to,
    checksum: { algorithm: 'sha256', value: sha256 },
  });
  assert.equal(rangesFor('cut.zip'), [undefined, `bytes=${CUT}-`]);
  assert.is(result.resumedFrom, CUT);
  assert.ok(readFileSync(to).equals(zip));
  assert.not.ok(existsSync(`${to}.part`));
});

Download('within one call, a dropped connection is resumed by itself', async () => {
  const to = join(dir, 'retry', 'retry.zip');
  const result = await downloadFile({
    url: `${server.url}/retry.zip`,
    to,
    retryDelayMs: 10,
    checksum: { algorithm: 'sha256', value: sha256 },
  });
  assert.equal(rangesFor('retry.zip'), [undefined, `bytes=${CUT}-`]);
  assert.is(result.bytes, zip.length);
  assert.ok(readFileSync(to).equals(zip));
});

Download('resumes that make progress go on; resumes that make none give up after `retries` in a row', async () => {
  const to = join(dir, 'flaky', 'flaky.zip');
  await downloadFile({ url: `${server.url}/flaky.zip`, to, retries: 1, retryDelayMs: 10 });
  assert.ok(readFileSync(to).equals(zip));
  assert.equal(
    rangesFor('flaky.zip'),
    [undefined, ...[1, 2, 3, 4].map((k) => `bytes=${k * CUT}-`)].slice(0, Math.ceil(zip.length / CUT)),
  );
  try {
    await downloadFile({
      url: `${server.url}/stuck.zip`,
      to: join(dir, 'stuck', 'stuck.zip'),
      retries: 2,
      retryDelayMs: 10,
    });
    assert.unreachable('a transfer that never moves must give up');
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.match((err as Error).message, /stopped after 0 bytes/, (err as Error).message);
  }
  assert.is(rangesFor('stuck.zip').length, 3);
});

Download('a server that ignores Range gets a fresh download, not a doubled file', async () => {
  const to = join(dir, 'norange', 'no-range.zip');
  await downloadFile({ url: `${server.url}/no-range.zip`, to, retryDelayMs: 10 });
  assert.equal(rangesFor('no-range.zip'), [undefined, `bytes=${CUT}-`]);
  assert.ok(readFileSync(to).equals(zip));
});

Download('a .part longer than the file (416) is discarded and the file downloaded again', async () => {
  const to = join(dir, 'stale', 'set.zip');
  await downloadFile({ url: `${server.url}/set.zip`, to: join(dir, 'stale', 'first.zip') });
  writeFileSync(`${to}.part`, Buffer.alloc(zip.length + 10));
  await downloadFile({ url: `${server.url}/set.zip`, to, checksum: { algorithm: 'sha256', value: sha256 } });
  assert.ok(readFileSync(to).equals(zip));
});

Download('a wrong checksum is a UserError and leaves neither the file nor a .part', async () => {
  const to = join(dir, 'bad', 'set.zip');
  const wrong = '0'.repeat(64);
  try {
    await downloadFile({ url: `${server.url}/set.zip`, to, checksum: { algorithm: 'sha256', value: wrong } });
    assert.unreachable('a wrong checksum must fail');
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.match(
      (err as Error).message,
      `checksum mismatch for ${server.url}/set.zip: expected sha256 ${wrong}, got ${sha256}; the download was deleted`,
    );
  }
  assert.not.ok(existsSync(to));
  assert.not.ok(existsSync(`${to}.part`));
});

Download('an HTTP error names the status; a bad checksum spec names the argument', async () => {
  try {
    await downloadFile({ url: `${server.url}/nothing-here.zip`, to: join(dir, 'missing', 'x.zip') });
    assert.unreachable('a 404 must fail');
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.match((err as Error).message, /failed: HTTP 404 Not Found/);
  }
  assert.not.ok(existsSync(join(dir, 'missing', 'x.zip')));
  try {
    await downloadFile({
      url: `${server.url}/set.zip`,
      to: join(dir, 'spec', 'x.zip'),
      checksum: { algorithm: 'sha256', value: 'abc' },
    });
    assert.unreachable('a short digest must fail');
  } catch (err) {
    assert.match(
      (err as Error).message,
      /downloadFile\(\): checksum.value must be 64 hex digits for sha256, got 'abc'/,
    );
  }
});

Download('a refused connection is a UserError naming the address', async () => {
  const closed = await startFileServer({});
  const url = `${closed.url}/set.zip`;
  await closed.close();
  try {
    await downloadFile({ url, to: join(dir, 'refused', 'x.zip') });
    assert.unreachable('must fail');
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.match((err as Error).message, `download of ${url} failed: `);
    assert.match((err as Error).message, /ECONNREFUSED/);
  }
});
Download.run();
