import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeDeltaSamples, decodePmdFrame } from '../../../sensors/ble/polar-pmd-frame.ts';
import { u64 } from './fake-devices.ts';

const Frame = suite('decodePmdFrame');

Frame('reads a raw ACC type 1 frame as int16 mG per axis, with the last sample timestamp', () => {
  // [type 2 = ACC][u64 ts = 1e9 ns][frame type 1][x y z int16 LE] x 2
  const bytes = Uint8Array.from([
    0x02,
    ...u64(1_000_000_000n),
    0x01,
    0xe8,
    0x03,
    0x18,
    0xfc,
    0x10,
    0x00, // 1000, -1000, 16
    0xfe,
    0xff,
    0x00,
    0x02,
    0xd4,
    0x03, // -2, 512, 980
  ]);
  const frame = decodePmdFrame(bytes, 1);
  assert.is(frame.measurementType, 2);
  assert.is(frame.timestampNs, 1_000_000_000n);
  assert.is(frame.compressed, false);
  assert.is(frame.count, 2);
  assert.equal([...frame.values], [1000, -1000, 16, -2, 512, 980]);
});

Frame('reads raw ACC types 0 and 2 as 1- and 3-byte signed integers', () => {
  const t0 = decodePmdFrame(Uint8Array.from([0x02, ...u64(5n), 0x00, 0x7f, 0x80, 0xff]), 1);
  assert.equal([...t0.values], [127, -128, -1]);
  // 0x011170 = 70000; 0xFFFFFF = -1; 0x800000 = -8388608
  const t2 = decodePmdFrame(
    Uint8Array.from([0x02, ...u64(5n), 0x02, 0x70, 0x11, 0x01, 0xff, 0xff, 0xff, 0x00, 0x00, 0x80]),
    1,
  );
  assert.equal([...t2.values], [70000, -1, -8388608]);
});

Frame('names what it cannot decode', () => {
  assert.throws(() => decodePmdFrame(Uint8Array.from([0x02, 0, 0]), 1), /10-byte header/);
  assert.throws(() => decodePmdFrame(Uint8Array.from([0x00, ...u64(1n), 0x00]), 1), /measurement type 0/);
  assert.throws(() => decodePmdFrame(Uint8Array.from([0x05, ...u64(1n), 0x00]), 1), /GYRO frame type 0 \(raw\)/);
});

const Delta = suite('decodeDeltaSamples');

Delta('adds bit-packed signed deltas (LSB first, one byte-aligned run per block) to the reference', () => {
  // Reference (100, -50, 1000) as int16 LE.
  // Block 1: width 4, 2 samples: deltas (+1, -2, +3), (-8, +7, 0) as 4-bit two's complement
  //   0001 1110 0011 1000 0111 0000, LSB first: byte0 = 0x1 | 0xE << 4 = 0xE1,
  //   byte1 = 0x3 | 0x8 << 4 = 0x83, byte2 = 0x7 | 0x0 << 4 = 0x07.
  // Block 2: width 2, 1 sample: deltas (+1, -1, -2) = 01 11 10 -> 0b00_10_11_01 = 0x2D.
  const payload = Uint8Array.from([0x64, 0x00, 0xce, 0xff, 0xe8, 0x03, 4, 2, 0xe1, 0x83, 0x07, 2, 1, 0x2d]);
  const values = decodeDeltaSamples(payload, 3, 16);
  assert.equal([...values], [100, -50, 1000, 101, -52, 1003, 93, -45, 1003, 94, -46, 1001]);
});

Delta('scales a compressed ACC type 1 frame by the FACTOR and a type 0 frame by FACTOR x 1000', () => {
  const payload = [0x64, 0x00, 0xce, 0xff, 0xe8, 0x03, 2, 1, 0x2d];
  const t1 = decodePmdFrame(Uint8Array.from([0x02, ...u64(9n), 0x81, ...payload]), 0.5);
  assert.equal([...t1.values], [50, -25, 500, 50.5, -25.5, 499]);
  const t0 = decodePmdFrame(Uint8Array.from([0x02, ...u64(9n), 0x80, ...payload]), 0.25);
  assert.equal([...t0.values], [25000, -12500, 250000, 25250, -12750, 249500]);
});

Delta('rejects a block that runs past the frame', () => {
  assert.throws(() => decodeDeltaSamples(Uint8Array.from([0, 0, 0, 0, 0, 0, 8, 2, 0x01]), 3, 16), /runs past/);
});

Frame.run();
Delta.run();
