import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { locateMoveNet } from '../pose/locate-movenet.ts';

/**
 * A frozen pretrained image network used as a feature extractor: each key frame goes through it
 * once and a late (penultimate) layer's activations, average-pooled to a small grid, are the
 * frame's features. Never trained here, so features can be computed once per clip and cached.
 *
 * Sources:
 * - 'movenet-lightning': Google's MoveNet SinglePose Lightning (MobileNetV2 + FPN, trained for
 *   human pose), as shipped inside the `@vladmandic/human` npm package (models/, MIT): no
 *   download. Its features are the FPN's output, [48, 48, 24] at 192 px, just before the
 *   keypoint heads: body-part-aware maps.
 * - a path to a model.json in TensorFlow.js format (a user's converted ResNet-50, say): a graph
 *   model gives `node`'s activations (default: its output, as a model converted without its
 *   classifier gives its pooled features); a layers model gives its penultimate layer.
 */
export interface BackboneSpec {
  /** 'movenet-lightning' or the path of a model.json. */
  model: string;
  /** Graph models: the node whose activations are the features (default: see above). */
  node?: string;
  /** Square input size in pixels (default: from the model's input shape). */
  inputSize?: number;
  /** What the model expects of its pixels: int32 0-255, float 0-1, or float -1 to 1 (default: int32 for MoveNet, float 0-1 otherwise). */
  pixels?: 'int32' | 'unit' | 'signed';
  /** Spatial feature maps are average-pooled to grid x grid cells (default 4); vectors pass as they are. */
  grid?: number;
}

export interface Backbone {
  /** Identifies the weights, the node and the preprocessing: part of every cache key. */
  id: string;
  inputSize: number;
  featureSize: number;
  /** Features of `count` RGB frames of inputSize x inputSize: [count x featureSize]. */
  features(frames: Uint8Array, count: number): Float32Array;
  dispose(): void;
}

const MOVENET = {
  node: 'StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/re_lu_2/Relu',
  pixels: 'int32' as const,
};

interface ModelFile {
  path: string;
  json: {
    format?: string;
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  weights: Buffer;
}

async function readModelFile(path: string): Promise<ModelFile> {
  let json: ModelFile['json'];
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as ModelFile['json'];
  } catch (err) {
    throw new UserError(
      `cannot read the backbone model ${path}: ${err instanceof Error ? err.message : String(err)}`,
      'Give the path of a model.json in TensorFlow.js format (tensorflowjs_converter writes one), or movenet-lightning.',
      { cause: err },
    );
  }
  if (!Array.isArray(json.weightsManifest))
    throw new UserError(`${path} is not a TensorFlow.js model.json: it has no weightsManifest`);
  const parts = await Promise.all(
    json.weightsManifest
      .flatMap((g) => g.paths)
      .map(async (p) => {
        try {
          return await readFile(join(dirname(path), p));
        } catch (err) {
          throw new UserError(
            `the backbone model ${path} lists the weights file ${p}, which cannot be read: ${err instanceof Error ? err.message : String(err)}`,
            undefined,
            { cause: err },
          );
        }
      }),
  );
  return { path, json, weights: Buffer.concat(parts) };
}

export async function loadBackbone(spec: BackboneSpec): Promise<Backbone> {
  const movenet = spec.model === 'movenet-lightning';
  const file = await readModelFile(movenet ? locateMoveNet() : resolve(spec.model));
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: file.json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: file.json.weightsManifest.flatMap((g) => g.weights),
    weightData: file.weights.buffer.slice(
      file.weights.byteOffset,
      file.weights.byteOffset + file.weights.byteLength,
    ) as ArrayBuffer,
  };
  const pixels = spec.pixels ?? (movenet ? MOVENET.pixels : 'unit');
  const grid = spec.grid ?? 4;
  let run: (x: tf.Tensor4D) => tf.Tensor;
  let inputShape: (number | null)[];
  let dispose: () => void;
  let node: string;
  if (file.json.format === 'layers-model') {
    const full = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const penultimate = full.layers[full.layers.length - 2];
    if (penultimate === undefined)
      throw new UserError(`${file.path}: a layers model needs two or more layers to take the penultimate one`);
    node = penultimate.name;
    const truncated = tf.model({ inputs: full.inputs, outputs: penultimate.output as tf.SymbolicTensor });
    run = (x) => truncated.predict(x) as tf.Tensor;
    inputShape = full.inputs[0]?.shape ?? [];
    dispose = () => full.dispose();
  } else {
    const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    node = spec.node ?? (movenet ? MOVENET.node : (graph.outputNodes[0] as string));
    const known = node;
    run = (x) => {
      try {
        return graph.execute(x, known) as tf.Tensor;
      } catch (err) {
        throw new UserError(
          `the backbone ${file.path} cannot give node '${known}': ${err instanceof Error ? err.message : String(err)}`,
          'backbone.node must name a node of the graph (see its model.json).',
          { cause: err },
        );
      }
    };
    inputShape = graph.inputs[0]?.shape ?? [];
    dispose = () => graph.dispose();
  }
  const inputSize = spec.inputSize ?? (typeof inputShape[1] === 'number' ? inputShape[1] : undefined);
  if (inputSize === undefined) throw new UserError(`${file.path}: its input size is not fixed; set backbone.inputSize`);
  // Graph models converted with a fixed batch of 1 (MoveNet's is) run a frame at a time.
  const batchOfOne = inputShape[0] === 1;

  const toInput = (frames: tf.Tensor4D): tf.Tensor4D =>
    pixels === 'int32'
      ? tf.cast(frames, 'int32')
      : pixels === 'unit'
        ? tf.div(tf.cast(frames, 'float32'), 255)
        : tf.sub(tf.div(tf.cast(frames, 'float32'), 127.5), 1);
  const pool = (y: tf.Tensor): tf.Tensor2D => {
    if (y.rank === 2) return y as tf.Tensor2D;
    if (y.rank !== 4)
      throw new UserError(
        `the backbone's node '${node}' gives rank-${y.rank} activations; a frame's features must be a vector or a [h, w, c] map`,
      );
    const [n, h, w, c] = y.shape as [number, number, number, number];
    const g = Math.min(grid, h, w);
    // Average-pool to g x g cells (the last cells take the remainder), then flatten.
    const pooled = tf
      .avgPool(
        y as tf.Tensor4D,
        [Math.floor(h / g), Math.floor(w / g)],
        [Math.floor(h / g), Math.floor(w / g)],
        'valid',
      )
      .slice([0, 0, 0, 0], [n, g, g, c]);
    return tf.reshape(pooled, [n, g * g * c]);
  };
  const extract = (frames: Uint8Array, count: number): Float32Array =>
    tf.tidy(() => {
      const x = toInput(tf.tensor4d(frames, [count, inputSize, inputSize, 3], 'int32'));
      const rows = batchOfOne
        ? Array.from({ length: count }, (_, i) => pool(run(tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D)))
        : [pool(run(x))];
      return (rows.length === 1 ? (rows[0] as tf.Tensor2D) : tf.concat(rows, 0)).dataSync() as Float32Array;
    });
  const probe = extract(new Uint8Array(inputSize * inputSize * 3), 1);
  const id = createHash('sha256')
    .update(file.weights)
    .update(
      JSON.stringify({
        node,
        inputSize,
        pixels,
        grid,
        topology: createHash('sha256').update(JSON.stringify(file.json.modelTopology)).digest('hex'),
      }),
    )
    .digest('hex')
    .slice(0, 32);
  return { id, inputSize, featureSize: probe.length, features: extract, dispose };
}
