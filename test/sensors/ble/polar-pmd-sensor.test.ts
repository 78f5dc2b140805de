import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BleCentral } from '../../../sensors/ble/ble-central.ts';
import { loadNoble } from '../../../sensors/ble/load-noble.ts';
import { openPolarPmd } from '../../../sensors/ble/polar-pmd-sensor.ts';
import type { GapEvent, ImuPacket, SensorEvent } from '../../../sensors/imu-packet.ts';
import { rejects } from '../../helpers/rejects.ts';
import { fakePolar, PMD_DATA, u64, type FakePolarOptions } from './fake-devices.ts';
import { FakeHciBinding } from './fake-hci-binding.ts';
import { waitUntil } from './wait-until.ts';

const ADDRESS = 'A0:9E:1A:12:34:56';
const G = 9.80665;

async function session(
  device: Partial<FakePolarOptions> = {},
  options: Parameters<typeof openPolarPmd>[0] = { address: ADDRESS },
) {
  const polar = fakePolar({ address: ADDRESS, ...device });
  const binding = new FakeHciBinding({ devices: [polar] });
  const central = new BleCentral(loadNoble(binding));
  const source = openPolarPmd({ reconnectDelayMs: 1, scanTimeoutMs: 500, connectTimeoutMs: 500, ...options, central });
  const events: SensorEvent[] = [];
  source.onEvent((e) => events.push(e));
  return { polar, binding, source, events };
}

const packets = (events: SensorEvent[], suffix: string): ImuPacket[] =>
  events.filter((e): e is ImuPacket => e.kind === 'imu' && e.sensorId.endsWith(suffix));
const close = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void => {
  assert.is(actual.length, expected.length, `length ${actual.length} vs ${expected.length}`);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i]! - v) <= tolerance, `[${i}] ${actual[i]} vs ${v}`));
};

const Polar = suite('openPolarPmd (through noble and a fake HCI binding)');

Polar('asks for settings, starts ACC and GYRO with the largest offered, and reads the battery', async () => {
  const { polar, binding, source } = await session();
  await source.start();
  // get ACC settings; start ACC 200 Hz, 16 bit, 16 g; get GYRO settings; start GYRO 52 Hz, 16 bit, 2000 deg/s
  assert.equal(polar.requests, ['0102', '02020001c8000101100002011000', '0105', '020500013400010110000201d007']);
  assert.equal(source.status(), { connected: true, battery: 87, name: 'Polar Sense B5A1C2D3' });
  assert.ok(!binding.log.some((l) => l.includes('while scanning')), binding.log.join(', '));
  await source.stop();
  assert.equal(polar.requests.slice(4), ['0302', '0305']);
  binding.close();
});

Polar('decodes raw and delta-compressed ACC with per-sample times spread from the previous frame', async () => {
  const { binding, source, events } = await session(
    { gyro: false },
    { address: ADDRESS, acc: { sampleRate: 200, range: 8 } },
  );
  await source.start();
  // First frame (raw type 1, ts 1.000 s, 2 samples): no previous frame, so the nominal 5 ms back: 0.995, 1.000.
  binding.notifyFrom(
    ADDRESS,
    PMD_DATA,
    Uint8Array.from([
      0x02,
      ...u64(1_000_000_000n),
      0x01,
      0xe8,
      0x03,
      0x18,
      0xfc,
      0x10,
      0x00,
      0xfe,
      0xff,
      0x00,
      0x02,
      0xd4,
      0x03,
    ]),
  );
  // Delta frame (compressed type 1, ts 1.020 s, 4 samples): spread over 1.000..1.020 -> 1.005 .. 1.020.
  binding.notifyFrom(
    ADDRESS,
    PMD_DATA,
    Uint8Array.from([
      0x02,
      ...u64(1_020_000_000n),
      0x81,
      0x64,
      0x00,
      0xce,
      0xff,
      0xe8,
      0x03,
      4,
      2,
      0xe1,
      0x83,
      0x07,
      2,
      1,
      0x2d,
    ]),
  );
  await waitUntil(() => packets(events, '#acc').length === 2, 'two ACC packets');
  const [raw, delta] = packets(events, '#acc');
  assert.is(raw!.sensorId, 'polar:a0:9e:1a:12:34:56#acc');
  assert.is(raw!.firstSample, 0);
  close(raw!.deviceTime, [0.995, 1.0], 1e-9);
  // mG -> m/s^2: 1000 mG = 9.80665 m/s^2
  close(raw!.acc, [G, -G, 0.016 * G, -0.002 * G, 0.512 * G, 0.98 * G]);
  assert.is(raw!.gyro.length, 0);
  assert.is(delta!.firstSample, 2);
  close(delta!.deviceTime, [1.005, 1.01, 1.015, 1.02], 1e-9);
  close(
    delta!.acc,
    [100, -50, 1000, 101, -52, 1003, 93, -45, 1003, 94, -46, 1001].map((mg) => (mg * G) / 1000),
  );
  assert.ok(!events.some((e) => e.kind === 'gap'));
  await source.stop();
  binding.close();
});

Polar('decodes compressed GYRO with the FACTOR of the start response into rad/s', async () => {
  const { binding, source, events } = await session({ gyroFactor: 0.0625 });
  await source.start();
  // Reference (160, -16, 0); one 3-bit delta (+3, -4, +1) = 011 100 001 LSB first -> 0x63 0x00.
  binding.notifyFrom(
    ADDRESS,
    PMD_DATA,
    Uint8Array.from([0x05, ...u64(2_000_000_000n), 0x80, 0xa0, 0x00, 0xf0, 0xff, 0x00, 0x00, 3, 1, 0x63, 0x00]),
  );
  await waitUntil(() => packets(events, '#gyro').length === 1, 'a GYRO packet');
  const [gyro] = packets(events, '#gyro');
  // x 0.0625 deg/s: (10, -1, 0) and (10.1875, -1.25, 0.0625) deg/s; 52 Hz nominal back from 2.000 s.
  const rad = Math.PI / 180;
  close(
    gyro!.gyro,
    [10, -1, 0, 10.1875, -1.25, 0.0625].map((d) => d * rad),
  );
  close(gyro!.deviceTime, [2 - 1 / 52, 2], 1e-9);
  assert.is(gyro!.acc.length, 0);
  await source.stop();
  binding.close();
});

Polar('marks lost frames (a frame spanning far more than its samples) as a gap with an estimated count', async () => {
  const { binding, source, events } = await session({ gyro: false }, { address: ADDRESS, acc: { sampleRate: 200 } });
  await source.start();
  const frame = (ns: bigint) => Uint8Array.from([0x02, ...u64(ns), 0x01, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]);
  binding.notifyFrom(ADDRESS, PMD_DATA, frame(1_000_000_000n)); // samples 0, 1 at 0.995, 1.000
  binding.notifyFrom(ADDRESS, PMD_DATA, frame(1_030_000_000n)); // 30 ms for 2 samples: 4 lost
  await waitUntil(() => packets(events, '#acc').length === 2, 'two packets');
  const gap = events.find((e): e is GapEvent => e.kind === 'gap')!;
  assert.is(gap.reason, 'sequence-jump');
  assert.is(gap.samplesLost, null);
  close([gap.fromDeviceTime, gap.toDeviceTime], [1.0, 1.025], 1e-9);
  const second = packets(events, '#acc')[1]!;
  // After a gap the times step back from the timestamp at the nominal rate: 1.025, 1.030;
  // the counter skips the 4 samples that 1.000 -> 1.025 at 200 Hz held.
  close(second.deviceTime, [1.025, 1.03], 1e-9);
  assert.is(second.firstSample, 6);
  await source.stop();
  binding.close();
});

Polar('reconnects after the link drops mid-stream and reports one disconnect gap', async () => {
  const { polar, binding, source, events } = await session(
    { gyro: false, name: 'Polar H10 1234ABCD' },
    { address: ADDRESS, acc: { sampleRate: 200 }, gyro: false },
  );
  await source.start();
  const frame = (ns: bigint) => Uint8Array.from([0x02, ...u64(ns), 0x01, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]);
  binding.notifyFrom(ADDRESS, PMD_DATA, frame(1_000_000_000n));
  await waitUntil(() => packets(events, '#acc').length === 1, 'a packet');
  binding.dropConnection(ADDRESS);
  await waitUntil(() => !source.status().connected, 'the disconnect');
  binding.notifyFrom(ADDRESS, PMD_DATA, frame(1_500_000_000n)); // lost: nobody is subscribed
  await waitUntil(() => source.status().connected && polar.requests.length === 4, 'the reconnection');
  // The measurement was started again after reconnecting.
  assert.equal(polar.requests.slice(2), ['0102', '02020001c8000101100002011000']);
  binding.notifyFrom(ADDRESS, PMD_DATA, frame(2_000_000_000n));
  await waitUntil(() => packets(events, '#acc').length === 2, 'a packet after reconnecting');
  const gaps = events.filter((e): e is GapEvent => e.kind === 'gap');
  assert.is(gaps.length, 1);
  assert.is(gaps[0]!.reason, 'disconnect');
  close([gaps[0]!.fromDeviceTime, gaps[0]!.toDeviceTime], [1.0, 1.995], 1e-9);
  assert.ok(gaps[0]!.toHostTime >= gaps[0]!.fromHostTime);
  // 1.000 -> 1.995 s at 200 Hz: 198 samples missing after samples 0, 1.
  assert.is(packets(events, '#acc')[1]!.firstSample, 2 + 198);
  assert.is(binding.dropped, 1);
  await source.stop();
  binding.close();
});

Polar('says what the device refused, with what it offers', async () => {
  const { binding, source } = await session({ startStatus: 13 });
  await rejects(source.start(), /starting ACC at 200 Hz failed: device in charger/);
  binding.close();
  const second = await session();
  await rejects(
    openPolarPmd({
      address: ADDRESS,
      central: new BleCentral(loadNoble(second.binding)),
      acc: { sampleRate: 100 },
    }).start(),
    /ACC sample rate 100 is not offered/,
  );
  second.binding.close();
  const h10 = await session({ gyro: false }, { address: ADDRESS, gyro: {} });
  await rejects(h10.source.start(), /GYRO is not available \(not supported\)/);
  h10.binding.close();
});

Polar('fails start() when the link drops during setup, and does not reconnect behind its back', async () => {
  const polar = fakePolar({ address: ADDRESS, gyro: false });
  const binding = new FakeHciBinding({ devices: [polar] });
  const answer = polar.onWrite!;
  polar.onWrite = (characteristic, data, io) => {
    if (data[0] === 2)
      binding.dropConnection(ADDRESS); // gone just as the start request arrives
    else answer(characteristic, data, io);
  };
  const source = openPolarPmd({
    address: ADDRESS,
    central: new BleCentral(loadNoble(binding)),
    gyro: false,
    responseTimeoutMs: 30,
    reconnectDelayMs: 1,
  });
  await rejects(source.start(), /no answer to control point request 0202/);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(binding.log.filter((l) => l.startsWith('connect')).length, 1);
  assert.is(source.status().connected, false);
  binding.close();
});

Polar('streams two sensors over one central, connecting one at a time', async () => {
  const other = 'A0:9E:1A:65:43:21';
  const binding = new FakeHciBinding({
    devices: [fakePolar({ address: ADDRESS, gyro: false }), fakePolar({ address: other, gyro: false })],
  });
  const central = new BleCentral(loadNoble(binding));
  const sources = [ADDRESS, other].map((address) =>
    openPolarPmd({ address, central, gyro: false, acc: { sampleRate: 52 } }),
  );
  const events: SensorEvent[] = [];
  for (const source of sources) source.onEvent((e) => events.push(e));
  await Promise.all(sources.map((s) => s.start()));
  const frame = (ns: bigint) => Uint8Array.from([0x02, ...u64(ns), 0x01, 1, 0, 2, 0, 3, 0]);
  binding.notifyFrom(ADDRESS, PMD_DATA, frame(1_000_000_000n));
  binding.notifyFrom(other, PMD_DATA, frame(2_000_000_000n));
  await waitUntil(() => events.length === 2, 'a packet from each');
  assert.equal(events.map((e) => e.sensorId).sort(), ['polar:a0:9e:1a:12:34:56#acc', 'polar:a0:9e:1a:65:43:21#acc']);
  const radio = binding.log.filter((l) => /^(connect|startScanning|stopScanning)/.test(l));
  assert.ok(!radio.some((l) => l.includes('while scanning')), radio.join(', '));
  await Promise.all(sources.map((s) => s.stop()));
  binding.close();
});

Polar.run();
