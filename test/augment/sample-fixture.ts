import { SeededRandom } from '../../src/core/random.ts';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream, poseStream, videoStream, type ImuStream } from '../../src/core/stream.ts';

/**
 * A small multimodal sample for the augmentation tests: `frames` frames of `height` x `width`
 * RGB noise, COCO-17 keypoints with scores, and two IMUs (left wrist, right ankle; plus one with no
 * side) at 100 Hz with values drawn from a seeded source.
 */
export function fixtureSample(
  options: { frames?: number; height?: number; width?: number; imuSamples?: number } = {},
): Sample {
  const { frames = 4, height = 10, width = 14, imuSamples = 200 } = options;
  const rng = new SeededRandom(11);
  const times = Float64Array.from({ length: frames }, (_, i) => i / 30);
  const pixels = Uint8Array.from({ length: frames * height * width * 3 }, () => rng.int(0, 255));
  const pose = Float32Array.from({ length: frames * 17 * 2 }, (_, k) =>
    k % 2 === 0 ? rng.uniform(0, width - 1) : rng.uniform(0, height - 1),
  );
  const score = Float32Array.from({ length: frames * 17 }, () => rng.uniform(0, 1));
  const imu = (sensorId: string, placement: ImuStream['placement'], meta: Record<string, unknown>) =>
    imuStream({
      rate: 100,
      sensorId,
      placement,
      meta,
      t: Float64Array.from({ length: imuSamples }, (_, i) => 3.2 + i / 100),
      data: Float32Array.from({ length: imuSamples * 6 }, (_, k) => (k % 6 < 3 ? rng.normal(0, 9) : rng.normal(0, 3))),
    });
  return {
    id: 'fixture-1',
    label: 'jump',
    subject: 'S01',
    streams: [
      videoStream({
        rate: 30,
        t: times,
        decoded: { frames: pixels, height, width, channels: 3 },
        meta: { clock: 'camera' },
      }),
      poseStream({ rate: 30, t: times, joints: 'coco17', dims: 2, data: pose, score, meta: { units: 'px' } }),
      imu('S01-wrist', 'wrist', { side: 'left', clock: 'device' }),
      imu('S01-ankle', 'ankle', { side: 'right' }),
      imu('S01-pelvis', 'pelvis', {}),
    ],
    events: [{ name: 'takeoff', t: 0.5 }],
    meta: { trial: 0 },
  };
}

/** Deep copies of every typed array of a sample, to check later that nothing wrote into them. */
export function snapshot(sample: Sample): unknown {
  return JSON.parse(
    JSON.stringify(sample, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)),
  );
}

export function imuOf(sample: Sample, sensorId: string): ImuStream {
  const s = sample.streams.find((x) => x.kind === 'imu' && x.sensorId === sensorId);
  if (s === undefined || s.kind !== 'imu') throw new Error(`no IMU ${sensorId}`);
  return s;
}
