import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { GapEvent, ImuPacket } from '../../sensors/imu-packet.ts';
import { SensorStreamStats, renderTallies } from '../../src/cli/sensor-stream-stats.ts';

const packet = (sensorId: string, n: number, hostTime: number): ImuPacket => ({
  kind: 'imu',
  sensorId,
  firstSample: 0,
  deviceTime: new Float64Array(n),
  acc: Float32Array.from({ length: n * 3 }, (_, i) => i),
  gyro: new Float32Array(n * 3),
  hostTime,
});
const gap = (sensorId: string, samplesLost: number | null): GapEvent => ({
  kind: 'gap',
  sensorId,
  reason: 'sequence-jump',
  fromDeviceTime: 0,
  toDeviceTime: 0,
  fromHostTime: 0,
  toHostTime: 0,
  samplesLost,
});

const Stats = suite('SensorStreamStats');

Stats('counts samples, gaps and lost samples per sensor, and the rate over the last second', () => {
  const stats = new SensorStreamStats();
  stats.add(packet('b', 10, 0.2));
  stats.add(packet('a', 10, 0.5));
  stats.add(packet('a', 10, 1.2));
  stats.add(gap('a', 20));
  stats.add(gap('a', null));
  stats.add(packet('a', 10, 1.4));
  const [a, b] = stats.snapshot(1.45);
  // a: 30 samples; in (0.45, 1.45] all three packets; b's one packet too.
  assert.equal([a?.id, a?.samples, a?.gaps, a?.lost, a?.unknownGaps, a?.rate], ['a', 30, 2, 20, 1, 30]);
  assert.equal(a?.acc, [27, 28, 29]);
  assert.is(b?.rate, 0);
  assert.match(renderTallies([a!])[0] as string, /gaps 2  lost 20 \(\+1 resets\)/);
});

Stats.run();
