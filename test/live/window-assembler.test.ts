import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../src/core/errors.ts';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream, type Placement } from '../../src/core/stream.ts';
import type { InputSpec } from '../../src/inputs/input-spec.ts';
import { buildInputSet } from '../../src/inputs/model-inputs.ts';
import { inputTensors, type InputPipeline } from '../../src/train/batches.ts';
import { SensorRing } from '../../src/live/sensor-ring.ts';
import { requiredPlacements, windowCoverage, windowInputs, windowSample } from '../../src/live/window-assembler.ts';

const SPEC: InputSpec = { imu: { placements: ['wrist', 'pelvis'], rate: 100, window: 2 } };
const CLASSES = ['a', 'b'];
const PIPELINE: InputPipeline = {
  modalities: ['imu'],
  standardisers: {
    imu: {
      mean: Float32Array.from([1, 2, 9, 0, 0.1, 0, 0.9]),
      std: Float32Array.from([2, 3, 4, 1, 0.5, 2, 0.2]),
    },
  },
};

/** 2 s at 200 Hz from t = 100 s, a distinct wave per channel and sensor; `drop` removes samples in [from, to). */
function recording(phase: number, drop?: [number, number]): { t: Float64Array; data: Float32Array } {
  const t: number[] = [];
  const data: number[] = [];
  for (let k = 0; k < 400; k++) {
    const time = 100 + k * 0.005;
    if (drop !== undefined && time >= 100 + drop[0] - 1e-9 && time < 100 + drop[1] - 1e-9) continue;
    t.push(time);
    for (let c = 0; c < 6; c++) data.push(Math.sin(time * (c + 1) + phase) * (c < 3 ? 9 : 2));
  }
  return { t: Float64Array.from(t), data: Float32Array.from(data) };
}

/** The recording as a driver's packets of 10 samples, each arriving 2 ms after its last sample, into a ring. */
function ringOf(id: string, rec: { t: Float64Array; data: Float32Array }): SensorRing {
  const ring = new SensorRing(id);
  let first = 0;
  for (let k = 0; k < rec.t.length; k += 10) {
    const n = Math.min(10, rec.t.length - k);
    const acc = new Float32Array(n * 3);
    const gyro = new Float32Array(n * 3);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 3; c++) {
        acc[i * 3 + c] = rec.data[(k + i) * 6 + c] as number;
        gyro[i * 3 + c] = rec.data[(k + i) * 6 + 3 + c] as number;
      }
    const deviceTime = rec.t.slice(k, k + n);
    // The device counts samples; a dropped stretch is a jump of its counter.
    first = Math.round(((deviceTime[0] as number) - 100) / 0.005);
    ring.push({
      kind: 'imu',
      sensorId: id,
      firstSample: first,
      deviceTime,
      acc,
      gyro,
      hostTime: (deviceTime[n - 1] as number) + 0.002,
    });
  }
  return ring;
}

function trainingInput(
  streams: { placement: Placement; rec: { t: Float64Array; data: Float32Array } }[],
): Float32Array {
  const sample: Sample = {
    id: 's',
    label: 'a',
    streams: streams.map(({ placement, rec }) =>
      imuStream({ t: rec.t, data: rec.data, rate: 200, sensorId: placement, placement }),
    ),
    meta: {},
  };
  const [x] = inputTensors(buildInputSet([sample], SPEC, CLASSES), [0], PIPELINE);
  const out = x!.dataSync() as Float32Array;
  x!.dispose();
  return out;
}

function liveInput(rings: { placement: Placement; ring: SensorRing }[]): {
  values: Float32Array;
  coverage: Record<string, number>;
} {
  const end = Math.min(...rings.map((r) => r.ring.latest));
  const slices = rings.map(({ placement, ring }) => ({
    placement,
    sensorId: ring.sensorId,
    slice: ring.slice(end - 2, end),
  }));
  const { set, tensors } = windowInputs(windowSample('w', slices, CLASSES), SPEC, CLASSES, PIPELINE);
  const values = tensors[0]!.dataSync() as Float32Array;
  tf.dispose(tensors);
  return { values, coverage: windowCoverage(set, SPEC) };
}

const Equal = suite('live window = training input');

Equal('the live path gives the training path input array for the same samples', () => {
  const wrist = recording(0);
  const pelvis = recording(1);
  const train = trainingInput([
    { placement: 'wrist', rec: wrist },
    { placement: 'pelvis', rec: pelvis },
  ]);
  const live = liveInput([
    { placement: 'wrist', ring: ringOf('w', wrist) },
    { placement: 'pelvis', ring: ringOf('p', pelvis) },
  ]);
  assert.is(live.values.length, 200 * 14);
  let worst = 0;
  for (let i = 0; i < train.length; i++)
    worst = Math.max(worst, Math.abs((train[i] as number) - (live.values[i] as number)));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  assert.equal(live.coverage, { wrist: 1, pelvis: 1 });
});

Equal('a lost stretch shows in the coverage mask as in training', () => {
  // 0.3 s lost from t = 1.0 s: grid steps 1.01 .. 1.29 s have no sample within 7.5 ms: 29 of 200 are 0.
  const wrist = recording(0, [1.0, 1.3]);
  const pelvis = recording(1);
  const train = trainingInput([
    { placement: 'wrist', rec: wrist },
    { placement: 'pelvis', rec: pelvis },
  ]);
  const live = liveInput([
    { placement: 'wrist', ring: ringOf('w', wrist) },
    { placement: 'pelvis', ring: ringOf('p', pelvis) },
  ]);
  let worst = 0;
  for (let i = 0; i < train.length; i++)
    worst = Math.max(worst, Math.abs((train[i] as number) - (live.values[i] as number)));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  assert.ok(Math.abs((live.coverage['wrist'] as number) - 171 / 200) < 1e-9, JSON.stringify(live.coverage));
  assert.is(live.coverage['pelvis'], 1);
});

const Ring = suite('SensorRing');

Ring('counts samples and the ones a counter jump lost', () => {
  const ring = ringOf('w', recording(0, [1.0, 1.3]));
  assert.is(ring.received, 340);
  assert.is(ring.lost, 60);
});

Ring('maps device time to the host clock by the arrivals (offset of the earliest arrival)', () => {
  const ring = ringOf('w', recording(0));
  assert.ok(Math.abs(ring.latest - (100 + 399 * 0.005 + 0.002)) < 1e-6, String(ring.latest));
});

const Required = suite('requiredPlacements');

Required('names what the model needs and what sensors there are', () => {
  const worn = new Map<string, Placement>([
    ['serial:/dev/pts/3#0', 'wrist'],
    ['serial:/dev/pts/3#1', 'ankle'],
  ]);
  try {
    requiredPlacements(SPEC, worn);
    assert.unreachable('no error');
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, 'the model needs IMUs at wrist, pelvis; none is at pelvis');
    assert.match((err as Error).message, 'serial:/dev/pts/3#0 at wrist, serial:/dev/pts/3#1 at ankle');
    assert.match((err as UserError).hint ?? '', '--placement SENSOR_ID=pelvis');
  }
});

Equal.run();
Ring.run();
Required.run();
