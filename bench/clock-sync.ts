/**
 * `npx tsx bench/clock-sync.ts [--seconds 600] [--seeds 3]`: src/sync's clock alignment on
 * simulated sensors (test/helpers/clock-arrivals.ts: 4 sensors x 200 Hz in packets of 10, 100 ppm
 * drift, uniform 0-5 ms or BLE-burst delays, 0.1 % packets held up 50-300 ms): the error of every
 * sample's mapped host time against its true host time + the minimum transport delay, for the
 * batch fitClock and the online DeviceClock (mapping each packet as it arrives; after its first
 * 5 s, and after 30 s), max and p99 over seeds; and the cost of DeviceClock.add (refits included)
 * and toHost. Prints a table and, last, one JSON line.
 */
import { parseArgs } from 'node:util';
import { DeviceClock } from '../src/sync/device-clock.ts';
import { clockFitToHost, fitClock } from '../src/sync/fit-clock.ts';
import { errorStats, simulateArrivals } from '../test/helpers/clock-arrivals.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '600' }, seeds: { type: 'string', default: '3' } },
});
const seconds = Number(values.seconds);
const seeds = Number(values.seeds);
const ms = (s: number) => Number((s * 1000).toFixed(4));
const result: Record<string, unknown> = { seconds, seeds, sensors: 4, rate: 200, perPacket: 10 };
for (const mode of ['uniform', 'ble'] as const) {
  const batch: number[] = [];
  const after5: number[] = [];
  const after30: number[] = [];
  let addNs = 0;
  let adds = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    for (const sensor of simulateArrivals({ mode, seed, seconds })) {
      const fit = fitClock(sensor.device, sensor.host);
      sensor.sampleDevice.forEach((d, j) => batch.push(clockFitToHost(fit, d) - (sensor.sampleTruth[j] as number)));
      const clock = new DeviceClock();
      const perPacket = sensor.sampleDevice.length / sensor.device.length;
      const t0 = sensor.sampleTruth[0] as number;
      for (let p = 0; p < sensor.device.length; p++) {
        const start = process.hrtime.bigint();
        clock.add(sensor.device[p] as number, sensor.host[p] as number);
        addNs += Number(process.hrtime.bigint() - start);
        adds++;
        for (let k = 0; k < perPacket; k++) {
          const j = p * perPacket + k;
          const error = clock.toHost(sensor.sampleDevice[j] as number) - (sensor.sampleTruth[j] as number);
          const since = (sensor.sampleTruth[j] as number) - t0;
          if (since >= 5) after5.push(error);
          if (since >= 30) after30.push(error);
        }
      }
    }
  }
  const b = errorStats(batch);
  const o5 = errorStats(after5);
  const o30 = errorStats(after30);
  result[mode] = {
    batchMaxMs: ms(b.max),
    batchP99Ms: ms(b.p99),
    onlineAfter5sMaxMs: ms(o5.max),
    onlineAfter5sP99Ms: ms(o5.p99),
    onlineAfter30sMaxMs: ms(o30.max),
    onlineAfter30sP99Ms: ms(o30.p99),
    samples: b.count,
    addMicroseconds: Number((addNs / adds / 1000).toFixed(2)),
  };
  console.error(mode.padEnd(8), JSON.stringify(result[mode]));
}
// toHost: what live recognition pays per sample.
const clock = new DeviceClock();
for (let p = 0; p < 100; p++) clock.add(100 + p / 20, 1000 + p / 20 + 0.001 * (p % 3));
let sink = 0;
const n = 10_000_000;
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) sink += clock.toHost(100 + i * 1e-6);
result.toHostNanoseconds = Number((Number(process.hrtime.bigint() - start) / n).toFixed(2));
if (!Number.isFinite(sink)) throw new Error('unreachable');
console.log(JSON.stringify(result));
