import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { motionfuse, PROJECT_ROOT } from '../helpers/run-cli.ts';

/** An experiment over real clips, one of them truncated: the run goes on without it and reports it. */

const VIDEO = join(PROJECT_ROOT, '..', 'shared', 'data', 'video');
const have = existsSync(VIDEO);
if (!have) console.log(`  video-folder run skipped: ${VIDEO} is absent`);
let work = '';
const Run = suite('motionfuse run on a folder of real clips');
Run.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'motionfuse-clips-'));
});
Run.after(async () => {
  await rm(work, { recursive: true, force: true });
});

Run('a truncated clip is named and left out; the run finishes on the others and lists it in skipped.json', () => {
  if (!have) return;
  const root = join(work, 'clips');
  const put = (label: string, name: string, source: string) => {
    mkdirSync(join(root, label), { recursive: true });
    copyFileSync(join(VIDEO, source), join(root, label, name));
  };
  put('wrestle', 'a.mp4', 'demo_demo.mp4');
  put('wrestle', 'b.mp4', 'demo_demo_skeleton.mp4');
  put('wrestle', 'c.mp4', 'demo_demo_spatiotemporal_det.mp4');
  put('makeup', 'a.avi', 'tests_data_test.avi');
  put('makeup', 'b.mp4', 'tests_data_test.mp4');
  put('makeup', 'c.mp4', 'tests_data_rawvideo_dataset_part_0.mp4');
  writeFileSync(join(root, 'wrestle', 'cut.mp4'), readFileSync(join(VIDEO, 'demo_demo.mp4')).subarray(0, 100_000));
  const file = join(work, 'clips.yaml');
  writeFileSync(
    file,
    `name: clips\ndataset: { name: video-folder, root: ${root}, size: 48, frames: 12 }\nsplit: { kind: k-fold, k: 2 }\ninputs: { video: { count: 4, size: 32, crop: frame } }\nmodel: { type: single-frame-cnn }\ntrain: { epochs: 1 }\nreport: { focusClasses: [] }\n`,
  );
  const r = motionfuse(
    ['run', file, '--results', join(work, 'results')],
    { MOTIONFUSE_CACHE: join(work, 'cache') },
    300_000,
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /left out 1 sample that could not be read \(listed in .*skipped\.json\):\n {2}wrestle\/cut: .*cut\.mp4/,
  );
  const runDir = join(work, 'results', 'clips', readdirSync(join(work, 'results', 'clips'))[0] as string);
  const skipped = JSON.parse(readFileSync(join(runDir, 'skipped.json'), 'utf8')) as {
    skipped: { id: string; reason: string }[];
  };
  assert.equal(
    skipped.skipped.map((s) => s.id),
    ['wrestle/cut'],
  );
  const trial = readdirSync(join(runDir, 'trials'))[0] as string;
  const tested = [1, 2].flatMap(
    (k) =>
      (
        JSON.parse(readFileSync(join(runDir, 'trials', trial, `fold-${k}.json`), 'utf8')) as {
          result: { predictions: { ids: string[] } };
        }
      ).result.predictions.ids,
  );
  assert.equal(tested.sort(), ['makeup/a', 'makeup/b', 'makeup/c', 'wrestle/a', 'wrestle/b', 'wrestle/c']);
  assert.match(readFileSync(join(runDir, 'report.html'), 'utf8'), /Samples left out/);
});

Run.run();
