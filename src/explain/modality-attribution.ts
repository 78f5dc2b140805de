import * as tf from '@tensorflow/tfjs';
import type { InputSet, Modality } from '../inputs/input-spec.ts';
import type { InputPipeline } from '../train/batches.ts';
import { predictProbabilities } from '../train/fit.ts';
import { interceptLayerCall } from './intercept-layer.ts';

/** Each class's error (1 - recall) on the rows, with `removed` taken away (null: the whole model). */
export interface AttributionRow {
  removed: Modality | null;
  perClass: { name: string; support: number; error: number }[];
}

/**
 * Modality attribution: what each modality is worth to each class, as the class's test error
 * with that modality removed at test time beside its error with every modality. A modality is
 * removed the way the fusion network's modality dropout removes a sensor in training: its pooled
 * feature vector is zeroed where the vectors are concatenated (the layer `fuse`), so the
 * classifier sees what it was trained to cope with, not an input it never met (a zeroed image is
 * not a missing camera once standardised). `rows` are rows of `set`; the model is not changed.
 * Only joint-fusion networks of two or more modalities have the layer; others throw.
 */
export async function modalityAttribution(
  model: tf.LayersModel,
  set: InputSet,
  rows: readonly number[],
  pipeline: InputPipeline,
  classes: readonly string[],
): Promise<AttributionRow[]> {
  const fuse = model.layers.find((l) => l.name === 'fuse');
  if (fuse === undefined)
    throw new Error("modalityAttribution(): the model has no 'fuse' layer (a joint-fusion network of 2+ modalities)");
  const sources = fuseSources(fuse);
  const truth = rows.map((r) => set.labels[r] as number);
  const rowsFor = async (removed: Modality | null): Promise<AttributionRow> => {
    const probs = await interceptLayerCall(
      fuse,
      (original) => (x, kwargs) =>
        original(
          (x as tf.Tensor[]).map((t, i) => (sources[i] === removed ? tf.zerosLike(t) : t)),
          kwargs,
        ),
      () => predictProbabilities(model, set, rows, pipeline),
    );
    return { removed, perClass: classErrors(probs, truth, classes) };
  };
  const out = [await rowsFor(null)];
  for (const m of pipeline.modalities) {
    if (!sources.includes(m)) throw new Error(`modalityAttribution(): no input of 'fuse' comes from ${m}`);
    out.push(await rowsFor(m));
  }
  return out;
}

/** The modality (model input name) each input of the `fuse` layer is computed from. */
function fuseSources(fuse: tf.layers.Layer): (string | undefined)[] {
  const node = fuse.inboundNodes[0];
  if (node === undefined) throw new Error("modalityAttribution(): 'fuse' is not connected");
  return node.inboundLayers.map((layer) => {
    const found = new Set<string>();
    const walk = (l: tf.layers.Layer) => {
      if (l.getClassName() === 'InputLayer') found.add(l.name);
      for (const n of l.inboundNodes) for (const up of n.inboundLayers) walk(up);
    };
    walk(layer);
    return found.size === 1 ? [...found][0] : undefined;
  });
}

function classErrors(probs: Float32Array, truth: readonly number[], classes: readonly string[]) {
  const k = classes.length;
  const support = new Array<number>(k).fill(0);
  const hits = new Array<number>(k).fill(0);
  truth.forEach((t, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + best] as number)) best = c;
    support[t] = (support[t] as number) + 1;
    if (best === t) hits[t] = (hits[t] as number) + 1;
  });
  return classes.map((name, c) => ({
    name,
    support: support[c] as number,
    error: (support[c] as number) === 0 ? Number.NaN : 1 - (hits[c] as number) / (support[c] as number),
  }));
}
