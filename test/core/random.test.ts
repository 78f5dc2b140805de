import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../src/core/random.ts';

const Random = suite('SeededRandom');
const draw = (r: SeededRandom, n: number) => Array.from({ length: n }, () => r.next());

Random('gives the same sequence for the same seed and a different one for another seed', () => {
  assert.equal(draw(new SeededRandom(42), 20), draw(new SeededRandom(42), 20));
  assert.not.equal(draw(new SeededRandom(42), 20), draw(new SeededRandom(43), 20));
  // Seeds beyond 32 bits stay distinct.
  assert.not.equal(draw(new SeededRandom(2 ** 40), 5), draw(new SeededRandom(2 ** 40 + 2 ** 32), 5));
});

Random('next() is uniform in [0, 1)', () => {
  const xs = draw(new SeededRandom(1), 20000);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  const bins = new Array(10).fill(0);
  for (const x of xs) bins[Math.floor(x * 10)]++;
  for (const b of bins) assert.ok(Math.abs(b - 2000) < 200, `bin count ${b}`);
});

Random('int() covers [lo, hi] inclusively and rejects a bad range', () => {
  const r = new SeededRandom(2);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(r.int(-2, 3));
  assert.equal(
    [...seen].sort((a, b) => a - b),
    [-2, -1, 0, 1, 2, 3],
  );
  assert.throws(() => r.int(3, 1), /SeededRandom.int\(\): need integers lo <= hi, got 3, 1/);
});

Random('normal() has the requested mean and standard deviation', () => {
  const r = new SeededRandom(3);
  const xs = Array.from({ length: 20000 }, () => r.normal(2, 0.5));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean - 2) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.5) < 0.02, `sd ${sd}`);
});

Random('shuffle() returns a permutation and leaves its input alone', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const out = new SeededRandom(4).shuffle(items);
  assert.equal(
    items,
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(
    [...out].sort((a, b) => a - b),
    items,
  );
  assert.not.equal(out, items);
  assert.equal(out, new SeededRandom(4).shuffle(items));
});

Random('fork(label) depends on the seed and label only, not on draws made before', () => {
  const a = new SeededRandom(9);
  const b = new SeededRandom(9);
  draw(b, 100);
  assert.equal(draw(a.fork('augment'), 10), draw(b.fork('augment'), 10));
  assert.not.equal(draw(a.fork('augment'), 10), draw(a.fork('split'), 10));
  assert.not.equal(draw(a.fork('augment'), 10), draw(new SeededRandom(10).fork('augment'), 10));
});

Random('rejects a seed that is not a safe integer', () => {
  assert.throws(() => new SeededRandom(1.5), /seed must be a safe integer, got 1.5/);
});

Random.run();
