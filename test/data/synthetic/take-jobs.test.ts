import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { syntheticTakeJobs, takeJobId } from '../../../src/data/synthetic/take-jobs.ts';

/** The takes of a synthetic data set, in the one order every user of them follows. */

const Jobs = suite('syntheticTakeJobs');

Jobs('subject by subject, then action in the order asked for, then repetition', () => {
  const jobs = syntheticTakeJobs({ subjects: 2, actions: ['run', 'jump'], clipsPerClass: 2 });
  assert.equal(
    jobs.map((j) => [j.subjectIndex, j.action, j.take]),
    [
      [0, 'run', 0],
      [0, 'run', 1],
      [0, 'jump', 0],
      [0, 'jump', 1],
      [1, 'run', 0],
      [1, 'run', 1],
      [1, 'jump', 0],
      [1, 'jump', 1],
    ],
  );
});

Jobs("a job's id is its take's sample id", () => {
  assert.is(takeJobId({ subjectIndex: 0, action: 'jump', take: 0 }), 'S01-jump-t01');
  assert.is(takeJobId({ subjectIndex: 11, action: 'kick', take: 9 }), 'S12-kick-t10');
});

Jobs.run();
