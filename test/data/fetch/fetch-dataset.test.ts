import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../../src/core/errors.ts';
import type { DatasetEntry } from '../../../src/data/dataset-entry.ts';
import {
  defaultDownloadFolder,
  fetchDataset,
  fetchDatasetEntry,
  type FetchEvent,
} from '../../../src/data/fetch/fetch-dataset.ts';
import { startFileServer, type FileServer } from '../../helpers/file-server.ts';
import { makeZip } from '../../helpers/make-zip.ts';

process.env['MOTIONFUSE_PROGRESS'] = 'off';

/** A made-up downloadable data set served by a local server: a zip, a rar and an optional file. */
const ENTRY: DatasetEntry = {
  name: 'fake',
  describe: 'a test data set',
  options: z.strictObject({}),
  create: () => {
    throw new Error('not used');
  },
  title: 'Fake',
  citation: 'none',
  licence: 'none',
  acquisition: 'downloadable',
  files: [
    { name: 'labels.zip', url: 'https://publisher.invalid/fake/labels.zip', archive: 'zip', describe: 'labels' },
    { name: 'clips.rar', url: 'https://publisher.invalid/fake/clips.rar', archive: 'rar', describe: 'clips' },
    {
      name: 'extra.txt',
      url: 'https://publisher.invalid/fake/extra.txt',
      archive: 'none',
      describe: 'extra',
      optional: true,
    },
  ],
  obtain: ['fetch it'],
  unpack: ['unrar x clips.rar'],
  layout: ['<root>/labels.txt'],
  experiment: 'dataset:\n  name: fake',
};

let tmp = '';
let server: FileServer;
const Fetch = suite('fetchDataset');
Fetch.before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'motionfuse-fetch-dataset-'));
  server = await startFileServer({
    'labels.zip': { body: makeZip([{ name: 'labels.txt', data: 'a\nb\n' }]) },
    'clips.rar': { body: Buffer.from('Rar!\x1a\x07\x00 stand-in', 'latin1') },
    'extra.txt': { body: Buffer.from('extra') },
  });
});
Fetch.after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

Fetch(
  'downloads the default files from the base address, unpacks the zip, and tells each step as an event',
  async () => {
    const to = join(tmp, 'a');
    const events: FetchEvent[] = [];
    const result = await fetchDatasetEntry(ENTRY, { to, baseUrl: `${server.url}/`, onEvent: (e) => events.push(e) });
    assert.equal(
      events.map((e) => e.type),
      ['downloaded', 'unpacked', 'downloaded'],
    );
    const [zip, unpacked] = events;
    assert.ok(zip?.type === 'downloaded' && unpacked?.type === 'unpacked');
    assert.is(zip.url, `${server.url}/labels.zip`);
    assert.is(zip.path, join(to, 'labels.zip'));
    assert.is(zip.result.alreadyThere, false);
    assert.equal(
      { zip: unpacked.zip, folder: unpacked.folder, files: unpacked.files },
      { zip: join(to, 'labels.zip'), folder: to, files: 1 },
    );
    assert.is(readFileSync(join(to, 'labels.txt'), 'utf8'), 'a\nb\n');
    assert.not.ok(existsSync(join(to, 'extra.txt')), 'the optional file is not fetched');
    assert.is(result.folder, to);
    assert.is(result.defaultFolder, defaultDownloadFolder('fake'));
    assert.equal(
      result.files.map((f) => f.name),
      ['labels.zip', 'clips.rar'],
    );
    assert.equal(
      result.rars.map((f) => f.name),
      ['clips.rar'],
    );

    const again: FetchEvent[] = [];
    await fetchDatasetEntry(ENTRY, { to, baseUrl: server.url, onEvent: (e) => again.push(e) });
    assert.equal(
      again.map((e) => e.type),
      ['downloaded', 'already-unpacked', 'downloaded'],
    );
    assert.ok(again.every((e) => e.type !== 'downloaded' || e.result.alreadyThere));
  },
);

Fetch('only fetches the files named, optional ones too; a name it lacks is a UserError listing its files', async () => {
  const to = join(tmp, 'b');
  const result = await fetchDatasetEntry(ENTRY, { to, baseUrl: server.url, only: ['extra.txt'] });
  assert.equal(
    result.files.map((f) => f.name),
    ['extra.txt'],
  );
  assert.is(readFileSync(join(to, 'extra.txt'), 'utf8'), 'extra');
  try {
    await fetchDatasetEntry(ENTRY, { to, baseUrl: server.url, only: ['nope.zip'] });
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.is(err.message, "fake has no file 'nope.zip'");
    assert.is(err.hint, 'its files: labels.zip, clips.rar, extra.txt');
  }
});

Fetch('a data set that cannot be downloaded is told as an event, then a UserError; nothing is written', async () => {
  const events: FetchEvent[] = [];
  const to = join(tmp, 'k400');
  try {
    await fetchDataset('kinetics400', { to, onEvent: (e) => events.push(e) });
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.is(err.message, 'kinetics400 cannot be fetched: its data come from the user');
  }
  assert.equal(
    events.map((e) => e.type),
    ['not-downloadable'],
  );
  assert.ok(events[0]?.type === 'not-downloadable' && events[0].entry.name === 'kinetics400');
  assert.not.ok(existsSync(to));
});

Fetch('a bad retry count is a UserError', async () => {
  try {
    await fetchDatasetEntry(ENTRY, { to: join(tmp, 'c'), retries: -1 });
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.is(err.message, '--retries must be a whole number >= 0, got -1');
  }
});
Fetch.run();
