import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImuStream, VideoStream } from '../../src/core/stream.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../src/data/synthetic/synthetic-take.ts';
import { motionEnergy, videoImuOffset } from '../../src/sync/video-imu-offset.ts';

/** Frame-difference motion energy. */
const Energy = suite('motionEnergy');

Energy('is the mean absolute difference from the previous frame, 0 for the first', () => {
  // Three 1 x 2 frames, 2 channels: [10 20 | 30 40], [12 20 | 30 36], [12 20 | 30 36].
  const frames = Uint8Array.from([10, 20, 30, 40, 12, 20, 30, 36, 12, 20, 30, 36]);
  assert.equal(Array.from(motionEnergy(frames, 3, 2, 1, 2)), [0, (2 + 0 + 0 + 4) / 4, 0]);
});

Energy('names a size that does not match the bytes', () => {
  assert.throws(
    () => motionEnergy(new Uint8Array(10), 2, 2, 2, 1),
    /motionEnergy\(\): frames have 10 bytes, expected 2 x 2 x 2 x 1/,
  );
});

/** The camera-IMU offset by cross-correlation. */
const Offset = suite('videoImuOffset');

/**
 * A movement where both signals are known exactly: the vertical velocity v(t) of a
 * countermovement jump (down, up fast, down fast, stop); the IMU feels g + dv/dt, the camera's
 * frame difference is 3 + 2 |v| (grey levels), 30 fps for 4 s.
 */
function knownMovement(videoShift: number) {
  const bump = (t: number, at: number, width: number) => Math.exp(-(((t - at) / width) ** 2));
  const v = (t: number) => -0.8 * bump(t, 1, 0.12) + 2.4 * bump(t, 1.35, 0.08) - 2.4 * bump(t, 1.9, 0.07);
  const frameTimes = Float64Array.from({ length: 120 }, (_, i) => i / 30);
  const energy = frameTimes.map((_, i) =>
    i === 0 ? 0 : 3 + 2 * Math.abs(v(((frameTimes[i - 1] as number) + (frameTimes[i] as number)) / 2)),
  );
  const t = Float64Array.from({ length: 400 }, (_, i) => i / 100);
  const acc = new Float32Array(400 * 3);
  t.forEach((time, i) => (acc[3 * i + 2] = 9.81 + (v(time + 1e-4) - v(time - 1e-4)) / 2e-4));
  return { video: { t: frameTimes.map((x) => x + videoShift), energy }, imu: { t, acc } };
}

Offset('says what to add to video stamps: stamps 0.4 s late give -0.4, 0.25 s early give +0.25', () => {
  for (const shift of [0.4, -0.25, 0.013]) {
    const { video, imu } = knownMovement(shift);
    const r = videoImuOffset(video, imu, { maxLagSeconds: 1 });
    assert.ok(Math.abs(r.offset + shift) < 0.002, `shift ${shift}: offset ${r.offset}`);
    assert.ok(r.correlation > 0.6 && r.confidence > 0.3, JSON.stringify(r));
  }
});

Offset('an offset beyond the lag range scores no confidence', () => {
  const { video, imu } = knownMovement(0.4);
  assert.is(videoImuOffset(video, imu, { maxLagSeconds: 0.2 }).confidence, 0);
});

// Acceptance 3 of issue #20: a synthetic jump with a known camera-IMU offset, aligned within a
// frame. The pelvis sensor: the camera sees the whole body, and the body's centre moves with it.
const options = {
  ...SYNTHETIC_DEFAULTS,
  duration: 3,
  size: 64,
  placements: ['pelvis' as const],
  pose: false,
  blur: 0,
  occlusion: 0,
  packetLoss: 0,
  sensorOutage: 0,
};
const subject = generateSubject(options, 0);
const take = generateTake(options, subject, 'jump', 0);
const video = take.streams.find((s): s is VideoStream => s.kind === 'video') as VideoStream;
const decoded = video.decoded as NonNullable<VideoStream['decoded']>;
const energy = motionEnergy(decoded.frames, video.t.length, decoded.width, decoded.height, decoded.channels);
const pelvis = take.streams.find((s): s is ImuStream => s.kind === 'imu') as ImuStream;
// The IMU's stamps are on its own clock (offset and drift against the camera's): put them on
// the camera's, so the only offset left is the one the test adds.
const device = subject.devices[0] as (typeof subject.devices)[number];
const imu = {
  t: pelvis.t.map((x) => (x - device.clockOffset) / (1 + device.clockDrift)),
  acc: Float32Array.from(
    { length: pelvis.t.length * 3 },
    (_, k) => pelvis.data[Math.floor(k / 3) * 6 + (k % 3)] as number,
  ),
};

Offset('aligns a synthetic jump shifted by +0.40 s and by -0.25 s within one frame (33 ms)', () => {
  for (const shift of [0.4, -0.25]) {
    const r = videoImuOffset({ t: video.t.map((x) => x + shift), energy }, imu, { maxLagSeconds: 1 });
    assert.ok(Math.abs(r.offset + shift) < 1 / 30, `shift ${shift}: offset ${r.offset}`);
    assert.ok(r.confidence > 0.3, `shift ${shift}: confidence ${r.confidence}`);
  }
});

Offset('a still camera, or one that sees only noise, gives a low confidence', () => {
  const still = videoImuOffset({ t: video.t, energy: new Float64Array(video.t.length) }, imu);
  assert.equal(still, { offset: 0, confidence: 0, correlation: 0 });
  // Frames of sensor noise alone: the energy is its floor plus a little scatter.
  const rng = new SeededRandom(5);
  const noise = energy.map((_, i) => (i === 0 ? 0 : 4.4 + rng.normal(0, 0.05)));
  const r = videoImuOffset({ t: video.t, energy: noise }, imu, { maxLagSeconds: 1 });
  assert.ok(r.confidence < 0.15, `noise: confidence ${r.confidence}`);
});

Offset('names a bad argument', () => {
  const { video: v, imu: i } = knownMovement(0);
  assert.throws(
    () => videoImuOffset(v, i, { maxLagSeconds: 0 }),
    /videoImuOffset\(\): maxLagSeconds must be > 0, got 0/,
  );
  assert.throws(
    () => videoImuOffset({ t: v.t, energy: v.energy.subarray(1) }, i),
    /videoImuOffset\(\): video.energy has 119 values for 120 stamps/,
  );
  assert.throws(
    () => videoImuOffset(v, { t: i.t, acc: i.acc.subarray(3) }),
    /imu.acc has 1197 values, expected 400 x 3/,
  );
});

Energy.run();
Offset.run();
