import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { buildFusionNetwork } from '../../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC } from '../../src/models/fusion-network-spec.ts';
import { crossValidate, planFolds, runFold } from '../../src/train/cross-validate.ts';
import { PAPER_TRAINING } from '../../src/train/paper-training.ts';
import { emptyInputSet } from '../../src/inputs/model-inputs.ts';
import { type InputSpec } from '../../src/inputs/input-spec.ts';

/** Cross-validation by subject on a small generated problem. */
const spec: InputSpec = { imu: { placements: ['wrist'], rate: 20, window: 1 } };

const CrossValidation = suite('cross-validation');
CrossValidation.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});
CrossValidation(
  'folds by subject: test, validation and training subjects never overlap, every sample is tested once, and the classes are learnt',
  async () => {
    const n = 8 * 12; // 8 subjects x 12 trials, two classes
    const set = emptyInputSet(spec, n);
    for (let i = 0; i < n; i++) {
      const cls = i % 2;
      set.labels[i] = cls;
      set.ids[i] = `t${i}`;
      set.subjects[i] = `S${Math.floor(i / 12)}`;
      for (let t = 0; t < 20; t++) {
        for (let c = 0; c < 6; c++)
          set.imu!.data[(i * 20 + t) * 7 + c] =
            (cls === 0 ? 1 : 3) * Math.sin((t + i) * (cls === 0 ? 0.3 : 1.3) + c) + 0.1 * Math.floor(i / 12);
        set.imu!.data[(i * 20 + t) * 7 + 6] = 1; // the coverage mask
      }
    }
    const recipe = {
      kind: 'network' as const,
      name: 'toy',
      modalities: ['imu'] as const,
      build: async (shapes: Parameters<typeof buildFusionNetwork>[1], classes: number, seed: number) =>
        buildFusionNetwork(
          { ...DEFAULT_FUSION_SPEC, modalities: ['imu'], lstmUnits: 8, imuFilters: [8] },
          shapes,
          classes,
          seed,
        ),
    };
    const result = await crossValidate(set, spec, ['slow', 'fast'], recipe, {
      folds: 4,
      validationFolds: 3,
      seed: 1,
      train: { ...PAPER_TRAINING, epochs: 40, batchSize: 8, learningRate: 0.01 },
    });
    assert.is(result.folds.length, 4);
    const tested = result.folds.flatMap((f) => f.subjects.test);
    assert.equal([...tested].sort(), ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
    for (const f of result.folds) {
      const all = [...f.subjects.train, ...f.subjects.validation, ...f.subjects.test];
      assert.is(new Set(all).size, all.length, `fold ${f.fold}: a subject on two sides`);
      assert.ok(f.subjects.validation.length > 0);
      assert.is(f.trainRows + f.validationRows + f.testRows, n);
    }
    assert.ok(
      result.summary.accuracy.mean > 0.9,
      `mean accuracy ${result.summary.accuracy.mean}: ${result.folds.map((f) => `${f.report.accuracy} best ${f.training?.bestEpoch}`).join(', ')}`,
    );
    assert.is(result.summary.accuracy.n, 4);
  },
);
CrossValidation(
  'augmented copies are trained on only beside their original, and never validated or tested on',
  async () => {
    const originals = 6 * 4; // 6 subjects x 4 takes
    const copies = 2;
    const set = emptyInputSet(spec, originals * (1 + copies));
    set.augmentedFrom = Int32Array.from({ length: set.count }, (_, r) =>
      r < originals ? -1 : Math.floor((r - originals) / copies),
    );
    for (let r = 0; r < set.count; r++) {
      const from = r < originals ? r : (set.augmentedFrom[r] as number);
      set.labels[r] = from % 2;
      set.ids[r] = r < originals ? `t${r}` : `t${from}~aug${((r - originals) % copies) + 1}`;
      set.subjects[r] = `S${Math.floor(from / 4)}`;
    }
    const seen: { train: number[]; test: number[] }[] = [];
    const recipe = {
      kind: 'classic' as const,
      name: 'spy',
      modalities: ['imu'] as const,
      fitPredict: async (_: unknown, train: readonly number[], test: readonly number[]) => (
        seen.push({ train: [...train], test: [...test] }),
        test.map(() => 0)
      ),
    };
    const result = await crossValidate(set, spec, ['a', 'b'], recipe, {
      folds: 3,
      validationFolds: 2,
      seed: 4,
      train: PAPER_TRAINING,
    });
    assert.is(seen.length, 3);
    const tested = seen.flatMap((f) => f.test).sort((a, b) => a - b);
    assert.equal(
      tested,
      Array.from({ length: originals }, (_, i) => i),
      'every original tested once, no copy tested',
    );
    for (const f of seen) {
      const trained = new Set(f.train);
      for (const r of f.train) {
        const from = set.augmentedFrom[r] as number;
        if (from >= 0) assert.ok(trained.has(from), `copy ${set.ids[r]} trained on without its original`);
        else
          for (let c = 0; c < copies; c++)
            assert.ok(
              trained.has(originals + r * copies + c),
              `original ${set.ids[r]} trained on without its copy ${c + 1}`,
            );
      }
    }
    assert.equal(
      result.folds.map((f) => f.testRows),
      seen.map((f) => f.test.length),
    );
  },
);

CrossValidation(
  'validationFolds 0: every training subject trains; a network with several outputs trains each by its loss weight',
  async () => {
    const n = 4 * 6;
    const set = emptyInputSet(spec, n);
    for (let i = 0; i < n; i++) {
      set.labels[i] = i % 2;
      set.ids[i] = `t${i}`;
      set.subjects[i] = `S${Math.floor(i / 6)}`;
      for (let t = 0; t < 20; t++) set.imu!.data[(i * 20 + t) * 7] = (i % 2) * 2 - 1 + 0.1 * t;
    }
    const tf = await import('@tensorflow/tfjs');
    const heads: { first: Float32Array; second: Float32Array }[] = [];
    const kernel = (model: import('@tensorflow/tfjs').LayersModel, name: string) =>
      model.getLayer(name).getWeights()[0]!.dataSync().slice() as Float32Array;
    const recipe = {
      kind: 'network' as const,
      name: 'two-heads',
      modalities: ['imu'] as const,
      // The second head alone is trained: the first's loss weight is 0.
      lossWeights: [0, 1],
      build: async (shapes: Partial<Record<string, number[]>>, classes: number) => {
        const input = tf.input({ shape: shapes['imu']! });
        const flat = tf.layers.flatten().apply(input) as import('@tensorflow/tfjs').SymbolicTensor;
        const first = tf.layers
          .dense({ units: classes, name: 'first' })
          .apply(flat) as import('@tensorflow/tfjs').SymbolicTensor;
        const second = tf.layers
          .dense({ units: classes, name: 'second' })
          .apply(flat) as import('@tensorflow/tfjs').SymbolicTensor;
        const model = tf.model({ inputs: input, outputs: [first, second] });
        heads.push({ first: kernel(model, 'first'), second: kernel(model, 'second') });
        return model;
      },
    };
    const options = { folds: 4, validationFolds: 0, seed: 2, train: { ...PAPER_TRAINING, epochs: 3, batchSize: 8 } };
    const result = await crossValidate(set, spec, ['a', 'b'], recipe, options);
    for (const f of result.folds) {
      assert.equal(f.subjects.validation, [], 'no validation group');
      assert.is(f.trainRows, 18, 'three subjects train');
      assert.is(f.testRows, 6);
    }
    assert.is(heads.length, 4);
    // One fold again, its weights read before the fold lets the model go.
    const plan = planFolds(set, ['a', 'b'], options)[0]!;
    let trained: { first: Float32Array; second: Float32Array } | undefined;
    await runFold(set, spec, ['a', 'b'], recipe, plan, options, undefined, async (model) => {
      trained = { first: kernel(model, 'first'), second: kernel(model, 'second') };
    });
    const built = heads[heads.length - 1]!;
    assert.equal(Array.from(trained!.first), Array.from(built.first), 'the head with loss weight 0 did not move');
    assert.not.equal(Array.from(trained!.second), Array.from(built.second), 'the head with loss weight 1 learnt');
  },
);

CrossValidation.run();
