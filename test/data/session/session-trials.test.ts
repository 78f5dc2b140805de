import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionTrials } from '../../../src/data/session/session-trials.ts';

const Trials = suite('sessionTrials');

Trials(
  'start ... stop is a trial; an open one ends at the next start, or at the end with a warning; notes kept',
  () => {
    const r = sessionTrials(
      [
        { t: 5, marker: { event: 'trial-start', label: 'squat' } },
        { t: 1, marker: { event: 'trial-start', label: 'jump', subject: 'ann' } },
        { t: 2.5, marker: { event: 'trial-stop' } },
        { t: 3, marker: { event: 'note', text: 'shoe untied' } },
        { t: 7, marker: { event: 'trial-start', label: 'run' } },
      ],
      9.5,
    );
    assert.equal(r.trials, [
      { index: 1, label: 'jump', subject: 'ann', start: 1, stop: 2.5, endedBy: 'stop' },
      { index: 2, label: 'squat', start: 5, stop: 7, endedBy: 'next-start' },
      { index: 3, label: 'run', start: 7, stop: 9.5, endedBy: 'end' },
    ]);
    assert.equal(r.notes, [{ t: 3, text: 'shoe untied' }]);
    // A start that ends the running trial is how keys 1-9 switch trials: only the open end is warned of.
    assert.equal(r.warnings, [
      "trial 3 'run' (from 7.000 s) has no trial-stop; it ends at the end of the recording, 9.500 s",
    ]);
  },
);

Trials('a stop with no trial open is reported and ignored', () => {
  const r = sessionTrials([{ t: 2, marker: { event: 'trial-stop' } }], 4);
  assert.equal(r.trials, []);
  assert.equal(r.warnings, ['a trial-stop at 2.000 s with no trial open; ignored']);
});

Trials.run();
