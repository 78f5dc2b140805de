import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BleCentral } from '../../../sensors/ble/ble-central.ts';
import { loadNoble } from '../../../sensors/ble/load-noble.ts';
import { openNusSensor } from '../../../sensors/ble/nus-sensor.ts';
import { encodeImuFrame } from '../../../sensors/framed/encode-imu-frame.ts';
import type { GapEvent, ImuPacket, SensorEvent } from '../../../sensors/imu-packet.ts';
import { fakeNusBoard, NUS_TX } from './fake-devices.ts';
import { FakeHciBinding } from './fake-hci-binding.ts';
import { waitUntil } from './wait-until.ts';

const ADDRESS = 'D4:3B:04:AA:BB:CC';

/** One frame of 2 samples from sensor 3 at 100 Hz (period 10 000 us), +-8 g and +-2000 deg/s. */
function frame(firstSample: number): Uint8Array {
  return encodeImuFrame({
    sensorId: 3,
    hasAcc: true,
    hasGyro: true,
    firstSample,
    deviceTimeUs: 5_000_000 + firstSample * 10_000,
    periodUs: 10_000,
    accRange: 8,
    gyroRange: 2000,
    acc: Int16Array.from([4096, 0, -4096, 0, 2048, 0]),
    gyro: Int16Array.from([16384, 0, 0, 0, 0, -8192]),
  });
}

/** Sends bytes as notifications of at most 20 bytes (the payload of BLE's default 23-byte MTU). */
function sendChunked(binding: FakeHciBinding, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; at += 20) binding.notifyFrom(ADDRESS, NUS_TX, bytes.subarray(at, at + 20));
}

const Nus = suite('openNusSensor (through noble and a fake HCI binding)');

Nus(
  'decodes framed IMU data split across notifications, with exact gaps for a lost frame and a disconnect',
  async () => {
    const binding = new FakeHciBinding({ devices: [fakeNusBoard(ADDRESS)] });
    const source = openNusSensor({
      address: ADDRESS,
      central: new BleCentral(loadNoble(binding)),
      reconnectDelayMs: 1,
    });
    const events: SensorEvent[] = [];
    source.onEvent((e) => events.push(e));
    await source.start();
    sendChunked(binding, frame(0));
    sendChunked(binding, frame(2));
    sendChunked(binding, frame(6)); // samples 4, 5 lost on the air
    await waitUntil(() => events.length === 4, 'three packets and a gap');
    const p0 = events[0] as ImuPacket;
    assert.is(p0.sensorId, 'nus:d4:3b:04:aa:bb:cc#3');
    // 4096 counts at 8 g = 1 g = 9.80665 m/s^2; 16384 counts at 2000 deg/s = 1000 deg/s.
    const g = 9.80665;
    [g, 0, -g, 0, g / 2, 0].forEach((v, i) => assert.ok(Math.abs(p0.acc[i]! - v) < 1e-5));
    const w = (1000 * Math.PI) / 180;
    [w, 0, 0, 0, 0, -w / 2].forEach((v, i) => assert.ok(Math.abs(p0.gyro[i]! - v) < 1e-4));
    assert.equal([...p0.deviceTime], [5, 5.01]);
    const jump = events[2] as GapEvent;
    assert.equal([jump.reason, jump.samplesLost], ['sequence-jump', 2]);
    assert.is((events[3] as ImuPacket).firstSample, 6);

    // Half a frame, then the link drops: the partial frame is forgotten, not glued to the next.
    binding.notifyFrom(ADDRESS, NUS_TX, frame(8).subarray(0, 20));
    binding.dropConnection(ADDRESS);
    await waitUntil(() => source.status().connected === false, 'the disconnect');
    await waitUntil(() => source.status().connected && binding.isSubscribed(ADDRESS, NUS_TX), 'the reconnection');
    sendChunked(binding, frame(20));
    await waitUntil(() => events.length === 6, 'a gap and a packet');
    const gap = events[4] as GapEvent;
    assert.equal([gap.reason, gap.samplesLost], ['disconnect', 12]);
    assert.is((events[5] as ImuPacket).firstSample, 20);
    await source.stop();
    binding.close();
  },
);

Nus.run();
