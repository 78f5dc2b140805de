import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import { imuStream, type ImuStream, type Placement } from '../core/stream.ts';
import { IMU_INPUT_CHANNELS, type InputSet, type InputSpec } from '../inputs/input-spec.ts';
import { emptyInputSet, putSample } from '../inputs/model-inputs.ts';
import { inputTensors, type InputPipeline } from '../train/batches.ts';
import type { RingSlice } from './sensor-ring.ts';

/** One placement's samples of a window, with the sensor they came from. */
export interface PlacementSlice {
  placement: Placement;
  sensorId: string;
  slice: RingSlice;
}

/**
 * A live window as a data set's sample: one IMU stream per placement, host-clock times, so the
 * training code builds its input (src/inputs/model-inputs.ts) from it unchanged. The label is a
 * placeholder (the first class): putSample needs one, the prediction ignores it.
 */
export function windowSample(id: string, slices: readonly PlacementSlice[], classes: readonly string[]): Sample {
  const streams: ImuStream[] = slices.map(({ placement, sensorId, slice }) =>
    imuStream({ t: slice.t, data: slice.data, rate: nominalRate(slice.t), sensorId, placement }),
  );
  return { id, label: classes[0] ?? '', streams, meta: { live: true } };
}

/**
 * The model's input tensors for one window, exactly as training makes them: the input spec's
 * arrays by putSample (`set`, unscaled), then the saved standardisers by inputTensors
 * (`tensors`, which the caller disposes).
 */
export function windowInputs(
  sample: Sample,
  inputs: InputSpec,
  classes: readonly string[],
  pipeline: InputPipeline,
): { set: InputSet; tensors: tf.Tensor[] } {
  const set = emptyInputSet(inputs, 1);
  putSample(set, 0, sample, inputs, classes);
  return { set, tensors: inputTensors(set, [0], pipeline) };
}

/** Per placement of the IMU input, the mean of its coverage mask channel: the share of the window with real samples. */
export function windowCoverage(set: InputSet, inputs: InputSpec): Record<string, number> {
  const out: Record<string, number> = {};
  if (set.imu === undefined || inputs.imu === undefined) return out;
  const [steps, width] = set.imu.shape as [number, number];
  inputs.imu.placements.forEach((placement, p) => {
    let sum = 0;
    for (let i = 0; i < steps; i++)
      sum += set.imu!.data[i * width + p * IMU_INPUT_CHANNELS + IMU_INPUT_CHANNELS - 1] as number;
    out[placement] = sum / steps;
  });
  return out;
}

/**
 * The placements a model's IMU input reads, checked against the sensors there are: a missing
 * placement is a UserError naming what the model needs and what is worn where.
 */
export function requiredPlacements(
  inputs: InputSpec,
  worn: ReadonlyMap<string, Placement>,
): { placement: Placement; sensorId: string }[] {
  if (inputs.imu === undefined)
    throw new UserError('the model reads no IMU', 'Live recognition needs a model with inputs.imu.');
  const bySensor = [...worn.entries()];
  const wornText = bySensor.length === 0 ? 'no sensor' : bySensor.map(([id, place]) => `${id} at ${place}`).join(', ');
  return inputs.imu.placements.map((placement) => {
    const hit = placement === 'any' ? bySensor[0] : bySensor.find(([, place]) => place === placement);
    if (hit === undefined)
      throw new UserError(
        `the model needs IMUs at ${inputs.imu!.placements.join(', ')}; none is at ${placement} (sensors: ${wornText})`,
        `Map a sensor to it: --placement SENSOR_ID=${placement === 'any' ? 'wrist' : placement}.`,
      );
    return { placement: hit[1], sensorId: hit[0] };
  });
}

/** The rate a window's samples were taken at, from their median step (Hz); 1 for fewer than two samples. */
function nominalRate(t: Float64Array): number {
  if (t.length < 2) return 1;
  const steps = Array.from({ length: t.length - 1 }, (_, i) => (t[i + 1] as number) - (t[i] as number)).sort(
    (a, b) => a - b,
  );
  const median = steps[steps.length >> 1] as number;
  return median > 0 ? 1 / median : 1;
}
