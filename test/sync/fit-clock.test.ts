import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clockFitToHost, fitClock } from '../../src/sync/fit-clock.ts';
import { errorStats, simulateArrivals } from '../helpers/clock-arrivals.ts';

/** The batch fit of a device clock against packet arrivals. */
const FitClock = suite('fitClock');

FitClock('fits the lower envelope: late packets do not move it, where least squares would', () => {
  // host = device + 5 + 0.001 * device; packets at device 0, 1, ..., 9 arrive with these delays.
  // The zero-delay packets (0, 4, 9) lie on the true line; a least-squares line would sit
  // mean(delay) = 7.5 ms above it.
  const delays = [0, 0.01, 0.02, 0.005, 0, 0.015, 0.002, 0.003, 0.02, 0];
  const device = delays.map((_, i) => i);
  const host = delays.map((d, i) => i + 5 + 0.001 * i + d);
  const fit = fitClock(device, host);
  assert.is(fit.origin, 0);
  assert.ok(Math.abs(fit.offset - 5) < 1e-9, `offset ${fit.offset}`);
  assert.ok(Math.abs(fit.drift - 0.001) < 1e-9, `drift ${fit.drift}`);
  assert.is(fit.points, 10);
  assert.ok(Math.abs(clockFitToHost(fit, 20) - (20 + 5 + 0.02)) < 1e-9);
});

FitClock('one point, or one device time, gives the offset alone', () => {
  const one = fitClock([7], [107.5]);
  assert.equal([one.offset, one.drift], [100.5, 0]);
  // Two packets stamped alike: the earlier arrival bounds the offset.
  const same = fitClock([7, 7], [107.5, 107.2]);
  assert.ok(Math.abs(same.offset - 100.2) < 1e-9 && same.drift === 0);
});

FitClock('drops a packet stamped wrongly early rather than bending the envelope to it', () => {
  // 1000 packets, 10 per second, 0-5 ms delays, drift 50 ppm; packet 500's device stamp is
  // 80 ms late, so it looks 80 ms early.
  const n = 1000;
  const device = Array.from({ length: n }, (_, i) => 1000 + i / 10);
  const host = device.map((d, i) => d + 20 + 50e-6 * (d - 1000) + ((i * 7919) % 50) / 10000);
  device[500] = (device[500] as number) + 0.08;
  const fit = fitClock(device, host);
  const error = clockFitToHost(fit, 1050) - (1050 + 20 + 50e-6 * 50);
  assert.ok(Math.abs(error) < 0.0002, `error ${error}`);
});

FitClock('accepts packets out of device-time order', () => {
  const device = [3, 1, 2, 0];
  const host = device.map((d) => d * 1.0001 + 2);
  const fit = fitClock(device, host);
  assert.is(fit.origin, 0);
  assert.ok(Math.abs(fit.drift - 0.0001) < 1e-12 && Math.abs(fit.offset - 2) < 1e-12);
});

FitClock('names what is wrong with its input', () => {
  assert.throws(() => fitClock([], []), /fitClock\(\): no points/);
  assert.throws(() => fitClock([1, 2], [1]), /fitClock\(\): device and host differ in length \(2 vs 1\)/);
  assert.throws(() => fitClock([1, NaN], [1, 2]), /fitClock\(\): point 1 is not finite/);
});

// Acceptance 3 of issue #20: 100 ppm drift, 10 minutes of 4 sensors x 200 Hz in packets of 10,
// every sample mapped within 1 ms of its true host time + the minimum transport delay.
for (const mode of ['uniform', 'ble'] as const) {
  FitClock(`maps every sample of 10 minutes within 1 ms (100 ppm drift, ${mode} arrival delays)`, () => {
    const sensors = simulateArrivals({ mode });
    for (const [s, sensor] of sensors.entries()) {
      const fit = fitClock(sensor.device, sensor.host);
      const errors = Float64Array.from(
        sensor.sampleDevice,
        (d, j) => clockFitToHost(fit, d) - (sensor.sampleTruth[j] as number),
      );
      assert.is(errors.length, 120000);
      const { max } = errorStats(errors);
      assert.ok(max < 0.001, `sensor ${s}: max error ${(max * 1000).toFixed(3)} ms`);
      // The drift itself, to 1 ppm.
      const truth = [100e-6, -100e-6][s % 2] as number;
      assert.ok(Math.abs(fit.drift - truth) < 1e-6, `sensor ${s}: drift ${fit.drift}`);
    }
  });
}

FitClock.run();
