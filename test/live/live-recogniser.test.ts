import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import type { Placement } from '../../src/core/stream.ts';
import { LiveRecogniser, type LiveJump, type LivePrediction } from '../../src/live/live-recogniser.ts';
import type { TrainedModel } from '../../src/train/model-store.ts';
import { countermovementJump, G, piecewiseTrace } from '../helpers/jump-traces.ts';

/** An untrained two-class network on a pelvis IMU at 50 Hz over 2 s: what it predicts does not matter here. */
function tinyModel(): TrainedModel {
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [100, 7] }), tf.layers.dense({ units: 2 })] });
  return {
    model,
    classes: ['a', 'b'],
    inputs: { imu: { placements: ['pelvis'], rate: 50, window: 2 } },
    pipeline: { modalities: ['imu'], standardisers: {} },
  };
}

/**
 * A countermovement jump with a 0.5 s flight, 2 s of standing either side, at 200 Hz, streamed as
 * packets of 10 samples that each arrive 2 ms after their last sample (host clock from 1000 s).
 */
function streamJump(r: LiveRecogniser, clock: { now: number }): void {
  const trace = piecewiseTrace(countermovementJump(0.5, 2, 2), 200);
  for (let k = 0; k + 10 <= trace.t.length; k += 10) {
    const deviceTime = trace.t.slice(k, k + 10);
    clock.now = 1000 + (deviceTime[9] as number) + 0.002;
    r.handle({
      kind: 'imu',
      sensorId: 'imu#0',
      firstSample: k,
      deviceTime,
      acc: trace.acc.slice(k * 3, (k + 10) * 3),
      gyro: new Float32Array(30),
      hostTime: clock.now,
    });
  }
}

const Live = suite('LiveRecogniser');

Live('predicts every 0.25 s once a 2 s window is in, reports the jump once, and says why it stops', async () => {
  const clock = { now: 0 };
  const worn = new Map<string, Placement>([['imu#0', 'pelvis']]);
  const r = new LiveRecogniser({ trained: tinyModel(), placements: worn, now: () => clock.now });
  const predictions: LivePrediction[] = [];
  const jumps: LiveJump[] = [];
  r.onPrediction((p) => predictions.push(p));
  r.onJump((j) => jumps.push(j));
  assert.match(r.status().reason ?? '', 'waiting for imu#0 (pelvis): nothing received yet');
  streamJump(r, clock);
  await new Promise((res) => setImmediate(res));
  // 5.15 s of samples from t = 0.005 s, packets ending every 0.05 s: the first window is due at
  // 2.005 s and ends with the packet that reaches it (2.05 s, +2 ms arrival offset), then every
  // 0.25 s: 2.05, 2.30, ..., 5.05 s: 13 windows.
  assert.is(predictions.length, 13);
  assert.ok(Math.abs(predictions[0]!.t - 1000 - 2.052) < 1e-6, String(predictions[0]!.t));
  assert.ok(Math.abs(predictions[12]!.t - 1000 - 5.052) < 1e-6, String(predictions[12]!.t));
  for (const p of predictions) {
    assert.ok(p.confidence >= 0.5 && p.confidence <= 1);
    assert.is(p.top.length, 2);
    assert.is(p.coverage['pelvis'], 1);
  }
  assert.is(r.latency.count, 13);
  // Flight 0.5 s: h = g t^2 / 8 = 0.3066 m; found by several checks, reported once.
  assert.is(jumps.length, 1);
  assert.ok(Math.abs(jumps[0]!.flightTime - 0.5) < 0.01, String(jumps[0]!.flightTime));
  assert.ok(Math.abs(jumps[0]!.height - (G * 0.25) / 8) < 0.01, String(jumps[0]!.height));
  assert.is(jumps[0]!.placement, 'pelvis');
  assert.is(r.status().predicting, true);
  // The sensor goes silent for longer than the window.
  clock.now += 2.5;
  const status = r.status();
  assert.is(status.predicting, false);
  assert.match(
    status.reason ?? '',
    'no prediction: imu#0 (pelvis) has sent nothing for 2.5 s, longer than the 2 s window',
  );
  // 103 whole packets of the trace's 1039 samples.
  assert.is(status.sensors[0]!.received, 1030);
  r.dispose();
});

Live.run();
