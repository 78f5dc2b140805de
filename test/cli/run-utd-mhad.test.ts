import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { motionfuse, PROJECT_ROOT } from '../helpers/run-cli.ts';

/** experiments/utd-mhad.yaml end to end on the real UTD-MHAD sample (subjects 1 and 2). */

const ROOT = join(PROJECT_ROOT, '..', 'shared', 'data', 'utd-mhad-sample');
const have = existsSync(ROOT);
if (!have) console.log(`  UTD-MHAD run skipped: ${ROOT} is absent`);
let work = '';
const Utd = suite('motionfuse sweep experiments/utd-mhad.yaml');
Utd.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'motionfuse-utd-'));
});
Utd.after(async () => {
  await rm(work, { recursive: true, force: true });
});

Utd(
  'cross-subject: trains on subject 1, tests on subject 2, for inertial, skeleton, depth and fused; writes the report',
  () => {
    if (!have) return;
    const r = motionfuse(
      [
        'sweep',
        'experiments/utd-mhad.yaml',
        '--set',
        `dataset.root=${ROOT}`,
        '--set',
        'train.epochs=2',
        '--results',
        join(work, 'results'),
      ],
      { MOTIONFUSE_CACHE: join(work, 'cache') },
      600_000,
    );
    assert.is(r.code, 0, r.stderr);
    for (const variant of ['inertial', 'skeleton', 'depth', 'fused'])
      assert.match(r.stdout, new RegExp(`\\n\\| ${variant} \\| 1 \\| \\d+\\.\\d ± 0\\.0 \\|`));
    assert.match(r.stdout, /one fold: no spread \(the data set's own split \(cross-subject\)\)/);
    assert.match(r.stdout, /\nreport: .*report\.html\n/);
    const runDir = join(work, 'results', 'utd-mhad', readdirSync(join(work, 'results', 'utd-mhad'))[0] as string);
    for (const trial of readdirSync(join(runDir, 'trials'))) {
      const fold = JSON.parse(readFileSync(join(runDir, 'trials', trial, 'fold-1.json'), 'utf8')) as {
        result: { subjects: { train: string[]; test: string[] }; testRows: number; report: { perClass: unknown[] } };
      };
      assert.equal(fold.result.subjects.train, ['s1']);
      assert.equal(fold.result.subjects.test, ['s2']);
      assert.is(fold.result.testRows, 108);
      assert.is(fold.result.report.perClass.length, 27);
    }
  },
);

Utd.run();
