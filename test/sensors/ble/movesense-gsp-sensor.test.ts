import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BleCentral } from '../../../sensors/ble/ble-central.ts';
import { loadNoble } from '../../../sensors/ble/load-noble.ts';
import { openMovesenseGsp } from '../../../sensors/ble/movesense-gsp-sensor.ts';
import type { GapEvent, ImuPacket, SensorEvent } from '../../../sensors/imu-packet.ts';
import { f32, fakeMovesense, GSP_NOTIFY } from './fake-devices.ts';
import { FakeHciBinding } from './fake-hci-binding.ts';
import { waitUntil } from './wait-until.ts';

const ADDRESS = '0C:8C:DC:22:54:15';
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** An IMU6 data payload: [u32 ms][acc xyz x n][gyro xyz x n], float32 LE. */
function imu6(timestampMs: number, acc: number[], gyro: number[]): number[] {
  return [...u32(timestampMs), ...acc.flatMap(f32), ...gyro.flatMap(f32)];
}

const close = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void => {
  assert.is(actual.length, expected.length);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i]! - v) <= tolerance, `[${i}] ${actual[i]} vs ${v}`));
};

const Movesense = suite('openMovesenseGsp (through noble and a fake HCI binding)');

Movesense('subscribes to /Meas/IMU6/52, decodes whole and split notifications, and reconnects with a gap', async () => {
  const device = fakeMovesense(ADDRESS);
  const binding = new FakeHciBinding({ devices: [device] });
  const source = openMovesenseGsp({
    address: ADDRESS,
    rateHz: 52,
    central: new BleCentral(loadNoble(binding)),
    reconnectDelayMs: 1,
    scanTimeoutMs: 500,
  });
  const events: SensorEvent[] = [];
  source.onEvent((e) => events.push(e));
  await source.start();
  // [0x01 subscribe][ref 99 = 0x63]["/Meas/IMU6/52"]
  assert.equal(device.commands, ['0163' + Buffer.from('/Meas/IMU6/52').toString('hex')]);

  const rad = Math.PI / 180;
  // Two samples at 1000 ms: acc (0, 0, 9.81), (1.5, -2.25, 9.75) m/s^2; gyro (90, -180, 0), (45, 0, 360) deg/s.
  const first = imu6(1000, [0, 0, 9.81, 1.5, -2.25, 9.75], [90, -180, 0, 45, 0, 360]);
  binding.notifyFrom(ADDRESS, GSP_NOTIFY, Uint8Array.from([0x02, 99, ...first]));
  binding.notifyFrom(
    ADDRESS,
    GSP_NOTIFY,
    Uint8Array.from([0x02, 99, ...imu6(1038, [0, 0, 1, 0, 0, 2], [0, 0, 0, 0, 0, 0])]),
  );
  // A notification split in two: data, then "data part 2" with the rest of the payload.
  const split = imu6(1077, [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]);
  binding.notifyFrom(ADDRESS, GSP_NOTIFY, Uint8Array.from([0x02, 99, ...split.slice(0, 30)]));
  binding.notifyFrom(ADDRESS, GSP_NOTIFY, Uint8Array.from([0x03, 99, ...split.slice(30)]));
  await waitUntil(() => events.length === 3, 'three packets');
  const [p0, p1, p2] = events as ImuPacket[];
  assert.is(p0!.sensorId, 'movesense:0c:8c:dc:22:54:15');
  close(p0!.acc, [0, 0, 9.81, 1.5, -2.25, 9.75]);
  close(
    p0!.gyro,
    [90, -180, 0, 45, 0, 360].map((d) => d * rad),
  );
  // The timestamp is the first sample's; the next follows at 1/52 s.
  close(p0!.deviceTime, [1.0, 1 + 1 / 52], 1e-9);
  assert.equal([p0!.firstSample, p1!.firstSample, p2!.firstSample], [0, 2, 4]);
  close(p2!.acc, [1, 2, 3, 4, 5, 6]);
  close(
    p2!.gyro,
    [6, 5, 4, 3, 2, 1].map((d) => d * rad),
  );

  binding.dropConnection(ADDRESS);
  await waitUntil(() => device.commands.length === 2, 'the subscription after reconnecting');
  binding.notifyFrom(
    ADDRESS,
    GSP_NOTIFY,
    Uint8Array.from([0x02, 99, ...imu6(2077, [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0])]),
  );
  await waitUntil(() => events.length === 5, 'a gap and a packet');
  const gap = events[3] as GapEvent;
  assert.is(gap.reason, 'disconnect');
  close([gap.fromDeviceTime, gap.toDeviceTime], [1.077 + 1 / 52, 2.077], 1e-9);
  // From the last sample (1.077 + 1/52 s) to the new first (2.077 s) is 51 periods at 52 Hz: 50 missing.
  assert.is((events[4] as ImuPacket).firstSample, 6 + 50);
  await source.stop();
  // [0x02 unsubscribe][ref]
  assert.is(device.commands[2], '0263');
  binding.close();
});

Movesense('refuses a rate the IMU does not offer', () => {
  assert.throws(() => openMovesenseGsp({ address: ADDRESS, rateHz: 100 }), /IMU6 rate 100 Hz is not offered/);
});

Movesense.run();
