import { IMU_CHANNELS, type ImuStream } from '../core/stream.ts';

/** A regular time grid: `count` samples from `start` (s) at `rate` (Hz). */
export interface TimeGrid {
  start: number;
  rate: number;
  count: number;
}

/**
 * An IMU stream on a regular grid by linear interpolation between its own timestamps, so lost
 * packets (gaps in `t`) are bridged and each stream's clock is honoured. Before the first and
 * after the last sample the end values are held. Returns [count x 6] row-major.
 */
export function resampleImu(stream: ImuStream, grid: TimeGrid): Float32Array {
  const out = new Float32Array(grid.count * IMU_CHANNELS);
  const { t, data } = stream;
  const n = t.length;
  if (n === 0) return out;
  let j = 0;
  for (let i = 0; i < grid.count; i++) {
    const time = grid.start + i / grid.rate;
    while (j < n - 2 && (t[j + 1] as number) <= time) j++;
    const t0 = t[j] as number;
    const t1 = t[Math.min(j + 1, n - 1)] as number;
    const w = t1 > t0 ? Math.max(0, Math.min(1, (time - t0) / (t1 - t0))) : 0;
    const a = j * IMU_CHANNELS;
    const b = Math.min(j + 1, n - 1) * IMU_CHANNELS;
    for (let c = 0; c < IMU_CHANNELS; c++)
      out[i * IMU_CHANNELS + c] = (data[a + c] as number) * (1 - w) + (data[b + c] as number) * w;
  }
  return out;
}

/**
 * For each grid time, 1 if the stream has a real sample within 1.5 sample periods of it, else 0:
 * where resampleImu bridged a gap (a lost connection), the mask says so, so a model can tell a
 * lost sensor from a still one.
 */
export function imuCoverage(stream: ImuStream, grid: TimeGrid): Float32Array {
  const out = new Float32Array(grid.count);
  const { t } = stream;
  const reach = 1.5 / stream.rate;
  let j = 0;
  for (let i = 0; i < grid.count; i++) {
    const time = grid.start + i / grid.rate;
    while (j < t.length - 1 && (t[j + 1] as number) <= time) j++;
    const near = Math.min(
      Math.abs(time - (t[j] as number)),
      j + 1 < t.length ? Math.abs((t[j + 1] as number) - time) : Infinity,
    );
    out[i] = t.length > 0 && near <= reach ? 1 : 0;
  }
  return out;
}
