import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import { motionfuseInProcess } from '../helpers/run-cli.ts';
import { SIM0, SIM1, writeSessionFolder } from '../helpers/session-folder.ts';

/** `motionfuse session info|export|cut` on the hand-worked session of test/helpers/session-folder.ts. */
const Session = suite('motionfuse session');
let dir = '';

Session.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-session-cli-'));
  await writeSessionFolder(join(dir, 'lab1'), { ffmpeg: (await locateFfmpeg()).path });
  await writeSessionFolder(join(dir, 'crash'), { id: 'lab2', crash: true, video: false });
});
Session.after(() => rmSync(dir, { recursive: true, force: true }));

Session('info --json: per stream name, kind, samples, first, last, gaps; trials; notes', async () => {
  const r = await motionfuseInProcess(['session', 'info', join(dir, 'lab1'), '--json', '--no-align']);
  assert.is(r.code, 0, r.stderr);
  // Worked by hand from the session's definition (µs): the wrist at 0.2 + (i / 100) * 1.0001 with
  // samples 300-319 lost, the ankle at 0.105 + i / 100 with a clock reset after i = 599, frames at
  // 0.05 + f / 30 with one dropped after f = 149.
  assert.equal(JSON.parse(r.stdout), {
    streams: [
      {
        name: SIM0,
        kind: 'imu',
        samples: 980,
        first: 0.2,
        last: 10.190999,
        gaps: [{ reason: 'sequence-jump', from: 3.190299, to: 3.40032, samplesLost: 20 }],
      },
      {
        name: SIM1,
        kind: 'imu',
        samples: 1000,
        first: 0.105,
        last: 10.095,
        gaps: [{ reason: 'clock-reset', from: 6.095, to: 6.105, samplesLost: null }],
      },
      {
        name: 'video',
        kind: 'video',
        samples: 300,
        first: 0.05,
        last: 10.05,
        gaps: [{ reason: 'dropped-frames', from: 5.016667, to: 5.083333, samplesLost: 1 }],
      },
      { name: 'markers', kind: 'markers', samples: 6, first: 1, last: 8, gaps: [] },
      { name: 'gaps', kind: 'gaps', samples: 2, first: 3.40032, last: 6.105, gaps: [] },
    ],
    trials: [
      { index: 1, label: 'jump', start: 1, stop: 3, endedBy: 'stop', subject: 'ath1' },
      { index: 2, label: 'squat', start: 4, stop: 6, endedBy: 'next-start' },
      { index: 3, label: 'run', start: 6, stop: 8, endedBy: 'stop' },
    ],
    notes: [{ t: 3.5, text: 'knee wobble' }],
    videoOffset: null,
  });
  // A trial-start ends the running trial without a warning (keys 1-9 switch trials so).
  assert.not.match(r.stderr, /trial 2 'squat'/);
});

Session('info: the summary says a crashed session did not stop cleanly, with drift and gaps per sensor', async () => {
  const r = await motionfuseInProcess(['session', 'info', join(dir, 'crash')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'did NOT stop cleanly (crash or kill)');
  assert.match(r.stdout, `${SIM0} [imu]: 980 samples, 0.200-10.191`);
  assert.match(r.stdout, 'gaps: 1, samples lost 20, longest 0.210 s');
  assert.match(r.stdout, 'clock: drift 100.0 ppm');
  assert.match(r.stdout, '2 segment(s)');
  assert.match(r.stdout, '3. run: from 6.000 s for 4.191 s (no trial-stop: ended with the recording)');
  assert.match(r.stderr, /warning: .*crash\/session\.xdf: file ends at byte/);
});

Session('export writes one file per stream; cut writes one folder per trial and skips them on a re-run', async () => {
  const out = join(dir, 'arrow');
  const e = await motionfuseInProcess(['session', 'export', join(dir, 'crash'), '--format', 'arrow', '--out', out]);
  assert.is(e.code, 0, e.stderr);
  assert.match(e.stdout, `${join(out, 'serial_dev_sim_0.arrow')}: 980 rows (${SIM0})`);
  assert.ok(existsSync(join(out, 'markers.arrow')));
  const trials = join(dir, 'trials');
  const c = await motionfuseInProcess(['session', 'cut', join(dir, 'lab1'), '--out', trials]);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stdout, `wrote   ${join(trials, 'lab1-01-jump')}  jump 1.000-3.000 s`);
  const again = await motionfuseInProcess(['session', 'cut', join(dir, 'lab1'), '--out', trials]);
  assert.match(again.stdout, `skipped ${join(trials, 'lab1-03-run')}  run 6.000-8.000 s (exists)`);
});

Session('a folder that is not a session exits 2 naming session.json', async () => {
  const r = await motionfuseInProcess(['session', 'info', join(dir, 'nothing')]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /cannot read .*nothing\/session\.json/);
});

Session.run();
