/**
 * Zero-phase low-pass filter: a 2nd-order Butterworth run forward and backward (4th-order
 * response, no time shift), the usual smoothing of biomechanical signals (Winter, Biomechanics
 * and Motor Control of Human Movement, 4th ed., 2009, ch. 3). The ends are padded by odd
 * reflection so the filter starts in steady state. `x` is one channel sampled at `rate` Hz;
 * returns a new array. A cutoff at or above Nyquist leaves the signal as it is.
 */
export function lowPass(x: ArrayLike<number>, rate: number, cutoff: number): Float64Array {
  if (!(rate > 0)) throw new Error(`lowPass(): rate must be > 0, got ${rate}`);
  if (!(cutoff > 0)) throw new Error(`lowPass(): cutoff must be > 0, got ${cutoff}`);
  const n = x.length;
  const out = Float64Array.from(x);
  if (n < 3 || cutoff >= rate / 2) return out;
  const k = Math.tan((Math.PI * cutoff) / rate);
  const norm = 1 / (1 + Math.SQRT2 * k + k * k);
  const b0 = k * k * norm;
  const a1 = 2 * (k * k - 1) * norm;
  const a2 = (1 - Math.SQRT2 * k + k * k) * norm;
  const pad = Math.min(n - 1, Math.max(3, Math.ceil((3 * rate) / cutoff)));
  const ext = new Float64Array(n + 2 * pad);
  const first = out[0] as number;
  const last = out[n - 1] as number;
  for (let i = 0; i < pad; i++) ext[i] = 2 * first - (out[pad - i] as number);
  ext.set(out, pad);
  for (let i = 0; i < pad; i++) ext[n + pad + i] = 2 * last - (out[n - 2 - i] as number);
  run(ext, b0, a1, a2);
  ext.reverse();
  run(ext, b0, a1, a2);
  ext.reverse();
  return ext.slice(pad, pad + n);
}

/** One pass in place (direct form I), started as if the first value had always been there. */
function run(x: Float64Array, b0: number, a1: number, a2: number): void {
  let x1 = x[0] as number;
  let x2 = x1;
  let y1 = x1;
  let y2 = x1;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const yi = b0 * xi + 2 * b0 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    y1 = yi;
    x[i] = yi;
  }
}
