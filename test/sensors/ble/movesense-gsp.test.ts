import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GspAssembler,
  decodeGspImu6,
  gspSubscribeCommand,
  gspUnsubscribeCommand,
} from '../../../sensors/ble/movesense-gsp.ts';

const Commands = suite('GSP commands');

Commands('subscribe is [1][ref][path], unsubscribe [2][ref]', () => {
  assert.equal([...gspSubscribeCommand(99, '/Meas/IMU6/104')], [1, 99, ...Buffer.from('/Meas/IMU6/104')]);
  assert.equal([...gspUnsubscribeCommand(99)], [2, 99]);
});

const Assembler = suite('GspAssembler');

Assembler('holds a data payload until the next notification says whether it continues', () => {
  const a = new GspAssembler();
  assert.equal(a.push(Uint8Array.from([2, 7, 1, 2, 3])), []);
  // A part 2 joins the held payload.
  assert.equal(a.push(Uint8Array.from([3, 7, 4, 5])), [
    { type: 'data', reference: 7, payload: Uint8Array.from([1, 2, 3, 4, 5]) },
  ]);
  // Now 5 bytes is a whole payload: one that long passes at once, a shorter one waits.
  assert.equal(a.push(Uint8Array.from([2, 7, 9, 9, 9, 9, 9])).length, 1);
  assert.equal(a.push(Uint8Array.from([2, 7, 8, 8])), []);
  // Another data notification proves the held one was whole.
  const out = a.push(Uint8Array.from([1, 7, 0]));
  assert.equal(out, [
    { type: 'data', reference: 7, payload: Uint8Array.from([8, 8]) },
    { type: 'result', reference: 7, payload: Uint8Array.from([0]) },
  ]);
});

const Imu6 = suite('decodeGspImu6');

Imu6('reads the first-sample timestamp, then the whole acc array, then the whole gyro array', () => {
  const b = Buffer.alloc(4 + 2 * 24);
  b.writeUInt32LE(123456, 0);
  [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6].forEach((v, i) => b.writeFloatLE(v, 4 + i * 4));
  const imu = decodeGspImu6(b);
  assert.equal([imu.timestampMs, imu.count], [123456, 2]);
  assert.equal([...imu.acc], [1, 2, 3, 4, 5, 6]);
  assert.equal([...imu.gyro], [-1, -2, -3, -4, -5, -6]);
  assert.throws(() => decodeGspImu6(new Uint8Array(10)), /4 \+ n x 24 bytes, got 10/);
});

Commands.run();
Assembler.run();
Imu6.run();
