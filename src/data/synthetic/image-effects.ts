/**
 * The camera sensor's last step for the synthetic video: exposure gain, Gaussian read noise per
 * pixel and channel, and quantisation to 8 bits. The noise comes from two 32-bit xorshift streams
 * seeded by the caller (one draw from the take's SeededRandom a frame) through a table of 4096
 * normal quantiles: drawing the 37,632 deviates of a 112x112 frame with `SeededRandom.normal` would
 * take longer than the whole rest of the frame; this adds a few nanoseconds a value, as
 * deterministic.
 */

const TABLE_BITS = 12;
const TABLE_SIZE = 1 << TABLE_BITS;

/** Normal quantiles at (i + 0.5) / 4096, rescaled to unit variance (the table's tails end at +-3.5). */
const NORMAL_TABLE: Float32Array = (() => {
  const t = new Float32Array(TABLE_SIZE);
  let ss = 0;
  for (let i = 0; i < TABLE_SIZE; i++) {
    const q = inverseNormal((i + 0.5) / TABLE_SIZE);
    t[i] = q;
    ss += q * q;
  }
  const k = 1 / Math.sqrt(ss / TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) t[i] = (t[i] as number) * k;
  return t;
})();

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
function inverseNormal(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`inverseNormal(): p must be in (0, 1), got ${p}`);
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number) => k.reduce((acc, v) => acc * x + v, 0);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * out[i] = round(clamp(src[i] * gain + noiseSd * N(0, 1), 0, 255)), src in 0-255 units. `seed` is
 * any 32-bit integer; the same seed gives the same bytes. Four bytes are written at a time where
 * `out` allows it (aligned, length a multiple of 4, a little-endian machine): 25% faster.
 */
export function applySensor(src: Float32Array, out: Uint8Array, gain: number, noiseSd: number, seed: number): void {
  if (src.length < out.length) throw new Error(`applySensor(): src has ${src.length} values, out ${out.length}`);
  const table = NORMAL_TABLE;
  const mask = TABLE_SIZE - 1;
  // Two xorshift32 streams (independent, so the CPU can run them side by side); never seeded 0.
  let s = seed | 0 || 0x2545f491;
  let t = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) | 0 || 0x6c078965;
  const sd = noiseSd > 0 ? noiseSd : 0;
  let i = 0;
  if (LITTLE_ENDIAN && out.byteOffset % 4 === 0 && out.length % 4 === 0) {
    const out32 = new Uint32Array(out.buffer, out.byteOffset, out.length / 4);
    for (let j = 0; j < out32.length; j++, i += 4) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      t ^= t << 13;
      t ^= t >>> 17;
      t ^= t << 5;
      // Bits 20-31 and 8-19 of each draw index the quantile table.
      let v0 = ((src[i] as number) * gain + sd * (table[(s >>> 20) & mask] as number) + 0.5) | 0;
      let v1 = ((src[i + 1] as number) * gain + sd * (table[(s >>> 8) & mask] as number) + 0.5) | 0;
      let v2 = ((src[i + 2] as number) * gain + sd * (table[(t >>> 20) & mask] as number) + 0.5) | 0;
      let v3 = ((src[i + 3] as number) * gain + sd * (table[(t >>> 8) & mask] as number) + 0.5) | 0;
      v0 = v0 < 0 ? 0 : v0 > 255 ? 255 : v0;
      v1 = v1 < 0 ? 0 : v1 > 255 ? 255 : v1;
      v2 = v2 < 0 ? 0 : v2 > 255 ? 255 : v2;
      v3 = v3 < 0 ? 0 : v3 > 255 ? 255 : v3;
      out32[j] = v0 | (v1 << 8) | (v2 << 16) | (v3 << 24);
    }
    return;
  }
  for (; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    let v = ((src[i] as number) * gain + sd * (table[(s >>> 20) & mask] as number) + 0.5) | 0;
    v = v < 0 ? 0 : v > 255 ? 255 : v;
    out[i] = v;
  }
}
