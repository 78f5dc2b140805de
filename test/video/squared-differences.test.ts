import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { plainSum, SquaredDifferences } from '../../src/video/squared-differences.ts';

const Sums = suite('SquaredDifferences');

const sumOf = (x: Uint8Array, y: Uint8Array) => {
  const squares = new SquaredDifferences();
  squares.load(0, x);
  squares.load(1, y);
  return squares.sum(x.length);
};

Sums('hand-worked sums, lengths that are not a multiple of 8 included', () => {
  // (3-0)^2 + (0-4)^2 + (10-10)^2 + (255-0)^2 = 9 + 16 + 0 + 65025
  assert.is(sumOf(Uint8Array.from([0, 4, 10, 0]), Uint8Array.from([3, 0, 10, 255])), 65050);
  // 13 values, each differing by 2: 13 x 4
  assert.is(sumOf(new Uint8Array(13).fill(100), new Uint8Array(13).fill(102)), 52);
  assert.is(sumOf(new Uint8Array(1), new Uint8Array(1).fill(7)), 49);
});

Sums('the largest differences over more than one 64 KiB chunk stay exact', () => {
  // 100,000 values of 255 against 0: 100,000 x 65,025 = 6,502,500,000, past 2^32.
  assert.is(sumOf(new Uint8Array(100_000), new Uint8Array(100_000).fill(255)), 6_502_500_000);
});

Sums('random frames give the plain loop sum; slots reload in turn, instances do not share memory', () => {
  let seed = 7;
  const random = (n: number) =>
    Uint8Array.from({ length: n }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed & 255;
    });
  const frames = [random(37_635), random(37_635), random(37_635)];
  const a = new SquaredDifferences();
  const b = new SquaredDifferences();
  a.load(0, frames[0] as Uint8Array);
  b.load(0, frames[2] as Uint8Array);
  a.load(1, frames[1] as Uint8Array);
  b.load(1, frames[1] as Uint8Array);
  assert.is(a.sum(37_635), plainSum(frames[0] as Uint8Array, frames[1] as Uint8Array, 37_635));
  assert.is(b.sum(37_635), plainSum(frames[2] as Uint8Array, frames[1] as Uint8Array, 37_635));
  a.load(0, frames[2] as Uint8Array);
  assert.is(a.sum(37_635), b.sum(37_635));
  // A smaller frame after a larger one: its zero padding adds nothing.
  a.load(0, Uint8Array.from([1, 2, 3]));
  a.load(1, Uint8Array.from([4, 4, 4]));
  assert.is(a.sum(3), 9 + 4 + 1);
});

Sums.run();
