import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImuStream, PoseStream, VideoStream } from '../../../src/core/stream.ts';
import {
  SYNTHETIC_DEFAULTS,
  generateSubject,
  generateTake,
  type SyntheticOptions,
} from '../../../src/data/synthetic/synthetic-take.ts';

/** One synthetic take end to end: streams, ground truth, determinism, and the clock offset. */
const options = (over: Partial<SyntheticOptions> = {}): SyntheticOptions => ({
  ...SYNTHETIC_DEFAULTS,
  seed: 11,
  ...over,
});
const imu = (s: ReturnType<typeof generateTake>, placement: string) =>
  s.streams.find((x): x is ImuStream => x.kind === 'imu' && x.placement === placement) as ImuStream;

const Take = suite('synthetic take');
Take('has video, pose and three IMUs of the requested shapes, and ground truth for a jump', () => {
  const o = options();
  const s = generateTake(o, generateSubject(o, 0), 'jump', 0);
  assert.is(s.id, 'S01-jump-t01');
  assert.is(s.label, 'jump');
  assert.is(s.subject, 'S01');
  const video = s.streams.find((x): x is VideoStream => x.kind === 'video') as VideoStream;
  assert.is(video.t.length, 60);
  assert.is(video.decoded?.frames.length, 60 * 112 * 112 * 3);
  const pose = s.streams.find((x): x is PoseStream => x.kind === 'pose') as PoseStream;
  assert.is(pose.data.length, 60 * 17 * 2);
  assert.equal(
    s.streams.filter((x) => x.kind === 'imu').map((x) => (x as ImuStream).placement),
    ['wrist', 'ankle', 'pelvis'],
  );
  const names = (s.events ?? []).map((e) => e.name);
  for (const n of ['takeoff', 'landing', 'flight-height']) assert.ok(names.includes(n), `event ${n}`);
  assert.is((s.meta.phasePerFrame as string[]).length, 60);
  assert.ok((s.meta.phasePerFrame as string[]).includes('flight'));
});
Take('same seed gives identical bytes; another seed other takes', () => {
  const bytes = (seed: number) => {
    const o = options({ seed });
    const s = generateTake(o, generateSubject(o, 1), 'kick', 2);
    const bytesOf = (a: Uint8Array | Float32Array) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
    return s.streams
      .map((x) => bytesOf(x.kind === 'video' ? (x.decoded?.frames as Uint8Array) : (x.data as Float32Array)))
      .join('|');
  };
  assert.ok(bytes(3) === bytes(3), 'same seed, same bytes');
  assert.ok(bytes(3) !== bytes(4), 'different seed, different take');
});
Take(
  'the camera-sensor clock offset is recoverable from the streams (jump landing in pose vs pelvis IMU), within 2 video frames',
  () => {
    for (const subjectIndex of [0, 3, 5]) {
      const o = options({ video: false });
      const subject = generateSubject(o, subjectIndex);
      const s = generateTake(o, subject, 'jump', 1);
      const pose = s.streams.find((x): x is PoseStream => x.kind === 'pose') as PoseStream;
      const pelvis = imu(s, 'pelvis');
      // Camera side: the hips' image height over time, its acceleration (pixels/s^2) magnitude.
      // (A keypoint the detector missed, score < 0.3, keeps the last good value, as a user would.)
      const last = [0, 0];
      const hipV: number[] = Array.from(pose.t, (_, i) => {
        for (const [k, j] of [
          [0, 11],
          [1, 12],
        ] as const)
          if ((pose.score?.[i * 17 + j] ?? 1) >= 0.3 || i === 0) last[k] = pose.data[(i * 17 + j) * 2 + 1] as number;
        return ((last[0] as number) + (last[1] as number)) / 2;
      });
      // Sensor side: |specific force| - g, on the device clock.
      const grid = 0.01;
      const sample = (t: Float64Array, v: number[], at: number) => {
        let k = 1;
        while (k < t.length - 1 && (t[k] as number) < at) k++;
        const t0 = t[k - 1] as number;
        const t1 = t[k] as number;
        const w = Math.max(0, Math.min(1, (at - t0) / (t1 - t0)));
        return (v[k - 1] as number) * (1 - w) + (v[k] as number) * w;
      };
      // Detector noise is amplified by differencing: smooth over 5 frames first. Both series are
      // made zero-mean so the correlation rewards matching shape, not level.
      const smooth = hipV.map((_, i) => {
        let a = 0;
        let n = 0;
        for (let j = Math.max(0, i - 2); j <= Math.min(hipV.length - 1, i + 2); j++) {
          a += hipV[j] as number;
          n++;
        }
        return a / n;
      });
      const centre = (v: number[]) => {
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        return v.map((x) => x - m);
      };
      // Upward acceleration: minus the image row's second difference (rows grow downward), and
      // |specific force| - g from the sensor (-g in flight, above zero while pushing or landing).
      const camAcc = centre(
        smooth.map((_, i) =>
          i === 0 || i === smooth.length - 1
            ? 0
            : -((smooth[i - 1] as number) - 2 * (smooth[i] as number) + (smooth[i + 1] as number)),
        ),
      );
      const imuAcc = centre(
        Array.from(
          pelvis.t,
          (_, i) =>
            Math.hypot(
              pelvis.data[i * 6] as number,
              pelvis.data[i * 6 + 1] as number,
              pelvis.data[i * 6 + 2] as number,
            ) - 9.81,
        ),
      );
      let best = { lag: 0, score: -Infinity };
      for (let lag = -0.6; lag <= 0.6; lag += grid) {
        let score = 0;
        for (let t = 0.2; t < 1.8; t += grid) score += sample(pose.t, camAcc, t) * sample(pelvis.t, imuAcc, t + lag);
        if (score > best.score) best = { lag, score };
      }
      const truth = (s.events ?? []).find((e) => e.name === `clock-offset/${pelvis.sensorId}`)?.value as number;
      assert.ok(
        Math.abs(best.lag - truth) < 2 / 30,
        `${subject.id}: recovered ${best.lag.toFixed(3)} s, true ${truth.toFixed(3)} s`,
      );
    }
  },
);
Take(
  'sensors are worn where people wear them: the wrist on the non-dominant side, the leg sensors together on a side drawn per athlete',
  () => {
    const o = options({ placements: ['wrist', 'ankle', 'pelvis', 'thigh'] });
    const legSides = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const subject = generateSubject(o, i);
      const side = (placement: string) => subject.devices.find((d) => d.placement === placement)?.side;
      assert.is(
        side('wrist'),
        subject.style.dominant === 1 ? 'left' : 'right',
        `${subject.id}: a watch on the non-dominant wrist`,
      );
      assert.is(side('thigh'), side('ankle'), `${subject.id}: leg sensors on one side`);
      legSides.add(side('ankle') as string);
    }
    assert.equal([...legSides].sort(), ['left', 'right'], 'both leg sides occur');
  },
);

Take('a sensor outage is a gap in that stream, stated in the ground truth', () => {
  const o = options({ sensorOutage: 1, packetLoss: 0, video: false, pose: false });
  const s = generateTake(o, generateSubject(o, 2), 'run', 0);
  for (const stream of s.streams.filter((x): x is ImuStream => x.kind === 'imu')) {
    const outage = (s.events ?? []).find((e) => e.name === `sensor-outage/${stream.sensorId}`);
    assert.ok(outage?.t !== undefined && outage.value !== undefined, `${stream.sensorId} has an outage event`);
    let widest = 0;
    for (let i = 1; i < stream.t.length; i++) widest = Math.max(widest, stream.t[i]! - stream.t[i - 1]!);
    assert.ok(
      Math.abs(widest - outage.value) < 0.02,
      `${stream.sensorId}: gap ${widest.toFixed(3)} s, outage ${outage.value.toFixed(3)} s`,
    );
  }
});
Take.run();
