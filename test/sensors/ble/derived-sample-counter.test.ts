import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DerivedSampleCounter } from '../../../sensors/ble/derived-sample-counter.ts';

const Counter = suite('DerivedSampleCounter');

Counter('numbers runs of samples back to back while device time follows the rate', () => {
  const c = new DerivedSampleCounter('s', 100);
  assert.equal(c.place(4, 1.0, 1.03, 10, 2), { firstSample: 0, gap: null });
  assert.equal(c.place(4, 1.04, 1.07, 10.04, 2), { firstSample: 4, gap: null });
});

Counter('turns a jump of at least the threshold into a gap with no exact count, advancing by the estimate', () => {
  const c = new DerivedSampleCounter('s', 100);
  c.place(4, 1.0, 1.03, 10, 2);
  // 1.03 -> 1.10 is 7 periods: 6 samples missing.
  const { firstSample, gap } = c.place(4, 1.1, 1.13, 10.2, 2);
  assert.is(firstSample, 4 + 6);
  assert.equal(gap, {
    kind: 'gap',
    sensorId: 's',
    reason: 'sequence-jump',
    fromDeviceTime: 1.03,
    toDeviceTime: 1.1,
    fromHostTime: 10,
    toHostTime: 10.2,
    samplesLost: null,
  });
  // One missing sample is under the threshold of 2: no gap, and the counter stays dense.
  assert.equal(c.place(4, 1.15, 1.18, 10.3, 2), { firstSample: 14, gap: null });
});

Counter('closes a disconnect gap with the next run, and reports it open when none came', () => {
  const c = new DerivedSampleCounter('s', 100);
  assert.is(c.openGap(), null);
  c.place(2, 1.0, 1.01, 10, 2);
  c.disconnected(11);
  const open = c.openGap()!;
  assert.equal([open.reason, open.fromHostTime, open.fromDeviceTime], ['disconnect', 11, 1.01]);
  assert.ok(Number.isNaN(open.toDeviceTime) && Number.isNaN(open.toHostTime));
  const { gap } = c.place(2, 1.02, 1.03, 12, Infinity);
  assert.equal([gap!.reason, gap!.fromHostTime, gap!.toHostTime], ['disconnect', 11, 12]);
  assert.is(c.openGap(), null);
});

Counter.run();
