import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataset } from '../../../src/data/dataset-registry.ts';
import { locateFfmpeg } from '../../../src/video/ffmpeg-binary.ts';
import { rejects } from '../../helpers/rejects.ts';
import { writeSessionFolder } from '../../helpers/session-folder.ts';

/** `dataset: { name: sessions, root }`: the labelled trials of every session under root, uncut. */
const Sessions = suite('sessions data set');
let dir = '';

Sessions.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-sessions-dataset-'));
  await writeSessionFolder(join(dir, 'root', 'day1', 'lab1'), { ffmpeg: (await locateFfmpeg()).path });
  await writeSessionFolder(join(dir, 'root', 'day2'), { id: 'lab2', crash: true, video: false });
});
Sessions.after(() => rmSync(dir, { recursive: true, force: true }));

Sessions('lists every trial of every session, labelled and by subject; loads one with its streams', async () => {
  const ds = await createDataset({ name: 'sessions', root: join(dir, 'root') });
  assert.equal(ds.classes, ['jump', 'run', 'squat']);
  const refs = await ds.list();
  assert.equal(
    refs.map((r) => [r.id, r.label, r.subject]),
    [
      ['lab1-01-jump', 'jump', 'ath1'],
      ['lab1-02-squat', 'squat', 'ath0'],
      ['lab1-03-run', 'run', 'ath0'],
      ['lab2-01-jump', 'jump', 'ath1'],
      ['lab2-02-squat', 'squat', 'ath0'],
      ['lab2-03-run', 'run', 'ath0'],
    ],
  );
  const jump = await ds.load(refs[0]!);
  assert.equal(
    jump.streams.map((s) => [s.kind, s.t.length]),
    [
      ['imu', 200],
      ['imu', 200],
      ['video', 60],
    ],
  );
  // The crashed session's last trial was never stopped: it runs to the end of the recording.
  const run = await ds.load(refs[5]!);
  assert.equal(run.meta['endedBy'], 'end');
  assert.ok(Math.abs((run.meta['stop'] as number) - (0.2 + 9.99 * 1.0001)) < 1e-6);
  assert.equal(run.meta['warnings'], ['cut from a session that did not stop cleanly']);
  assert.equal(
    run.streams.map((s) => s.kind),
    ['imu', 'imu'],
  );
});

Sessions('a root without sessions and an unlisted class are UserErrors', async () => {
  mkdirSync(join(dir, 'empty'));
  await rejects(
    createDataset({ name: 'sessions', root: join(dir, 'empty') }),
    /dataset\.root: no session \(a folder with session\.json\) under/,
  );
  await rejects(
    createDataset({ name: 'sessions', root: join(dir, 'root'), classes: ['jump'] }),
    /dataset\.classes does not list run, squat/,
  );
});

Sessions.run();
