import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../core/random.ts';
import { inputTensors, labelTensor, type InputPipeline } from './batches.ts';
import type { InputSet } from '../inputs/input-spec.ts';
import type { TrainOptions } from './paper-training.ts';
import { adamOptimizer } from './fused-adam.ts';
import { meanSoftmaxCrossEntropy } from './softmax-cross-entropy.ts';

export interface EpochRecord {
  epoch: number;
  learningRate: number;
  loss: number;
  valLoss: number | undefined;
  valAccuracy: number | undefined;
}

export interface TrainResult {
  history: EpochRecord[];
  /** The epoch whose weights the model holds at the end (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
}

/** The step-decay schedule: epoch is 0-based. */
export function learningRateAt(
  epoch: number,
  o: Pick<TrainOptions, 'learningRate' | 'decayEvery' | 'decayFactor'>,
): number {
  return o.learningRate * o.decayFactor ** Math.floor(epoch / o.decayEvery);
}

export async function trainModel(
  model: tf.LayersModel,
  set: InputSet,
  rows: { train: readonly number[]; validation: readonly number[] },
  pipeline: InputPipeline,
  classes: number,
  options: TrainOptions,
  onEpoch?: (record: EpochRecord) => void,
): Promise<TrainResult> {
  if (rows.train.length === 0) throw new Error('trainModel(): no training rows');
  const optimizer = adamOptimizer(options.learningRate);
  const rng = new SeededRandom(options.seed).fork('batches');
  // Its own stream, so that batches are drawn as without augmentation.
  const augmentRng = new SeededRandom(options.seed).fork('batch-augment');
  const weights = classWeightTensor(set, rows.train, classes, options.classWeights);
  const history: EpochRecord[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, weights: undefined as tf.Tensor[] | undefined };
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const learningRate = learningRateAt(epoch, options);
      // Adam reads its rate at every step; the field is protected in the typings only.
      (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
      const order = rng.shuffle(rows.train);
      let lossSum = 0;
      for (let b = 0; b < order.length; b += options.batchSize) {
        const batch = order.slice(b, b + options.batchSize);
        const xs = inputTensors(set, batch, pipeline, augmentRng);
        const ys = labelTensor(set, batch, classes);
        const loss = optimizer.minimize(
          () => outputsLoss(ys, model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[], weights, options),
          true,
        ) as tf.Scalar;
        lossSum += ((await loss.data())[0] as number) * batch.length;
        tf.dispose([...xs, ys, loss]);
      }
      const record: EpochRecord = {
        epoch: epoch + 1,
        learningRate,
        loss: lossSum / order.length,
        valLoss: undefined,
        valAccuracy: undefined,
      };
      if (rows.validation.length > 0) {
        const v = await evaluateLoss(model, set, rows.validation, pipeline, classes);
        record.valLoss = v.loss;
        record.valAccuracy = v.accuracy;
      }
      history.push(record);
      onEpoch?.(record);
      const monitored = record.valLoss ?? record.loss;
      if (monitored < best.loss) {
        tf.dispose(best.weights ?? []);
        best = { loss: monitored, epoch: epoch + 1, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch + 1 - best.epoch >= options.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.weights !== undefined) model.setWeights(best.weights);
    return { history, bestEpoch: best.epoch, stoppedEarly };
  } finally {
    tf.dispose(best.weights ?? []);
    weights?.dispose();
    optimizer.dispose();
  }
}

/**
 * The training loss: the cross-entropy of the one output, or with several outputs (auxiliary or
 * late-fusion heads) the sum of each output's times its weight in `lossWeights`.
 */
function outputsLoss(
  labels: tf.Tensor2D,
  outputs: tf.Tensor | tf.Tensor[],
  classWeights: tf.Tensor1D | undefined,
  options: Pick<TrainOptions, 'lossWeights'>,
): tf.Scalar {
  if (!Array.isArray(outputs)) return weightedCrossEntropy(labels, outputs, classWeights);
  const lossWeights = options.lossWeights;
  if (lossWeights === undefined || lossWeights.length !== outputs.length)
    throw new Error(`trainModel(): the model has ${outputs.length} outputs; lossWeights must give one weight each`);
  const terms = outputs.flatMap((out, i) =>
    (lossWeights[i] as number) > 0
      ? [tf.mul(weightedCrossEntropy(labels, out, classWeights), lossWeights[i] as number) as tf.Scalar]
      : [],
  );
  return tf.addN(terms) as tf.Scalar;
}

/** Mean cross-entropy of softmax(logits), each sample weighted by its class's weight when given. */
function weightedCrossEntropy(
  labels: tf.Tensor2D,
  logits: tf.Tensor,
  classWeights: tf.Tensor1D | undefined,
): tf.Scalar {
  if (classWeights === undefined) return meanSoftmaxCrossEntropy(labels, logits);
  const perSample = tf.losses.softmaxCrossEntropy(labels, logits, undefined, undefined, tf.Reduction.NONE);
  const w = tf.sum(tf.mul(labels, classWeights), 1);
  return tf.div(tf.sum(tf.mul(perSample, w)), tf.sum(w)) as tf.Scalar;
}

function classWeightTensor(
  set: InputSet,
  rows: readonly number[],
  classes: number,
  kind: TrainOptions['classWeights'],
): tf.Tensor1D | undefined {
  if (kind === 'none') return undefined;
  const counts = new Array<number>(classes).fill(0);
  for (const r of rows) counts[set.labels[r] as number] = (counts[set.labels[r] as number] as number) + 1;
  return tf.tensor1d(counts.map((c) => (c === 0 ? 0 : rows.length / (classes * c))));
}

/**
 * Class probabilities for `rows` (inference mode), [rows x classes] row-major: of the prediction
 * (the first output), or of output `output` of a network with several (a late-fusion head).
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  set: InputSet,
  rows: readonly number[],
  pipeline: InputPipeline,
  batchSize = 64,
  output = 0,
): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let b = 0; b < rows.length; b += batchSize) {
    const xs = inputTensors(set, rows.slice(b, b + batchSize), pipeline);
    // With several outputs, the first is the prediction (the others are training heads).
    const probs = tf.tidy(() => {
      const out = model.predict(xs) as tf.Tensor | tf.Tensor[];
      if (!Array.isArray(out) && output > 0)
        throw new Error(`predictProbabilities(): the model has no output ${output}`);
      return tf.softmax(Array.isArray(out) ? (out[output] as tf.Tensor) : out);
    });
    parts.push((await probs.data()) as Float32Array);
    tf.dispose([...xs, probs]);
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function evaluateLoss(
  model: tf.LayersModel,
  set: InputSet,
  rows: readonly number[],
  pipeline: InputPipeline,
  classes: number,
): Promise<{ loss: number; accuracy: number }> {
  const probs = await predictProbabilities(model, set, rows, pipeline);
  let loss = 0;
  let correct = 0;
  rows.forEach((r, i) => {
    const label = set.labels[r] as number;
    loss -= Math.log(Math.max(1e-12, probs[i * classes + label] as number));
    let arg = 0;
    for (let c = 1; c < classes; c++)
      if ((probs[i * classes + c] as number) > (probs[i * classes + arg] as number)) arg = c;
    if (arg === label) correct++;
  });
  return { loss: loss / rows.length, accuracy: correct / rows.length };
}
