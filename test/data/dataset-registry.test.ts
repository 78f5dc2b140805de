import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../src/core/errors.ts';
import {
  createDataset,
  datasetEntries,
  datasetEntry,
  datasetNames,
  registerDataset,
  requireDatasetEntry,
  type DatasetEntry,
} from '../../src/data/dataset-registry.ts';
import { optionRows } from '../../src/data/option-rows.ts';

/** `dataset: { name: ..., ... }` as an experiment file writes it. */
const Registry = suite('data set registry');
Registry('`{ name: synthetic, ... }` gives the synthetic adapter with those options over the defaults', async () => {
  assert.ok(datasetNames().includes('synthetic'));
  const ds = await createDataset({
    name: 'synthetic',
    subjects: 3,
    clipsPerClass: 2,
    seed: 7,
    actions: ['jump', 'hop'],
  });
  assert.is(ds.name, 'synthetic');
  assert.equal(ds.classes, ['jump', 'hop']);
  const refs = await ds.list();
  assert.is(refs.length, 3 * 2 * 2);
  assert.equal([...new Set(refs.map((r) => r.subject))], ['S01', 'S02', 'S03']);
});
Registry('unknown names, unknown options and bad values are UserErrors naming them', async () => {
  const message = async (spec: unknown) => {
    try {
      await createDataset(spec);
    } catch (err) {
      assert.ok(err instanceof UserError, String(err));
      return `${err.message} | ${(err as UserError).hint ?? ''}`;
    }
    throw new Error('expected an error');
  };
  assert.match(await message({ name: 'ucf-1001' }), /unknown data set 'ucf-1001' \| known data sets: synthetic/);
  assert.match(await message({ subjects: 3 }), /dataset.name is missing/);
  assert.match(await message({ name: 'synthetic', subject: 3 }), /unknown option subject/);
  assert.match(
    await message({ name: 'synthetic', seed: 'seven' }),
    /seed: Invalid input: expected number, received string/,
  );
  assert.match(
    await message({ name: 'synthetic', subjects: 0, fps: 0 }),
    /subjects must be a whole number 1-99, got 0; fps must be 1-240 frames\/s, got 0/,
  );
  assert.match(
    await message({ name: 'synthetic', actions: ['jump', 'dunk'] }),
    /actions: unknown action dunk \(known: jump, hop/,
  );
});
Registry('each entry exports its options as JSON Schema (for editors)', () => {
  const schema = z.toJSONSchema(datasetEntry('synthetic')?.options as z.ZodType, { unrepresentable: 'any' }) as {
    properties: Record<string, unknown>;
    additionalProperties: boolean;
  };
  assert.ok('clipsPerClass' in schema.properties && 'placements' in schema.properties);
  assert.is(schema.additionalProperties, false);
});
Registry.run();

/** Each entry's descriptor facts, which `motionfuse datasets` shows and fetch uses. */
const Entries = suite('data set entries');

Entries(
  "one entry per name, in the registry's order; a taken name cannot be registered again; an unknown one lists the names",
  () => {
    assert.equal(
      datasetEntries().map((e) => e.name),
      datasetNames(),
    );
    assert.is(new Set(datasetNames()).size, datasetNames().length);
    assert.throws(
      () => registerDataset({ ...(datasetEntry('ucf101') as DatasetEntry) }),
      /registerDataset\(\): a data set named 'ucf101' is registered already/,
    );
    assert.is(datasetNames().filter((n) => n === 'ucf101').length, 1);
    assert.throws(
      () => requireDatasetEntry('ucf-101'),
      (err: unknown) =>
        err instanceof UserError &&
        err.message === "unknown data set 'ucf-101'" &&
        err.hint === `known data sets: ${datasetNames().join(', ')}`,
    );
  },
);

Entries('each experiment snippet is a dataset: block naming its data set with options it has', () => {
  for (const entry of datasetEntries()) {
    const doc = parse(entry.experiment) as { dataset?: Record<string, unknown> };
    assert.is(doc.dataset?.['name'], entry.name, entry.name);
    const known = optionRows(entry.options).map((r) => r[0]);
    for (const key of Object.keys(doc.dataset ?? {}).filter((k) => k !== 'name'))
      assert.ok(known.includes(key), `${entry.name}: ${key} is not an option`);
  }
});

Entries('downloadable sets list publisher addresses; the others list none and say how to get the data', () => {
  for (const entry of datasetEntries()) {
    assert.ok(entry.obtain.length > 0, entry.name);
    if (entry.acquisition === 'downloadable') {
      assert.ok(entry.files.length > 0, entry.name);
      for (const f of entry.files) {
        assert.match(f.url, /^https?:\/\/[^/]+\/.+/);
        assert.ok(f.url.endsWith(`/${f.name}`), `${f.url} ends in ${f.name}`);
        if (f.archive === 'rar')
          assert.ok(
            (entry.unpack ?? []).some((line) => line.includes(f.name)),
            `${entry.name}: how to unpack ${f.name}`,
          );
      }
    } else assert.equal(entry.files, [], entry.name);
  }
});
Entries.run();
