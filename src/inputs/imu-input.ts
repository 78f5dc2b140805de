import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS, type ImuStream } from '../core/stream.ts';
import { imuCoverage, resampleImu } from '../imu/resample-imu.ts';
import { IMU_INPUT_CHANNELS, type InputSpec } from './input-spec.ts';

/**
 * A sample's IMU input row (steps x (channels + coverage mask) per placement). Apart from
 * model-inputs.ts, which pulls in video and OpenCV, so that the browser page of `motionfuse serve`
 * bundles this very code (src/deploy/browser/).
 */
export function imuInput(sample: Sample, spec: NonNullable<InputSpec['imu']>): Float32Array {
  const steps = Math.round(spec.window * spec.rate);
  const per = IMU_INPUT_CHANNELS * spec.placements.length;
  const out = new Float32Array(steps * per);
  spec.placements.forEach((placement, p) => {
    const stream =
      placement === 'any'
        ? sample.streams.find((s): s is ImuStream => s.kind === 'imu')
        : sample.streams.find((s): s is ImuStream => s.kind === 'imu' && s.placement === placement);
    if (stream === undefined)
      throw new UserError(
        `sample ${sample.id} has no IMU${placement === 'any' ? '' : ` at '${placement}'`}`,
        "List only placements every sample has (inputs.imu.placements), or 'any' for a data set with one IMU.",
      );
    const start = stream.t[0] ?? 0;
    const duration = (stream.t[stream.t.length - 1] ?? start) - start;
    // 'recording': the whole recording on the same number of steps (each take time-normalised).
    const rate = spec.span === 'recording' && duration > 0 && steps > 1 ? (steps - 1) / duration : spec.rate;
    const timeGrid = { start, rate, count: steps };
    const grid = resampleImu(stream, timeGrid);
    const mask = imuCoverage(stream, timeGrid);
    for (let i = 0; i < steps; i++) {
      const o = i * per + p * IMU_INPUT_CHANNELS;
      for (let c = 0; c < IMU_CHANNELS; c++) out[o + c] = grid[i * IMU_CHANNELS + c] as number;
      out[o + IMU_CHANNELS] = mask[i] as number;
    }
  });
  return out;
}
