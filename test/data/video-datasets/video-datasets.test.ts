import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../src/core/errors.ts';
import { createDataset } from '../../../src/data/dataset-registry.ts';
import { expandTrials } from '../../../src/experiments/expand-sweep.ts';
import { loadExperiment } from '../../../src/experiments/load-experiment.ts';
import { hmdb51Dataset } from '../../../src/data/video-datasets/hmdb51-dataset.ts';
import { kinetics400Dataset } from '../../../src/data/video-datasets/kinetics400-dataset.ts';
import { sports1mDataset } from '../../../src/data/video-datasets/sports1m-dataset.ts';
import { ucf101Dataset } from '../../../src/data/video-datasets/ucf101-dataset.ts';
import { videoFolderDataset } from '../../../src/data/video-datasets/video-folder-dataset.ts';

/** Listing the video data sets from their real annotation files, against trees of placeholder files. */

const SHARED = join(process.cwd(), '..', 'shared', 'data');
const haveShared = existsSync(SHARED);
if (!haveShared) console.log(`  video data set tests on real annotation files skipped: ${SHARED} is absent`);
const decode = { size: 64, frames: 8 };
const work = mkdtempSync(join(tmpdir(), 'mf-video-datasets-'));
const placeholder = (path: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
};

const Datasets = suite('video data sets');

Datasets(
  'UCF-101: split 1 has 9,537 training and 3,783 test clips of 101 classes; groups are subjects; the other splits too',
  async () => {
    if (!haveShared) return;
    const splits = join(SHARED, 'ucf101-splits');
    const root = join(work, 'UCF-101');
    const lines = ['trainlist01.txt', 'testlist01.txt'].flatMap((f) =>
      readFileSync(join(splits, f), 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== ''),
    );
    for (const line of lines) placeholder(join(root, line.split(' ')[0]!.trim()));
    const ucf = ucf101Dataset({ root, splits, ...decode });
    assert.is(ucf.classes.length, 101);
    assert.is(ucf.classes[0], 'ApplyEyeMakeup');
    assert.is(ucf.classes[36], 'HandstandPushups');
    const official = await ucf.officialSplits!();
    assert.equal(
      official.map((s) => s.name),
      ['split1', 'split2', 'split3'],
    );
    assert.is(official[0]!.train.length, 9537);
    assert.is(official[0]!.test.length, 3783);
    assert.is(official[1]!.train.length + official[1]!.test.length, 13320);
    const refs = await ucf.list();
    assert.is(refs.length, 9537 + 3783, 'every clip of split 1 is on disk');
    const first = refs.find((r) => r.id === 'v_ApplyEyeMakeup_g08_c01');
    assert.equal({ label: first?.label, subject: first?.subject }, { label: 'ApplyEyeMakeup', subject: 'g08' });
    assert.ok(
      refs.find((r) => r.id === 'v_HandStandPushups_g08_c01')?.label === 'HandstandPushups',
      'file names keep their own case',
    );
    const testGroups = new Set(official[0]!.test.map((id) => /_g(\d+)_/.exec(id)?.[1]));
    assert.equal([...testGroups].sort(), ['01', '02', '03', '04', '05', '06', '07'], 'split 1 tests groups 1-7');
    // Each split partitions the same 13,320 clips: all of them are on disk.
    assert.is((await ucf.missing()).length, 0);

    // experiments/ucf101.yaml pointed at this tree: split 1, the paper's method and its video baselines.
    const loaded = await loadExperiment(join(process.cwd(), 'experiments', 'ucf101.yaml'), {
      set: [`dataset.root=${root}`, `dataset.splits=${splits}`],
    });
    const { split } = loaded.experiment;
    assert.equal([split.kind, split.kind === 'official' ? split.names : undefined], ['official', ['split1']]);
    const trials = expandTrials(loaded, { sweep: true });
    assert.equal(
      trials.map((t) => t.experiment.model.type),
      ['video-only', 'pretrained-video', 'single-frame-cnn', 'two-stream-cnn'],
    );
    const fromFile = await createDataset(loaded.experiment.dataset);
    const [split1] = await fromFile.officialSplits!();
    assert.equal([split1!.name, split1!.train.length, split1!.test.length], ['split1', 9537, 3783]);
  },
);

Datasets('UCF-101: a missing split folder is a clear error', () => {
  const ucf = ucf101Dataset({ root: work, splits: join(work, 'nothing'), ...decode });
  assert.throws(
    () => ucf.classes,
    (e: Error) => e instanceof UserError && /classInd\.txt not found: .*nothing/.test(e.message),
  );
});

Datasets('Kinetics-400: the annotation CSV, clips by label folder and YouTube id; missing clips counted', async () => {
  if (!haveShared) return;
  const csv = join(SHARED, 'kinetics400-sample', 'validate_sample.csv');
  const root = join(work, 'kinetics');
  const rows = readFileSync(csv, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
  // Every other clip downloaded; some label folders written with underscores, as some tools do.
  rows.forEach(([label, id, start, end], i) => {
    if (i % 2 === 1) return;
    const folder = i % 4 === 0 ? label! : label!.replace(/ /g, '_');
    placeholder(join(root, folder, `${id}_${start!.padStart(6, '0')}_${end!.padStart(6, '0')}.mp4`));
  });
  const k = await kinetics400Dataset({ root, annotations: [csv], ...decode });
  const refs = await k.list();
  const missing = await k.missing();
  assert.is(refs.length + missing.length, 199);
  assert.is(refs.length, 100);
  assert.is(missing.length, 99);
  const labels = new Set(rows.map((r) => r[0]));
  assert.equal([...k.classes], [...labels].sort());
  const snap = refs.find((r) => r.id === '--Kr1PZaPDI_000001_000011');
  assert.is(snap?.label, 'finger snapping');
  const official = await k.officialSplits!();
  assert.equal(
    official.map((s) => [s.name, s.train.length, s.test.length]),
    [['validate', 0, 199]],
  );
});

Datasets('HMDB-51: per-class split files (1 train, 2 test, 0 unused); the source film is the subject', async () => {
  const root = join(work, 'hmdb');
  const splits = join(root, 'testTrainMulti_7030_splits');
  const clips: Record<string, [string, string][]> = {
    brush_hair: [
      ['April_09_brush_hair_u_nm_np1_ba_goo_0.avi', '1'],
      ['April_09_brush_hair_u_nm_np1_ba_goo_1.avi', '2'],
      ['Blonde_brush_hair_h_cm_np1_fr_goo_0.avi', '0'],
    ],
    cartwheel: [
      ['Bodenturnen_cartwheel_f_cm_np1_le_med_0.avi', '2'],
      ['Turnen_cartwheel_f_cm_np1_ri_med_1.avi', '1'],
    ],
  };
  for (const [label, list] of Object.entries(clips)) {
    for (const n of [1, 2, 3]) placeholder(join(splits, `${label}_test_split${n}.txt`));
    for (const n of [1, 2, 3])
      writeFileSync(
        join(splits, `${label}_test_split${n}.txt`),
        list.map(([c, u]) => `${c} ${n === 1 ? u : '1'} \n`).join(''),
      );
    for (const [c] of list.slice(0, 2)) placeholder(join(root, label, c));
  }
  const h = hmdb51Dataset({ root, ...decode });
  assert.equal([...h.classes], ['brush_hair', 'cartwheel']);
  const official = await h.officialSplits!();
  assert.equal(official[0]!.train.sort(), [
    'April_09_brush_hair_u_nm_np1_ba_goo_0',
    'Turnen_cartwheel_f_cm_np1_ri_med_1',
  ]);
  assert.equal(official[0]!.test.sort(), [
    'April_09_brush_hair_u_nm_np1_ba_goo_1',
    'Bodenturnen_cartwheel_f_cm_np1_le_med_0',
  ]);
  const refs = await h.list();
  assert.is(refs.length, 4);
  assert.is(refs.find((r) => r.id.startsWith('April_09'))?.subject, 'April_09');
  assert.equal(
    (await h.missing()).map((m) => m.id),
    ['Blonde_brush_hair_h_cm_np1_fr_goo_0'],
  );
});

Datasets('Sports-1M: JSON annotations, the first of several labels, videos by id, missing ones counted', async () => {
  const root = join(work, 'sports1m');
  mkdirSync(root, { recursive: true });
  const labels = join(work, 'labels.txt');
  writeFileSync(labels, 'backpacking\nhiking\nboxing\n');
  const train = join(work, 'sports1m_train.json');
  const test = join(work, 'sports1m_test.json');
  writeFileSync(
    train,
    JSON.stringify([
      { id: 'aaaaaaaaaaa', label487: [2, 0], duration: 30 },
      { id: 'https://www.youtube.com/watch?v=bbbbbbbbbbb', label487: [1], duration: 12 },
    ]),
  );
  writeFileSync(test, JSON.stringify([{ id: 'ccccccccccc', label487: [0], duration: 5 }]));
  placeholder(join(root, 'aaaaaaaaaaa.mp4'));
  placeholder(join(root, 'bbbbbbbbbbb.webm'));
  const s = sports1mDataset({ root, train, test, labels, ...decode });
  assert.equal([...s.classes], ['backpacking', 'hiking', 'boxing']);
  assert.equal(
    (await s.list()).map((r) => [r.id, r.label]),
    [
      ['aaaaaaaaaaa', 'boxing'],
      ['bbbbbbbbbbb', 'hiking'],
    ],
  );
  assert.equal(
    (await s.missing()).map((m) => m.id),
    ['ccccccccccc'],
  );
  assert.equal(await s.officialSplits!(), [
    { name: 'official', train: ['aaaaaaaaaaa', 'bbbbbbbbbbb'], test: ['ccccccccccc'] },
  ]);
});

Datasets('a folder of labelled clips: classes from folders, subjects from a pattern', async () => {
  const root = join(work, 'mine');
  for (const f of ['jump/p01_jump_1.mp4', 'jump/p02_jump_1.mov', 'squat/p01_squat_1.avi', 'squat/notes.txt'])
    placeholder(join(root, f));
  const v = videoFolderDataset({ root, subject: '^(p\\d+)_', ...decode });
  assert.equal([...v.classes], ['jump', 'squat']);
  assert.equal(
    (await v.list()).map((r) => [r.id, r.label, r.subject]),
    [
      ['jump/p01_jump_1', 'jump', 'p01'],
      ['jump/p02_jump_1', 'jump', 'p02'],
      ['squat/p01_squat_1', 'squat', 'p01'],
    ],
  );
  const bad = videoFolderDataset({ root, subject: '^(x\\d+)_', ...decode });
  assert.throws(() => bad.classes, /does not match/);
});

Datasets.run();
