import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { crc16Ccitt } from '../../../sensors/framed/crc16-ccitt.ts';
import { decodeImuFrame } from '../../../sensors/framed/decode-imu-frame.ts';
import { encodeImuFrame } from '../../../sensors/framed/encode-imu-frame.ts';
import { frameToPacket } from '../../../sensors/framed/frame-to-packet.ts';
import { sampleFrame } from '../../helpers/imu-frames.ts';

const Codec = suite('encodeImuFrame / decodeImuFrame');

Codec('lays out the header as docs/sensors.md specifies', () => {
  const bytes = encodeImuFrame(sampleFrame());
  assert.is(bytes.length, 25 + 2 * 12 + 2);
  assert.equal([...bytes.subarray(0, 10)], [0xa5, 0x5a, 1, 3, 3, 2, 0x04, 0x03, 0x02, 0x01]);
  // 2^40 + 7 us, little-endian u64.
  assert.equal([...bytes.subarray(10, 18)], [7, 0, 0, 0, 0, 1, 0, 0]);
  assert.equal([...bytes.subarray(18, 25)], [0x88, 0x13, 0, 0, 16, 0xd0, 0x07]);
  // First sample: acc x = 2048 = 0x0800, then -2048 = 0xF800.
  assert.equal([...bytes.subarray(25, 29)], [0x00, 0x08, 0x00, 0xf8]);
  const crc = crc16Ccitt(bytes, 2, bytes.length - 2);
  assert.equal([...bytes.subarray(-2)], [crc & 0xff, crc >> 8]);
});

Codec('round-trips every field, with one channel or both', () => {
  for (const frame of [
    sampleFrame(),
    sampleFrame({ hasGyro: false, gyro: new Int16Array(0) }),
    sampleFrame({ hasAcc: false, acc: new Int16Array(0), firstSample: 2 ** 32 - 1 }),
  ]) {
    const result = decodeImuFrame(encodeImuFrame(frame));
    assert.is(result.status, 'frame');
    if (result.status === 'frame') assert.equal(result.frame, frame);
  }
});

Codec('says incomplete for a prefix, and rejects a bad CRC, version or sample count', () => {
  const bytes = encodeImuFrame(sampleFrame());
  assert.is(decodeImuFrame(bytes.subarray(0, bytes.length - 1)).status, 'incomplete');
  const flipped = bytes.slice();
  flipped[30] = (flipped[30] as number) ^ 0x10;
  assert.is(decodeImuFrame(flipped).status, 'bad-crc');
  const version = bytes.slice();
  version[2] = 2;
  assert.is(decodeImuFrame(version).status, 'bad-header');
  const count = bytes.slice();
  count[5] = 65;
  assert.is(decodeImuFrame(count).status, 'bad-header');
  assert.is(decodeImuFrame(bytes, 1).status, 'bad-magic');
});

Codec('names the bad argument', () => {
  assert.throws(() => encodeImuFrame(sampleFrame({ sensorId: 256 })), /encodeImuFrame\(\): sensorId/);
  assert.throws(
    () => encodeImuFrame(sampleFrame({ acc: new Int16Array(65 * 3), gyro: new Int16Array(65 * 3) })),
    /1\.\.64/,
  );
});

const ToPacket = suite('frameToPacket');

ToPacket('scales counts to m/s^2 and rad/s and spreads device times by the period', () => {
  const p = frameToPacket(sampleFrame(), 'port#3', 42, 10);
  // 2048 counts at +-16 g = 1 g = 9.80665 m/s^2; 16384 at 2000 deg/s = 1000 deg/s = 17.4533 rad/s.
  assert.ok(Math.abs((p.acc[0] as number) - 9.80665) < 1e-5);
  assert.ok(Math.abs((p.acc[1] as number) + 9.80665) < 1e-5);
  assert.ok(Math.abs((p.gyro[0] as number) - 17.453293) < 1e-5);
  assert.ok(Math.abs((p.gyro[2] as number) + 34.906585) < 1e-5);
  assert.ok(Math.abs(p.deviceTime[1]! - p.deviceTime[0]! - 0.005) < 1e-9);
  assert.is(p.deviceTime[0], (2 ** 40 + 7) / 1e6);
  assert.is(p.firstSample, 42);
  assert.is(p.sensorId, 'port#3');
});

Codec.run();
ToPacket.run();
