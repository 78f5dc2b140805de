import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameHostClock } from '../../../sensors/camera/frame-host-clock.ts';

const Clock = suite('FrameHostClock');

Clock('a frame is at its pts plus the smallest arrival lag observed', () => {
  const c = new FrameHostClock();
  // Frames every 40 ms; arrival lags of 90 ms (start-up), 20 ms, 25 ms after a host time of 100 s at pts 0.
  c.observe(0, 100.09);
  c.observe(0.04, 100.06);
  c.observe(0.08, 100.105);
  assert.ok(Math.abs(c.hostMinusPts - 100.02) < 1e-9);
  // Frame 0 is stamped by the offset the later frames showed: 100.02, not its late arrival.
  assert.ok(Math.abs(c.stamp(0) - 100.02) < 1e-9);
  assert.ok(Math.abs(c.stamp(0.04) - 100.06) < 1e-9);
  assert.ok(Math.abs(c.stamp(0.08) - 100.1) < 1e-9);
});

Clock('a stamp is never before the previous one, even when the offset fell by more than a frame', () => {
  const c = new FrameHostClock();
  c.observe(0, 10.5);
  assert.ok(Math.abs(c.stamp(0) - 10.5) < 1e-9);
  // The next frame shows an offset 50 ms lower: its pts + offset = 10.483, before 10.5.
  c.observe(0.033, 10.483);
  assert.ok(Math.abs(c.stamp(0.033) - 10.500001) < 1e-9);
  c.observe(0.066, 10.53);
  assert.ok(Math.abs(c.stamp(0.066) - 10.516) < 1e-9);
});

Clock.run();
