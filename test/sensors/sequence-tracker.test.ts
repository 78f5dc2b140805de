import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SequenceTracker } from '../../sensors/sequence-tracker.ts';

const Tracker = suite('SequenceTracker');

Tracker('contiguous runs give no gap and keep the counter', () => {
  const t = new SequenceTracker('s');
  assert.equal(t.accept(100, 10, 1.0, 1.045, 5), { firstSample: 100, gap: null });
  assert.equal(t.accept(110, 10, 1.05, 1.095, 5.1), { firstSample: 110, gap: null });
  assert.is(t.expectedSample, 120);
});

Tracker('a jump is a sequence-jump gap with the exact samples lost and its times', () => {
  const t = new SequenceTracker('s');
  t.accept(0, 10, 0, 0.045, 1);
  // Frames 10..19 and 20..29 were lost: 20 samples.
  const { firstSample, gap } = t.accept(30, 10, 0.15, 0.195, 1.2);
  assert.is(firstSample, 30);
  assert.equal(gap, {
    kind: 'gap',
    sensorId: 's',
    reason: 'sequence-jump',
    fromDeviceTime: 0.045,
    toDeviceTime: 0.15,
    fromHostTime: 1,
    toHostTime: 1.2,
    samplesLost: 20,
  });
});

Tracker('unwraps the u32 counter: across 2^32 nothing is lost and the index keeps counting', () => {
  const t = new SequenceTracker('s');
  t.accept(2 ** 32 - 10, 10, 0, 0, 0);
  assert.equal(t.accept(0, 10, 0, 0, 0), { firstSample: 2 ** 32, gap: null });
  // A loss across the wrap: expected 2^32 - 5 (raw), got 5: 10 lost.
  const u = new SequenceTracker('u');
  u.accept(2 ** 32 - 15, 10, 0, 0, 0);
  const r = u.accept(5, 10, 0, 0, 0);
  assert.is(r.firstSample, 2 ** 32 + 5);
  assert.is(r.gap?.samplesLost, 10);
});

Tracker('a counter that went backwards is a device reset: a gap of unknown size, counting restarts', () => {
  const t = new SequenceTracker('s');
  t.accept(5000, 10, 0, 0, 0);
  const r = t.accept(0, 10, 0, 0, 0);
  assert.is(r.firstSample, 0);
  assert.is(r.gap?.samplesLost, null);
});

Tracker('after interrupted(), the next run closes one disconnect gap, even with nothing lost', () => {
  const t = new SequenceTracker('s');
  t.interrupted('disconnect', 0.5); // before any sample: nothing to close
  t.accept(0, 10, 0, 0.045, 1);
  t.interrupted('disconnect', 2);
  t.interrupted('timeout', 3); // the first one counts
  const r = t.accept(10, 10, 0.05, 0.095, 4);
  assert.is(r.gap?.reason, 'disconnect');
  assert.is(r.gap?.samplesLost, 0);
  assert.is(r.gap?.fromHostTime, 2);
  assert.is(r.gap?.toHostTime, 4);
  assert.is(t.accept(20, 10, 0.1, 0.145, 5).gap, null);
});

Tracker('honours a narrower counter', () => {
  const t = new SequenceTracker('s', { counterBits: 16 });
  t.accept(65530, 6, 0, 0, 0);
  const r = t.accept(3, 1, 0, 0, 0);
  assert.is(r.firstSample, 65539);
  assert.is(r.gap?.samplesLost, 3);
  assert.throws(() => new SequenceTracker('s', { counterBits: 0 }), /counterBits must be 1\.\.48/);
});

Tracker.run();
