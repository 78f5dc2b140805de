import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { UserError } from '../../src/core/errors.ts';
import { createDataset, datasetEntry, datasetNames } from '../../src/data/dataset-registry.ts';

/** `dataset: { name: ..., ... }` as an experiment file writes it. */
const Registry = suite('data set registry');
Registry('`{ name: synthetic, ... }` gives the synthetic adapter with those options over the defaults', async () => {
  assert.ok(datasetNames().includes('synthetic'));
  const ds = createDataset({ name: 'synthetic', subjects: 3, clipsPerClass: 2, seed: 7, actions: ['jump', 'hop'] });
  assert.is(ds.name, 'synthetic');
  assert.equal(ds.classes, ['jump', 'hop']);
  const refs = await ds.list();
  assert.is(refs.length, 3 * 2 * 2);
  assert.equal([...new Set(refs.map((r) => r.subject))], ['S01', 'S02', 'S03']);
});
Registry('unknown names, unknown options and bad values are UserErrors naming them', () => {
  const message = (spec: unknown) => {
    try {
      createDataset(spec);
    } catch (err) {
      assert.ok(err instanceof UserError, String(err));
      return `${err.message} | ${(err as UserError).hint ?? ''}`;
    }
    throw new Error('expected an error');
  };
  assert.match(message({ name: 'ucf-1001' }), /unknown data set 'ucf-1001' \| known data sets: synthetic/);
  assert.match(message({ subjects: 3 }), /dataset.name is missing/);
  assert.match(message({ name: 'synthetic', subject: 3 }), /unknown option subject/);
  assert.match(message({ name: 'synthetic', seed: 'seven' }), /seed: Invalid input: expected number, received string/);
  assert.match(message({ name: 'synthetic', subjects: 0, fps: 0 }), /subjects must be a whole number 1-99, got 0; fps must be 1-240 frames\/s, got 0/);
  assert.match(message({ name: 'synthetic', actions: ['jump', 'dunk'] }), /actions: unknown action dunk \(known: jump, hop/);
});
Registry('each entry exports its options as JSON Schema (for editors)', () => {
  const schema = z.toJSONSchema(datasetEntry('synthetic')?.options as z.ZodType, { unrepresentable: 'any' }) as { properties: Record<string, unknown>; additionalProperties: boolean };
  assert.ok('clipsPerClass' in schema.properties && 'placements' in schema.properties);
  assert.is(schema.additionalProperties, false);
});
Registry.run();
