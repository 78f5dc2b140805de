import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors.ts';
import type { Sample } from '../../../src/core/sample.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../../src/data/synthetic/synthetic-take.ts';
import { startTakePool } from '../../../src/data/synthetic/take-pool.ts';
import type { TakeJob } from '../../../src/data/synthetic/take-jobs.ts';

/** Worker threads give exactly the takes the main thread gives, in any order. */
const options = { ...SYNTHETIC_DEFAULTS, seed: 21, duration: 1 };
const jobs: TakeJob[] = [
  { subjectIndex: 0, action: 'jump', take: 0 },
  { subjectIndex: 1, action: 'kick', take: 1 },
  { subjectIndex: 0, action: 'run', take: 2 },
  { subjectIndex: 2, action: 'catch', take: 0 },
];

function fingerprint(s: Sample): string {
  const parts = s.streams.map((x) => {
    const arrays =
      x.kind === 'video' ? [x.t, x.decoded?.frames] : x.kind === 'pose' ? [x.t, x.data, x.score] : [x.t, x.data];
    return arrays
      .map((a) => (a === undefined ? '' : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')))
      .join(',');
  });
  return `${s.id}|${JSON.stringify(s.events)}|${JSON.stringify(s.meta)}|${parts.join('|')}`;
}

const Pool = suite('synthetic take pool');
Pool('two workers give byte-identical takes to the main thread, whatever the order', async () => {
  const pool = startTakePool(options, { workers: 2 });
  try {
    assert.is(pool.workers, 2);
    const fromWorkers = await Promise.all([...jobs].reverse().map((j) => pool.generate(j)));
    fromWorkers.reverse();
    jobs.forEach((j, i) => {
      const here = generateTake(options, generateSubject(options, j.subjectIndex), j.action, j.take);
      assert.ok(
        fingerprint(fromWorkers[i] as Sample) === fingerprint(here),
        `${here.id} differs between a worker and the main thread`,
      );
    });
  } finally {
    await pool.close();
  }
});
Pool("a worker's UserError arrives as a UserError with its hint", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'motionfuse-pool-'));
  const pool = startTakePool(options, { workers: 1 }); // no ffmpeg given: writing video must fail clearly
  try {
    const err = await pool.record(jobs[0] as TakeJob, join(dir, 'x')).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof UserError, String(err));
    assert.match((err as UserError).message, /needs ffmpeg/);
    assert.match((err as UserError).hint ?? '', /npm install/);
    // The pool still works after a failed task.
    assert.is((await pool.generate(jobs[1] as TakeJob)).id, 'S02-kick-t02');
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
});
Pool.run();
