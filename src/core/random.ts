import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

type JumpableRandomGenerator = ReturnType<typeof xoroshiro128plus>;

/**
 * A seeded random source. Every random choice in motionfuse draws from one of these, never from
 * `Math.random`, so that the same seed gives the same run. Independent sub-streams come from
 * `fork(label)`: the child's sequence depends only on the parent's seed and the label, not on how
 * many numbers the parent has drawn, so adding a draw in one place does not shift another.
 */
export class SeededRandom {
  readonly seed: number;
  private readonly rng: JumpableRandomGenerator;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`SeededRandom(): seed must be a safe integer, got ${seed}`);
    }
    this.seed = seed;
    // xoroshiro128plus takes a 32-bit seed; fold the high bits in so large seeds stay distinct.
    this.rng = xoroshiro128plus(mix32(seed));
  }

  /** Uniform in [0, 1), 53 bits of randomness. */
  next(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new Error(`SeededRandom.int(): need integers lo <= hi, got ${lo}, ${hi}`);
    }
    return uniformInt(this.rng, lo, hi);
  }

  /** Normal deviate (Marsaglia polar method; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + std * u * f;
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** A new array with the items in random order (Fisher-Yates); the input is not changed. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** One item chosen uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRandom.pick(): items is empty');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** An independent stream named by `label`, determined by this stream's seed and the label alone. */
  fork(label: string): SeededRandom {
    return new SeededRandom(mix32(this.seed ^ fnv1a(label)) + 0x100000000 * (fnv1a(`${label}#`) & 0x1fffff));
  }
}

/** FNV-1a hash of a string, 32-bit unsigned. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Folds a safe integer into 32 bits with a murmur3-style finaliser, so nearby seeds spread out. */
function mix32(n: number): number {
  let h = (n ^ Math.floor(n / 0x100000000)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
