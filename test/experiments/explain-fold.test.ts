import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import '../helpers/tf-backends.ts';
import { experimentSchema } from '../../src/experiments/experiment-schema.ts';
import { explainFold, explanationsFolder } from '../../src/experiments/explain-fold.ts';
import type { FoldExplanations } from '../../src/explain/fold-explanations.ts';
import { jumpPhase } from '../../src/explain/jump-phase.ts';
import type { InputSet, InputSpec } from '../../src/inputs/input-spec.ts';
import { buildFusionNetwork } from '../../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC } from '../../src/models/fusion-network-spec.ts';

const Explain = suite('explainFold');
Explain.before(async () => {
  await tf.setBackend('wasm');
});

const CLASSES = ['jump', 'squat'];
const SPEC: InputSpec = {
  imu: { placements: ['wrist'], rate: 100, window: 1.5 },
  video: { count: 2, size: 8, threshold: { kind: 'adaptive', k: 0.5 }, fill: 'sample' },
};

Explain(
  'explains the focus class: predictions, phases from the takes, bounded misses with a strip, attribution',
  async () => {
    // Three test rows of the synthetic set (two jumps, a squat) with made-up inputs; the logits'
    // bias says squat whatever the input, so both jumps are misses.
    const set: InputSet = {
      video: { data: new Uint8Array(3 * 2 * 8 * 8 * 3).fill(100), shape: [2, 8, 8, 3] },
      imu: { data: new Float32Array(3 * 150 * 7).fill(0.5), shape: [150, 7] },
      labels: Int32Array.from([0, 0, 1]),
      ids: ['S01-jump-t01', 'S02-jump-t01', 'S01-squat-t01'],
      subjects: ['S01', 'S02', 'S01'],
      count: 3,
    };
    const model = buildFusionNetwork(
      {
        ...DEFAULT_FUSION_SPEC,
        modalities: ['video', 'imu'],
        videoFilters: [2],
        imuFilters: [2],
        lstmUnits: 2,
        frameFeatures: 2,
      },
      { video: [2, 8, 8, 3], imu: [150, 7] },
      2,
      3,
    );
    model.getLayer('logits').setWeights([tf.zeros([4, 2]), tf.tensor1d([0, 10])]);
    const experiment = experimentSchema().parse({
      name: 'x',
      dataset: { name: 'synthetic', subjects: 2, clipsPerClass: 1, actions: CLASSES },
      model: { type: 'fused-attention-lstm' },
      report: { focusClasses: ['jump'], explain: { maxMisses: 1 } },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'mf-explain-')), 'explain-fold-1.json');
    const n0 = tf.memory().numTensors;
    await explainFold(
      model,
      { modalities: ['video', 'imu'], standardisers: {} },
      {
        experiment,
        classes: CLASSES,
        set,
        spec: SPEC,
        plan: { index: 0, train: [], validation: [], test: [0, 1, 2] },
        trialId: 't',
        label: 'fused',
        file,
      },
    );
    assert.is(tf.memory().numTensors, n0, 'leaks no tensor');
    const written = JSON.parse(readFileSync(file, 'utf8')) as FoldExplanations;
    assert.is(written.format, 'motionfuse-explain/1');
    assert.equal(
      written.samples.map((s) => [s.id, s.truth, s.predicted]),
      [
        ['S01-jump-t01', 0, 1],
        ['S02-jump-t01', 0, 1],
      ],
      'the focus class only',
    );
    for (const s of written.samples) {
      assert.is(s.truthEvents.takeoff.length, 1, `${s.id}: one flight`);
      assert.ok(Math.abs(s.window[1] - s.window[0] - 1.5) < 1e-3, 'the IMU window');
      assert.is(s.phase, jumpPhase(s.window, s.truthEvents.takeoff, s.truthEvents.landing));
      assert.ok(Math.abs((s.probabilities[1] ?? 0) - 1) < 1e-3);
      // The trace is put on the session clock (the device's offset removed), where the true events are.
      const detected = s.jumps[0]?.takeoff ?? Number.NaN;
      assert.ok(Math.abs(detected - (s.truthEvents.takeoff[0] ?? 0)) < 0.05, `${s.id}: take-off ${detected} s`);
    }
    assert.equal(
      written.misses.map((m) => m.id),
      ['S01-jump-t01'],
      'maxMisses: 1',
    );
    const miss = written.misses[0];
    assert.ok(miss?.strip !== undefined && existsSync(join(explanationsFolder(file), miss.strip)), 'strip PNG written');
    assert.equal(
      miss?.attention.map((a) => [a.modality, a.weights.length]),
      [
        ['video', 2],
        ['imu', 75],
      ],
    );
    assert.ok(
      Math.abs((miss?.attention[1]?.times?.[0] ?? 0) - (written.samples[0]?.window[0] ?? 0) - 0.01) < 1e-3,
      'first IMU step mid-time',
    );
    assert.is(miss?.imu?.placement, 'pelvis');
    assert.equal(
      written.attribution?.map((r) => [r.removed, r.perClass.map((c) => c.error)]),
      [
        [null, [1, 0]],
        ['video', [1, 0]],
        ['imu', [1, 0]],
      ],
      'every test sample: the jumps missed, the squat right, whatever is removed',
    );
    model.dispose();
  },
);

Explain.run();
