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
  'leave one subject out on subjects 1 and 2: inertial, skeleton, depth, late and joint fusion; writes the report',
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
        '--set',
        'split.k=2',
        '--set',
        'run.repeats=1',
        '--results',
        join(work, 'results'),
      ],
      { MOTIONFUSE_CACHE: join(work, 'cache') },
      600_000,
    );
    assert.is(r.code, 0, r.stderr);
    for (const variant of ['inertial', 'skeleton', 'depth', 'late-fusion', 'joint-fusion'])
      assert.match(r.stdout, new RegExp(`\\n\\| ${variant} \\| 2 \\| \\d+\\.\\d ± \\d+\\.\\d \\|`));
    assert.match(r.stdout, /over 2 folds \(group 2-fold by subject\)/);
    assert.match(r.stdout, /\nreport: .*report\.html\n/);
    const runDir = join(work, 'results', 'utd-mhad', readdirSync(join(work, 'results', 'utd-mhad'))[0] as string);
    assert.is(readdirSync(join(runDir, 'trials')).length, 5);
    for (const trial of readdirSync(join(runDir, 'trials'))) {
      const folds = [1, 2].map(
        (k) =>
          JSON.parse(readFileSync(join(runDir, 'trials', trial, `fold-${k}.json`), 'utf8')) as {
            result: {
              subjects: { train: string[]; validation: string[]; test: string[] };
              testRows: number;
              report: { perClass: unknown[] };
            };
          },
      );
      // Each subject tested once, trained on by the other fold; no validation group (validationFolds 0).
      assert.equal(folds.map((f) => [f.result.subjects.train, f.result.subjects.test]).sort(), [
        [['s1'], ['s2']],
        [['s2'], ['s1']],
      ]);
      assert.ok(folds.every((f) => f.result.subjects.validation.length === 0));
      assert.is(
        folds[0]!.result.testRows + folds[1]!.result.testRows,
        215,
        'every take tested once (a8_s1_t4 is missing)',
      );
      for (const f of folds) assert.is(f.result.report.perClass.length, 27);
    }
  },
);

Utd.run();
