/**
 * The residual offset between a camera and an IMU, from the motion both saw.
 *
 * The video's motion energy (how much the picture changes from frame to frame) and the IMU's
 * acceleration magnitude with gravity and slow drift removed both rise when the athlete moves; a
 * sharp movement (a jump, a clap) makes a sharp feature in both. Cross-correlating the two over
 * a range of lags finds the lag where they line up.
 *
 * What pairs with what. Frame difference grows with how fast the picture moves (a speed); the
 * IMU measures acceleration. Correlating them directly lines up a speed with its own derivative,
 * biased by a quarter of the movement. So two pairings are correlated and averaged: the energy
 * against the IMU's speed (the running integral of the high-passed magnitude, high-passed again),
 * and the energy's rate of change |dE/dt| against |high-passed magnitude|. Each alone keeps a
 * bias from what the camera sees (the whole body) against what one IMU feels (one segment): on
 * the synthetic jumps, with the pelvis sensor, the first puts the video 30-70 ms late and the
 * second about as much early; their mean was within 33 ms on 18 of 20 jumps and hops (mean
 * +6 ms, sd 19 ms). Wrist and ankle sensors move on their own and align much worse (errors of
 * 0.1-0.4 s): use a sensor near the body's centre (pelvis, trunk) for this.
 *
 * Sign convention: the result's `offset` is what to ADD to video time stamps to put them on the
 * IMU's clock: an event seen in frame time tv happened at IMU time tv + offset. So a video whose
 * stamps run 0.4 s late against the IMU (tv = true + 0.4) gives offset = -0.4.
 *
 * Both inputs should be on roughly one clock already (e.g. both mapped to the host clock); this
 * finds what is left, within +-maxLagSeconds.
 */

/** Mean absolute frame difference per frame (0 for the first): frames are count x height x width x channels uint8. */
export function motionEnergy(
  frames: Uint8Array,
  count: number,
  width: number,
  height: number,
  channels: number,
): Float64Array {
  const size = width * height * channels;
  if (!(count >= 0 && size > 0 && frames.length === count * size))
    throw new Error(
      `motionEnergy(): frames have ${frames.length} bytes, expected ${count} x ${height} x ${width} x ${channels}`,
    );
  const out = new Float64Array(count);
  for (let f = 1; f < count; f++) {
    const a = (f - 1) * size;
    const b = f * size;
    let sum = 0;
    for (let i = 0; i < size; i++) sum += Math.abs((frames[b + i] as number) - (frames[a + i] as number));
    out[f] = sum / size;
  }
  return out;
}

export interface VideoImuOffset {
  offset: number;
  confidence: number;
  correlation: number;
}

/** Acceleration magnitude (and its integral) minus its centred moving average over this long (s): gravity and slow drift out. */
const HIGH_PASS_SECONDS = 1;
/** Both signals are smoothed over this long (s) so that the two sensors' different bandwidths meet. */
const SMOOTH_SECONDS = 0.05;

/**
 * Seconds to ADD to video time stamps to put them on the IMU's clock, by cross-correlating video motion energy with acceleration magnitude (high-passed); confidence 0..1 says how sharp and unique the peak is.
 *
 * `video.energy[i]` is motionEnergy's value for frame i: the change between frames i-1 and i, so it
 * is placed halfway between their stamps (placing it at frame i would bias the offset by half a
 * frame). All signals go onto one grid at `rate` (default 100 Hz); the mean of the two pairings'
 * normalised cross-correlations (see the file's head) over lags within +-maxLagSeconds (default
 * 2) peaks at the offset, refined to below a grid step by a parabola through the peak and its
 * neighbours. `correlation` is the peak's value (-1..1). `confidence` is the peak's correlation
 * times its margin over the best other peak outside the main lobe (1 - second / first): a weak
 * peak, or one among similar peaks (a periodic motion, noise), scores low. On the synthetic set a
 * jump scored 0.2-0.7, noise frames under 0.2. A peak at the edge of the lag range, or below a
 * higher one within twice the range (the match lies outside), scores 0, as do signals without
 * variation (a still camera).
 */
export function videoImuOffset(
  video: { t: Float64Array; energy: Float64Array },
  imu: { t: Float64Array; acc: Float32Array /* n x 3 */ },
  options: { maxLagSeconds?: number; rate?: number } = {},
): VideoImuOffset {
  const maxLag = options.maxLagSeconds ?? 2;
  const rate = options.rate ?? 100;
  if (!(maxLag > 0)) throw new Error(`videoImuOffset(): maxLagSeconds must be > 0, got ${maxLag}`);
  if (!(rate > 0)) throw new Error(`videoImuOffset(): rate must be > 0, got ${rate}`);
  if (video.energy.length !== video.t.length)
    throw new Error(`videoImuOffset(): video.energy has ${video.energy.length} values for ${video.t.length} stamps`);
  if (imu.acc.length !== imu.t.length * 3)
    throw new Error(`videoImuOffset(): imu.acc has ${imu.acc.length} values, expected ${imu.t.length} x 3`);
  const none: VideoImuOffset = { offset: 0, confidence: 0, correlation: 0 };
  if (video.t.length < 3 || imu.t.length < 3) return none;

  // Video: energy at frame-pair midpoints, and its rate of change (|dE/dt|) at the frames between.
  const n = video.t.length - 1;
  const et = new Float64Array(n);
  const ev = new Float64Array(n);
  for (let i = 1; i <= n; i++) {
    et[i - 1] = ((video.t[i - 1] as number) + (video.t[i] as number)) / 2;
    ev[i - 1] = video.energy[i] as number;
  }
  const dt = new Float64Array(n - 1);
  const dv = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    dt[i] = ((et[i] as number) + (et[i + 1] as number)) / 2;
    dv[i] = Math.abs(((ev[i + 1] as number) - (ev[i] as number)) / ((et[i + 1] as number) - (et[i] as number)));
  }
  const mag = new Float64Array(imu.t.length);
  for (let i = 0; i < imu.t.length; i++)
    mag[i] = Math.hypot(imu.acc[3 * i] as number, imu.acc[3 * i + 1] as number, imu.acc[3 * i + 2] as number);

  // One grid over both spans; lag m pairs video sample i with IMU sample i + m.
  const start = Math.min(et[0] as number, imu.t[0] as number);
  const end = Math.max(et[n - 1] as number, imu.t[imu.t.length - 1] as number);
  const count = Math.floor((end - start) * rate) + 1;
  const highPass = Math.round(HIGH_PASS_SECONDS * rate);
  const smoothing = Math.round(SMOOTH_SECONDS * rate);
  // IMU: |acc| - its centred moving average ~ the acceleration along the motion (gravity out);
  // its running integral, high-passed the same way ~ the velocity.
  const accel = onGrid(imu.t, mag, start, rate, count);
  subtractMovingAverage(accel, highPass);
  const speed = runningIntegral(accel, rate);
  subtractMovingAverage(speed, highPass);
  for (let i = 0; i < count; i++) {
    accel[i] = Math.abs(accel[i] as number);
    speed[i] = Math.abs(speed[i] as number);
  }
  const energy = onGrid(et, ev, start, rate, count);
  const change = onGrid(dt, dv, start, rate, count);
  for (const x of [accel, speed, energy, change]) smooth(x, smoothing);
  const lags = Math.min(Math.round(maxLag * rate), count);
  // Correlations over twice the range: a higher peak just outside it means the one inside is
  // not the match (the confidence is then 0).
  const wide = Math.min(2 * lags, count);
  const speedOk = standardise(energy) && standardise(speed);
  const accelOk = standardise(change) && standardise(accel);
  if (!speedOk || !accelOk) return none;
  // Frame difference grows with how fast the picture moves, so it pairs with the IMU's speed; its
  // rate of change pairs with the acceleration. Each pairing alone is biased by the difference
  // between what the camera sees (the whole body) and what one IMU feels (one segment): on the
  // synthetic set the speed pairing puts the video 30-40 ms late, the acceleration pairing as
  // much early. Their mean cancels most of it.
  const corrSpeed = crossCorrelation(energy, speed, wide);
  const corrAccel = crossCorrelation(change, accel, wide);
  const corr = new Float64Array(2 * wide + 1);
  for (let k = 0; k < corr.length; k++) corr[k] = ((corrSpeed[k] as number) + (corrAccel[k] as number)) / 2;
  const first = wide - lags;
  const last = wide + lags;
  let best = first;
  for (let k = first + 1; k <= last; k++) if ((corr[k] as number) > (corr[best] as number)) best = k;
  const peak = corr[best] as number;
  let shift = 0;
  if (best > 0 && best < corr.length - 1) {
    const l = corr[best - 1] as number;
    const r = corr[best + 1] as number;
    const curvature = l - 2 * peak + r;
    if (curvature < 0) shift = Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / curvature));
  }
  const offset = (best - wide + shift) / rate;
  // At the range's edge, or below a value beyond it: the match may lie outside the range.
  const atEdge = best === first || best === last || corr.some((c) => c > peak);
  const second = secondPeak(corr, best);
  const margin = peak > 0 ? 1 - Math.max(0, second) / peak : 0;
  const confidence = atEdge ? 0 : Math.max(0, Math.min(1, peak * margin));
  return { offset, confidence, correlation: peak };
}

/** The best value outside the main lobe around `best` (where the correlation stays above half the peak, widened by its own half-width). */
function secondPeak(corr: Float64Array, best: number): number {
  const half = (corr[best] as number) / 2;
  let lo = best;
  let hi = best;
  while (lo > 0 && (corr[lo - 1] as number) > half) lo--;
  while (hi < corr.length - 1 && (corr[hi + 1] as number) > half) hi++;
  const widen = Math.max(1, Math.round((hi - lo) / 2));
  let second = -Infinity;
  for (let k = 0; k < corr.length; k++)
    if (k < lo - widen || k > hi + widen) second = Math.max(second, corr[k] as number);
  return Number.isFinite(second) ? second : 0;
}

/** Linear interpolation of (t, x) at start + k / rate; NaN outside [t0, tn]. t ascending. */
function onGrid(t: Float64Array, x: Float64Array, start: number, rate: number, count: number): Float64Array {
  const out = new Float64Array(count).fill(NaN);
  let j = 0;
  const n = t.length;
  for (let k = 0; k < count; k++) {
    const time = start + k / rate;
    if (time < (t[0] as number) || time > (t[n - 1] as number)) continue;
    while (j < n - 2 && (t[j + 1] as number) <= time) j++;
    const t0 = t[j] as number;
    const t1 = t[j + 1] as number;
    const w = t1 > t0 ? (time - t0) / (t1 - t0) : 0;
    out[k] = (x[j] as number) * (1 - w) + (x[j + 1] as number) * w;
  }
  return out;
}

/** sum_m x[i] y[i + m] for m in -lags..lags (zero outside the signals). */
function crossCorrelation(x: Float64Array, y: Float64Array, lags: number): Float64Array {
  const count = x.length;
  const out = new Float64Array(2 * lags + 1);
  for (let m = -lags; m <= lags; m++) {
    let sum = 0;
    for (let i = Math.max(0, -m); i < Math.min(count, count - m); i++) sum += (x[i] as number) * (y[i + m] as number);
    out[m + lags] = sum;
  }
  return out;
}

/** The running integral (sum / rate) over the finite values; NaN stays NaN. */
function runningIntegral(x: Float64Array, rate: number): Float64Array {
  const out = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const value = x[i] as number;
    if (Number.isFinite(value)) sum += value / rate;
    out[i] = Number.isFinite(value) ? sum : NaN;
  }
  return out;
}

/** Centred moving average over the finite values within +-half samples (running sums), subtracted in place. */
function subtractMovingAverage(x: Float64Array, width: number): void {
  const avg = movingAverage(x, Math.max(1, width >> 1));
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) - (avg[i] as number);
}

function smooth(x: Float64Array, width: number): void {
  if (width < 2) return;
  x.set(movingAverage(x, width >> 1));
}

function movingAverage(x: Float64Array, half: number): Float64Array {
  const n = x.length;
  const sum = new Float64Array(n + 1);
  const cnt = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const ok = Number.isFinite(x[i] as number);
    sum[i + 1] = (sum[i] as number) + (ok ? (x[i] as number) : 0);
    cnt[i + 1] = (cnt[i] as number) + (ok ? 1 : 0);
  }
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i] as number)) continue;
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    out[i] = ((sum[hi] as number) - (sum[lo] as number)) / ((cnt[hi] as number) - (cnt[lo] as number));
  }
  return out;
}

/** Mean 0 and unit norm over the finite values, 0 elsewhere (so sums over a lag's overlap are correlations); false when there is no variation. */
function standardise(x: Float64Array): boolean {
  let sum = 0;
  let n = 0;
  for (const value of x)
    if (Number.isFinite(value)) {
      sum += value;
      n++;
    }
  if (n < 2) return false;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const value = x[i] as number;
    x[i] = Number.isFinite(value) ? value - mean : 0;
    ss += (x[i] as number) ** 2;
  }
  // Relative floor: an all-but-constant signal (a still camera's rounding) counts as none.
  if (!(ss > 1e-12 * Math.max(1, mean * mean) * n)) return false;
  const norm = Math.sqrt(ss);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) / norm;
  return true;
}
