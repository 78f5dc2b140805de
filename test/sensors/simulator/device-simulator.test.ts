import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameParser } from '../../../sensors/framed/frame-parser.ts';
import { DEVICE_SIMULATOR_DEFAULTS, DeviceSimulator } from '../../../sensors/simulator/device-simulator.ts';

const data = (value: number) => Float32Array.from({ length: 6 * 4 }, (_, i) => (i % 6 < 3 ? value : value / 10));

const Sim = suite('DeviceSimulator');

Sim('produces rate x seconds samples per sensor in frames, on time, in due order', () => {
  const sim = new DeviceSimulator({
    ...DEVICE_SIMULATOR_DEFAULTS,
    sensors: [data(1), data(2)],
    rate: 100,
    samplesPerFrame: 5,
  });
  // Frame k of a sensor is ready when its last sample (5k + 4) has been taken: at (5k + 4) / 100 s.
  const first = sim.until(0.04);
  assert.equal(
    first.map((e) => [e.sensor, e.firstSample]),
    [
      [0, 0],
      [1, 0],
    ],
  );
  const rest = sim.until(0.999);
  assert.is(first.length + rest.length, 2 * 20);
  assert.ok(rest.every((e, i) => i === 0 || e.due >= (rest[i - 1]?.due as number)));
  // Values come back at the stated ranges: 1 m/s^2 and 0.1 rad/s within a count.
  const frame = new FrameParser().push(first[0]!.bytes)[0]!;
  assert.ok(Math.abs((frame.acc[0] as number) * ((16 * 9.80665) / 32768) - 1) < (16 * 9.80665) / 32768);
});

Sim('a clock 1000 ppm fast yields its frames sooner on the host clock', () => {
  const slow = new DeviceSimulator({
    ...DEVICE_SIMULATOR_DEFAULTS,
    sensors: [data(0)],
    rate: 100,
    samplesPerFrame: 10,
  });
  const fast = new DeviceSimulator({
    ...DEVICE_SIMULATOR_DEFAULTS,
    sensors: [data(0)],
    rate: 100,
    samplesPerFrame: 10,
    driftPpm: 1000,
  });
  // 1000 frames: the last is ready at 9999 / 100 s = 99.99 s nominal, 99.99 / 1.001 = 99.89 s fast.
  assert.is(slow.until(99.9).length, 999);
  assert.is(fast.until(99.9).length, 1000);
});

Sim('reports what it lost or tore, and the same seed gives the same bytes', () => {
  const options = { ...DEVICE_SIMULATOR_DEFAULTS, sensors: [data(1)], loss: 0.2, torn: 0.1, garbage: 0.3, seed: 5 };
  const a = new DeviceSimulator(options).until(10);
  const b = new DeviceSimulator(options).until(10);
  assert.equal(
    a.map((e) => [...e.bytes]),
    b.map((e) => [...e.bytes]),
  );
  const lost = a.filter((e) => e.fate === 'lost');
  assert.ok(lost.length > 20 && lost.length < 80, `lost ${lost.length} of 200`);
  assert.ok(lost.every((e) => e.bytes.length === e.garbage));
  // What a parser decodes is exactly the frames sent whole.
  const parser = new FrameParser();
  const decoded = a.flatMap((e) => parser.push(e.bytes)).map((f) => f.firstSample);
  assert.equal(
    decoded,
    a.filter((e) => e.fate === 'sent').map((e) => e.firstSample),
  );
});

Sim('names the bad option', () => {
  assert.throws(
    () => new DeviceSimulator({ ...DEVICE_SIMULATOR_DEFAULTS, sensors: [data(0)], loss: 2 }),
    /loss must be a probability/,
  );
  assert.throws(
    () => new DeviceSimulator({ ...DEVICE_SIMULATOR_DEFAULTS, sensors: [new Float32Array(5)] }),
    /sensors\[0\]/,
  );
});

Sim.run();
