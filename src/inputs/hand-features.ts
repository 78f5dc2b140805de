import { IMU_CHANNELS } from '../core/stream.ts';
import { IMU_INPUT_CHANNELS, type InputSet } from './input-spec.ts';

/**
 * Hand-crafted features for the classical baseline (the SVM), from the same model inputs the
 * networks see:
 * - per IMU placement: each channel's mean, standard deviation, minimum, maximum and RMS of its
 *   first difference (jerk); the acceleration magnitude's mean, std, min and max, the share of
 *   samples below 0.3 g (free fall: a flight), the angular speed's mean and max, and the share of
 *   the window the sensor actually covered;
 * - video motion: the RMS grey-level change between consecutive key frames (mean, max, std).
 */
export function handCraftedFeatures(set: InputSet, row: number): number[] {
  const features: number[] = [];
  if (set.imu !== undefined) {
    const [steps, width] = set.imu.shape as [number, number];
    const base = row * steps * width;
    for (let p = 0; p < width / IMU_INPUT_CHANNELS; p++) {
      const at = (i: number, c: number) => set.imu!.data[base + i * width + p * IMU_INPUT_CHANNELS + c] as number;
      for (let c = 0; c < IMU_CHANNELS; c++) {
        const values = Array.from({ length: steps }, (_, i) => at(i, c));
        const jerk = values.slice(1).map((v, i) => v - (values[i] as number));
        features.push(
          mean(values),
          std(values),
          Math.min(...values),
          Math.max(...values),
          Math.sqrt(mean(jerk.map((v) => v * v))),
        );
      }
      const acc = Array.from({ length: steps }, (_, i) => Math.hypot(at(i, 0), at(i, 1), at(i, 2)));
      const gyro = Array.from({ length: steps }, (_, i) => Math.hypot(at(i, 3), at(i, 4), at(i, 5)));
      const covered = Array.from({ length: steps }, (_, i) => at(i, IMU_CHANNELS));
      features.push(
        mean(acc),
        std(acc),
        Math.min(...acc),
        Math.max(...acc),
        acc.filter((a) => a < 0.3 * 9.81).length / steps,
        mean(gyro),
        Math.max(...gyro),
        mean(covered),
      );
    }
  }
  if (set.video !== undefined) {
    const [frames, h, w, c] = set.video.shape as [number, number, number, number];
    const frameSize = h * w * c;
    const base = row * frames * frameSize;
    const d: number[] = [];
    for (let k = 0; k + 1 < frames; k++) {
      let sum = 0;
      for (let i = 0; i < frameSize; i++) {
        const diff =
          (set.video.data[base + (k + 1) * frameSize + i] as number) -
          (set.video.data[base + k * frameSize + i] as number);
        sum += diff * diff;
      }
      d.push(Math.sqrt(sum / frameSize));
    }
    features.push(mean(d), Math.max(...d), std(d));
  }
  return features;
}

function mean(v: readonly number[]): number {
  return v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length;
}

function std(v: readonly number[]): number {
  const m = mean(v);
  return Math.sqrt(mean(v.map((x) => (x - m) * (x - m))));
}
