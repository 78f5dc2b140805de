import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getFloat16Decoder } from '@tensorflow/tfjs-core/dist/io/io_utils.js';
import { float16Bits } from '../../src/deploy/float16-bits.ts';

const Float16 = suite('float16Bits');

Float16('encodes hand-worked values', () => {
  // 1 = 0 01111 0000000000; 65504 the largest half; 2^-24 the smallest subnormal; 1/3 rounds to 0x3555.
  const bits = float16Bits(Float32Array.from([1, -2, 65504, 2 ** -24, 1 / 3, 0, -0, 0.1]));
  assert.equal(Array.from(bits), [0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x0000, 0x8000, 0x2e66]);
});

Float16('rounds ties to even, overflows to infinity, keeps NaN', () => {
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: to even (1); 1 + 3 x 2^-11 to 1 + 2^-9.
  const bits = float16Bits(Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11, 70000, -Infinity, NaN]));
  assert.equal(Array.from(bits.slice(0, 4)), [0x3c00, 0x3c02, 0x7c00, 0xfc00]);
  assert.is((bits[4]! & 0x7c00) === 0x7c00 && (bits[4]! & 0x3ff) !== 0, true);
});

Float16("round-trips through TensorFlow.js's own decoder to the nearest half", () => {
  const values = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i * 0.37) * 10 ** ((i % 9) - 4));
  const back = getFloat16Decoder()(float16Bits(values));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // A normal half has 11 significant bits: relative error at most 2^-11.
    if (Math.abs(v) >= 2 ** -14) assert.ok(Math.abs(back[i]! - v) <= Math.abs(v) * 2 ** -11, `${v} -> ${back[i]}`);
    else assert.ok(Math.abs(back[i]! - v) <= 2 ** -25, `${v} -> ${back[i]}`);
  }
});

Float16.run();
