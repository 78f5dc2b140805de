import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { motionfuseInProcess } from '../helpers/run-cli.ts';

/** `motionfuse deploy` and `motionfuse serve`: what a user can get wrong is an exit 2 that says what to do. */
const Deploy = suite('motionfuse deploy / serve');
const empty = mkdtempSync(join(tmpdir(), 'mf-deploy-cli-'));

Deploy('--fine-tune without --prune is refused before anything loads', async () => {
  const r = await motionfuseInProcess([
    'deploy',
    empty,
    '--quantize',
    'int8',
    '--fine-tune',
    '2',
    '--out',
    join(empty, 'o'),
  ]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--fine-tune needs --prune/);
});

Deploy('a sparsity outside (0, 1) is refused', async () => {
  const r = await motionfuseInProcess(['deploy', empty, '--prune', '1.5', '--out', join(empty, 'o')]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--prune 1\.5: the sparsity must be above 0 and below 1/);
});

Deploy('a folder that is no run says so', async () => {
  const r = await motionfuseInProcess(['deploy', empty, '--quantize', 'int8', '--out', join(empty, 'o')]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /is not a motionfuse run and holds none/);
});

Deploy('an unknown quantisation lists the valid ones', async () => {
  const r = await motionfuseInProcess(['deploy', empty, '--quantize', 'int4', '--out', join(empty, 'o')]);
  assert.ok(r.code !== 0);
  assert.match(r.stderr, /int4/);
  assert.match(r.stderr, /float16/);
});

Deploy('serve refuses a folder without exported models', async () => {
  const r = await motionfuseInProcess(['serve', empty]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /holds no exported model/);
});

Deploy.run();
