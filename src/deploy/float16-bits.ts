/**
 * IEEE 754 half-precision bits of float32 values, rounded to nearest, ties to even: the encoding
 * TensorFlow.js's `quantization: { dtype: 'float16' }` weights hold (tfjs-core io_utils decodes
 * them with getFloat16Decoder). Overflow gives infinity, NaN stays NaN, tiny values go subnormal.
 */
export function float16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i] as number;
    const x = u[0] as number;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    const mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      // Subnormal half: value = h * 2^-24, h = (1.mantissa) * 2^(e + 9).
      const shift = 14 - e;
      if (shift > 24) {
        out[i] = sign;
        continue;
      }
      const m = mantissa | 0x800000;
      out[i] = sign | roundShift(m, shift);
    } else {
      // A carry out of the mantissa moves into the exponent, which is what rounding up should do.
      out[i] = sign | (((e << 10) | (mantissa >>> 13)) + roundBit(mantissa, 13, (mantissa >>> 13) & 1));
    }
  }
  return out;
}

function roundShift(m: number, shift: number): number {
  const kept = m >>> shift;
  return kept + roundBit(m, shift, kept & 1);
}

/** 1 when the bits below `shift` round the kept part up (above half, or exactly half and odd). */
function roundBit(m: number, shift: number, odd: number): number {
  const rest = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && odd === 1) ? 1 : 0;
}
