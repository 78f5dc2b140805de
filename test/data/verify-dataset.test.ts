import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import type { DatasetAdapter, SampleRef } from '../../src/core/dataset.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Sample } from '../../src/core/sample.ts';
import type { DatasetEntry } from '../../src/data/dataset-entry.ts';
import { verifyDataset, verifyDatasetEntry } from '../../src/data/verify-dataset.ts';

process.env['MOTIONFUSE_PROGRESS'] = 'off';

/**
 * A made-up data set whose adapter reports one clip missing, one trial incomplete, one sample
 * that is a bad file (UserError) and one whose loader has a bug (plain Error).
 */
const OPTIONS = z.strictObject({
  root: z.string().describe('the folder'),
  size: z.number().int().min(8).default(16).describe('frame size'),
});
const loaded: string[] = [];
const fakeAdapter = (): DatasetAdapter => ({
  name: 'fake',
  classes: ['a', 'b', 'c'],
  async list(): Promise<SampleRef[]> {
    return ['a1', 'a2', 'b1', 'b2'].map((id) => ({ id, label: id.slice(0, 1), meta: {} }));
  },
  async load(ref: SampleRef): Promise<Sample> {
    loaded.push(ref.id);
    if (ref.id === 'a2') throw new Error('index out of range');
    if (ref.id === 'b2') throw new UserError('b2.mp4 is truncated');
    return { id: ref.id } as unknown as Sample;
  },
  async missing() {
    return [{ id: 'a3', path: '/data/a/a3.mp4' }];
  },
  async incomplete() {
    return [{ id: 'c1', missing: ['skeleton', 'depth'] }];
  },
});
const FAKE: DatasetEntry = {
  name: 'fake',
  describe: 'a test data set',
  options: OPTIONS,
  create: () => fakeAdapter(),
  title: 'Fake',
  citation: 'none',
  licence: 'none',
  acquisition: 'user-supplied',
  files: [],
  obtain: ['make it'],
  layout: ['<root>/<class>/<id>.mp4'],
  experiment: 'dataset:\n  name: fake\n  root: x',
};

const Verify = suite('verifyDataset');

Verify('counts per class, lists what is missing and why samples cannot be opened', async () => {
  loaded.length = 0;
  const report = await verifyDatasetEntry(FAKE, { root: '/data' });
  assert.equal(loaded, ['a1', 'a2', 'b1', 'b2']);
  assert.equal(report, {
    dataset: 'fake',
    options: { root: '/data', size: 16 },
    listed: 4,
    opened: true,
    classes: [
      { name: 'a', listed: 2, readable: 1 },
      { name: 'b', listed: 2, readable: 1 },
      { name: 'c', listed: 0, readable: 0 },
    ],
    missing: [
      { id: 'a3', what: '/data/a/a3.mp4' },
      { id: 'c1', what: 'no skeleton, depth file' },
    ],
    unreadable: [
      { id: 'a2', reason: 'unexpected error (possibly a bug in the adapter): index out of range' },
      { id: 'b2', reason: 'b2.mp4 is truncated' },
    ],
  });
});

Verify('quick lists only: nothing opened, no readable counts', async () => {
  loaded.length = 0;
  const report = await verifyDatasetEntry(FAKE, { root: '/data', size: 32 }, { quick: true });
  assert.equal(loaded, []);
  assert.is(report.opened, false);
  assert.equal(report.options, { root: '/data', size: 32 });
  assert.equal(report.classes, [
    { name: 'a', listed: 2 },
    { name: 'b', listed: 2 },
    { name: 'c', listed: 0 },
  ]);
  assert.equal(report.unreadable, []);
  assert.is(report.missing.length, 2);
});

Verify('a missing root and bad options are UserErrors naming them and the options there are', async () => {
  const error = async (spec: Record<string, unknown>) => {
    try {
      await verifyDatasetEntry(FAKE, spec);
    } catch (err) {
      assert.ok(err instanceof UserError, String(err));
      return err;
    }
    throw new Error('expected an error');
  };
  const noRoot = await error({ size: 32 });
  assert.is(noRoot.message, "datasets verify fake needs --root DIR, the data set's folder");
  assert.is(noRoot.hint, 'e.g. motionfuse datasets verify fake --root datasets/fake/data');
  const bad = await error({ root: '/data', size: 4, colour: true });
  assert.match(bad.message, /^fake data set: /);
  assert.match(bad.message, 'unknown option colour');
  assert.match(bad.message, 'size: Too small');
  assert.is(bad.hint, 'Its options are root, size; see motionfuse datasets info fake.');
});

Verify('takes a registered data set by name; an unknown name lists the known ones', async () => {
  const report = await verifyDataset(
    'synthetic',
    { subjects: 2, clipsPerClass: 1, actions: ['jump', 'hop'] },
    { quick: true },
  );
  assert.is(report.dataset, 'synthetic');
  assert.is(report.listed, 4);
  assert.equal(report.classes, [
    { name: 'jump', listed: 2 },
    { name: 'hop', listed: 2 },
  ]);
  assert.equal(report.missing, []);
  try {
    await verifyDataset('ucf-101', {});
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.is(err.message, "unknown data set 'ucf-101'");
    assert.match(err.hint ?? '', /^known data sets: synthetic, /);
  }
});
Verify.run();
