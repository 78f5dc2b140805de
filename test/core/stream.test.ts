import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { imuStream, poseStream, videoStream, streamSpan, streamLength } from '../../src/core/stream.ts';

const times = (n: number, rate: number) => Float64Array.from({ length: n }, (_, i) => i / rate);

const Imu = suite('imuStream');
Imu('builds an [n x 6] stream with its sensor and placement', () => {
  const s = imuStream({
    rate: 100,
    t: times(5, 100),
    data: new Float32Array(30),
    sensorId: 'polar-1',
    placement: 'wrist',
  });
  assert.is(s.kind, 'imu');
  assert.is(streamLength(s), 5);
  assert.equal(streamSpan(s), [0, 0.04]);
  assert.equal(s.meta, {});
});
Imu('names the bad argument', () => {
  const ok = { rate: 100, t: times(5, 100), data: new Float32Array(30), sensorId: 's', placement: 'wrist' as const };
  assert.throws(
    () => imuStream({ ...ok, data: new Float32Array(29) }),
    /imuStream\(\): data has 29 values, expected 5 samples x 6 = 30/,
  );
  assert.throws(() => imuStream({ ...ok, rate: -3 }), /imuStream\(\): rate must be > 0 Hz, got -3/);
  assert.throws(
    () => imuStream({ ...ok, t: Float64Array.from([0, 0.01, 0.005, 0.02, 0.03]) }),
    /imuStream\(\): t\[2\] = 0.005 is before t\[1\] = 0.01/,
  );
  assert.throws(() => imuStream({ ...ok, t: Float64Array.from([0, Number.NaN, 0.02, 0.03, 0.04]) }), /t\[1\] is NaN/);
  assert.throws(
    () => imuStream({ ...ok, placement: 'elbow' as never }),
    /placement 'elbow' is not one of wrist, ankle/,
  );
});
Imu.run();

const Pose = suite('poseStream');
Pose('checks data against frames x joints x dims, and scores against frames x joints', () => {
  const s = poseStream({
    rate: 30,
    t: times(2, 30),
    joints: 'coco17',
    dims: 2,
    data: new Float32Array(2 * 17 * 2),
    score: new Float32Array(34),
  });
  assert.is(s.joints, 'coco17');
  assert.throws(
    () => poseStream({ rate: 30, t: times(2, 30), joints: 'kinect20', dims: 3, data: new Float32Array(100) }),
    /expected 2 frames x 20 joints x 3 = 120/,
  );
  assert.throws(
    () =>
      poseStream({
        rate: 30,
        t: times(2, 30),
        joints: 'coco17',
        dims: 2,
        data: new Float32Array(68),
        score: new Float32Array(3),
      }),
    /score has 3 values, expected 2 frames x 17 joints = 34/,
  );
});
Pose.run();

const Video = suite('videoStream');
Video('takes either a lazy source or decoded frames, never both', () => {
  const lazy = videoStream({ rate: 25, t: times(10, 25), source: { path: 'clip.avi', startFrame: 5, endFrame: 15 } });
  assert.is(lazy.source?.path, 'clip.avi');
  const decoded = videoStream({
    rate: 25,
    t: times(2, 25),
    decoded: { frames: new Uint8Array(2 * 4 * 4 * 3), height: 4, width: 4, channels: 3 },
  });
  assert.is(decoded.decoded?.width, 4);
  assert.throws(() => videoStream({ rate: 25, t: times(2, 25) }), /give exactly one of source/);
  assert.throws(
    () => videoStream({ rate: 25, t: times(10, 25), source: { path: 'a', startFrame: 0, endFrame: 9 } }),
    /must be 10 frames, one per timestamp/,
  );
  assert.throws(
    () =>
      videoStream({
        rate: 25,
        t: times(2, 25),
        decoded: { frames: new Uint8Array(5), height: 4, width: 4, channels: 3 },
      }),
    /decoded frames have 5 bytes, expected 2 x 4 x 4 x 3/,
  );
});
Video.run();
