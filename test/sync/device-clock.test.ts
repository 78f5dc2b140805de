import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceClock } from '../../src/sync/device-clock.ts';
import { errorStats, simulateArrivals, type SensorArrivals } from '../helpers/clock-arrivals.ts';

/** The online device clock: the fit while packets arrive, resets, a bounded window. */
const Clock = suite('DeviceClock');

/**
 * Feeds a sensor's packets in arrival order, mapping each packet's samples right after it
 * arrives (as live recognition does); returns each sample's error, its device time since the
 * first sample, and the packets at which add() said reset.
 */
function replay(sensor: SensorArrivals, clock = new DeviceClock()) {
  const perPacket = sensor.sampleDevice.length / sensor.device.length;
  const errors = new Float64Array(sensor.sampleDevice.length);
  const since = new Float64Array(sensor.sampleDevice.length);
  const resets: number[] = [];
  for (let p = 0; p < sensor.device.length; p++) {
    if (clock.add(sensor.device[p] as number, sensor.host[p] as number).reset) resets.push(p);
    for (let k = 0; k < perPacket; k++) {
      const j = p * perPacket + k;
      errors[j] = clock.toHost(sensor.sampleDevice[j] as number) - (sensor.sampleTruth[j] as number);
      since[j] = (sensor.sampleTruth[j] as number) - (sensor.sampleTruth[0] as number);
    }
  }
  return { errors, since, resets, clock };
}

const maxAfter = (run: { errors: Float64Array; since: Float64Array }, from: number, to = Infinity) =>
  errorStats(run.errors.filter((_, j) => (run.since[j] as number) >= from && (run.since[j] as number) < to)).max;

Clock('maps nothing before the first packet, then by the offset alone', () => {
  const clock = new DeviceClock();
  assert.ok(Number.isNaN(clock.toHost(5)));
  assert.is(clock.fit(), null);
  clock.add(10, 110.25);
  assert.is(clock.toHost(12), 112.25);
  assert.equal(clock.fit()?.drift, 0);
});

// Acceptance 3 of issue #20, online: 100 ppm drift, 10 minutes of 4 sensors x 200 Hz.
Clock('maps every sample within 1 ms after its first 5 s (100 ppm drift, 0-5 ms uniform delays)', () => {
  for (const [s, sensor] of simulateArrivals({ mode: 'uniform' }).entries()) {
    const run = replay(sensor);
    assert.equal(run.resets, [], `sensor ${s} saw no reset`);
    const max = maxAfter(run, 5);
    assert.ok(max < 0.001, `sensor ${s}: max error ${(max * 1000).toFixed(3)} ms`);
    // The window keeps memory bounded: 120 s of 20 packets/s, not the 10 minutes.
    const points = run.clock.fit()?.points ?? 0;
    assert.ok(points > 2300 && points <= 2401, `points ${points}`);
  }
});

// With BLE bursts the least delay a packet can have steps in 1.25 ms connection-event
// quantisation that the drift slides by only 1.25 ms per 12.5 s: until the fit has seen a
// couple of those cycles it cannot tell the envelope's step from a clock offset.
Clock('maps every sample within 1 ms after its first 30 s (100 ppm drift, BLE bursts)', () => {
  for (const [s, sensor] of simulateArrivals({ mode: 'ble' }).entries()) {
    const run = replay(sensor);
    assert.equal(run.resets, []);
    const max = maxAfter(run, 30);
    assert.ok(max < 0.001, `sensor ${s}: max error ${(max * 1000).toFixed(3)} ms`);
  }
});

/** One minute at 200 Hz; from 30 s the device stamps read `jump(device time, cut)`. */
function withJump(jump: (deviceTime: number, cut: number) => number): SensorArrivals {
  const [sensor] = simulateArrivals({ sensors: 1, seconds: 60, lateOutliers: 0 }) as [SensorArrivals];
  const cut = (sensor.sampleDevice[0] as number) + 30;
  const shifted = (d: number) => (d >= cut ? jump(d, cut) : d);
  return { ...sensor, device: sensor.device.map(shifted), sampleDevice: sensor.sampleDevice.map(shifted) };
}

for (const [name, jump] of [
  ['restarts at 0', (d: number, cut: number) => d - cut],
  ['jumps forward by 3 s', (d: number) => d + 3],
] as const) {
  Clock(`a device clock that ${name} mid-stream is one reset, then mapped within 1 ms again`, () => {
    const run = replay(withJump(jump));
    // The first packet whose last sample is past the cut: 30 s x 20 packets/s.
    assert.equal(run.resets, [600]);
    assert.is(run.clock.resets, 1);
    const before = maxAfter(run, 5, 29.9);
    const after = maxAfter(run, 35);
    assert.ok(before < 0.001, `before: ${(before * 1000).toFixed(3)} ms`);
    assert.ok(after < 0.001, `after: ${(after * 1000).toFixed(3)} ms`);
  });
}

Clock('a stalled link delivering 0.7 s of packets at once is no reset', () => {
  const [sensor] = simulateArrivals({ sensors: 1, seconds: 60, lateOutliers: 0 }) as [SensorArrivals];
  // Packets 400..413 (20.0-20.7 s) are held up and all arrive just after packet 413 is ready.
  const release = (sensor.host[413] as number) + 0.001;
  const host = sensor.host.map((h, p) => (p >= 400 && p <= 413 ? release + 0.0001 * (p - 400) : h));
  const run = replay({ ...sensor, host });
  assert.equal(run.resets, []);
  assert.ok(maxAfter(run, 5) < 0.001);
});

Clock('a backlog of 5 s that a port held before it was opened drains without a reset', () => {
  const [sensor] = simulateArrivals({ sensors: 1, seconds: 60, lateOutliers: 0 }) as [SensorArrivals];
  // The first 100 packets (5 s) wait in the port's buffer and all arrive, 0.1 ms apart, when the
  // port opens, just after packet 100 was sent.
  const open = (sensor.host[100] as number) + 0.002;
  const host = sensor.host.map((h, p) => (p < 100 ? open + 0.0001 * p : h));
  const run = replay({ ...sensor, host });
  assert.equal(run.resets, []);
  assert.ok(maxAfter(run, 10) < 0.001, `after 10 s: ${(maxAfter(run, 10) * 1000).toFixed(3)} ms`);
});

Clock('a clock that stood still (every packet 2 s late for over a second) is one reset', () => {
  const [sensor] = simulateArrivals({ sensors: 1, seconds: 60, lateOutliers: 0 }) as [SensorArrivals];
  const cut = sensor.sampleDevice[0]! + 30;
  // The device falls silent for 2 s and its clock stands still meanwhile: from 30 s its stamps
  // read 2 s less but never go back, so only the packets' lateness shows it.
  const shifted = (d: number) => (d >= cut ? d - 2 : d);
  const keep = (p: number) => p < 600 || p >= 640;
  const idx = Array.from(sensor.device.keys()).filter(keep);
  const device = Float64Array.from(idx, (p) => shifted(sensor.device[p] as number));
  const host = Float64Array.from(idx, (p) => sensor.host[p] as number);
  const clock = new DeviceClock();
  const resets: number[] = [];
  for (let k = 0; k < device.length; k++) if (clock.add(device[k] as number, host[k] as number).reset) resets.push(k);
  assert.is(resets.length, 1);
  // Confirmed after one second of late packets (20), counted from the first late one.
  assert.is(resets[0], 600 + 20);
  const d = device[device.length - 1] as number;
  const truth = sensor.sampleTruth[((idx[idx.length - 1] as number) + 1) * 10 - 1] as number;
  assert.ok(Math.abs(clock.toHost(d) - truth) < 0.001, `${clock.toHost(d) - truth}`);
});

Clock('keeps at most 65 536 packets, the newest, however many the window holds', () => {
  // 1000 packets/s for 70 s, host = device + 3 + 20 ppm, delays 0-0.9 ms.
  const clock = new DeviceClock();
  for (let p = 0; p < 70_000; p++) {
    const d = p / 1000;
    clock.add(d, d + 3 + 20e-6 * d + (p % 10) * 1e-4);
  }
  const fit = clock.fit();
  assert.is(fit?.points, 65_536);
  // The fit (at most 1 s old) starts at the oldest packet kept then: not at 0, but no earlier
  // than 69.000 - 65.535 s and no later than 70.000 - 65.535 s.
  const origin = fit?.origin ?? 0;
  assert.ok(origin >= 3.465 - 1e-9 && origin <= 4.465, `origin ${origin}`);
  assert.ok(Math.abs(clock.toHost(70) - (70 + 3 + 20e-6 * 70)) < 1e-6);
});

Clock('names a bad option', () => {
  assert.throws(() => new DeviceClock({ windowSeconds: 0 }), /DeviceClock: windowSeconds must be > 0, got 0/);
  assert.throws(() => new DeviceClock({ resetJumpSeconds: -1 }), /resetJumpSeconds must be > 0/);
  assert.throws(() => new DeviceClock().add(NaN, 1), /DeviceClock.add\(\): times must be finite/);
});

Clock.run();
