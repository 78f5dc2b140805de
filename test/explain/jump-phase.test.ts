import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jumpPhase } from '../../src/explain/jump-phase.ts';

const Phase = suite('jumpPhase');

// A jump: take-off at 1.0 s, landing at 1.5 s.
Phase('a window holding the landing is landing, with or without the take-off', () => {
  assert.is(jumpPhase([0, 2], [1], [1.5]), 'landing');
  assert.is(jumpPhase([1.2, 2], [1], [1.5]), 'landing');
});

Phase('a window ending in the air is take-off; one inside the flight is flight; one before it is none', () => {
  assert.is(jumpPhase([0, 1.3], [1], [1.5]), 'take-off');
  assert.is(jumpPhase([1.1, 1.4], [1], [1.5]), 'flight');
  assert.is(jumpPhase([0, 0.9], [1], [1.5]), 'none');
  assert.is(jumpPhase([1.6, 2], [1], [1.5]), 'none');
  assert.is(jumpPhase([0, 2], [], []), 'none', 'no flight at all');
});

Phase('with two flights, landing wins over take-off', () => {
  assert.is(jumpPhase([0.9, 2.1], [0.5, 2], [0.95, 2.4]), 'landing');
});

Phase('names the bad argument', () => {
  assert.throws(() => jumpPhase([2, 1], [], []), /jumpPhase\(\): window must be \[start, end\]/);
  assert.throws(() => jumpPhase([0, 1], [0.5], []), /jumpPhase\(\): 1 take-offs but 0 landings/);
});

Phase.run();
