import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { optionRows } from '../../src/data/option-rows.ts';

const Rows = suite('optionRows');
Rows('one row per option: name, type with range, default or required, description', () => {
  const schema = z.strictObject({
    root: z.string().describe('the folder'),
    size: z.number().int().min(16).max(1024).default(112).describe('frame size'),
    modalities: z
      .array(z.enum(['inertial', 'depth']))
      .default(['inertial'])
      .describe('what to load'),
    subjects: z.array(z.number()).optional(),
  });
  assert.equal(optionRows(schema), [
    ['root', 'string', 'required', 'the folder'],
    ['size', 'integer 16..1024', '112', 'frame size'],
    ['modalities', 'list of one of inertial, depth', '["inertial"]', 'what to load'],
    ['subjects', 'list of number', '', ''],
  ]);
});
Rows.run();
