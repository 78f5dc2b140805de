import { augmentSample, type AugmentConfigInput } from '../augment/augment-sample.ts';
import type { DatasetAdapter, SampleLoader, SampleRef } from '../core/dataset.ts';
import { errorMessage, isUserError, UserError } from '../core/errors.ts';
import { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import type { StreamKind } from '../core/stream.ts';
import { MODALITIES, type InputSet, type InputSpec } from './input-spec.ts';
import { emptyInputSet, prepareInputs, putSample } from './model-inputs.ts';

/** Augmented training copies: `copies` per sample, each through the augmentation chain `config`. */
export interface TrainingAugmentation {
  copies: number;
  config: AugmentConfigInput;
  seed: number;
}

/** A sample that could not be read: named, left out, and reported by the run. */
export interface SkippedSample {
  id: string;
  reason: string;
}

export interface BuildInputSetsOptions {
  augment?: TrainingAugmentation;
  /** Told as each sample is done (or skipped). */
  onSample?: () => void;
}

/**
 * The inputs of a data set's samples (`refs`, from its list()) for several input specs at once
 * (an ablation over key-frame methods or modalities), each sample loaded once; labels index
 * `adapter.classes`. Samples come through the adapter's loader where it has one (the synthetic
 * set's worker threads), else one at a time, and each is turned into inputs as it arrives, so no
 * more than a few decoded videos are held at once.
 *
 * Rows follow `refs`; with `augment`, each sample's copies follow (rows n + i x copies + c),
 * augmented on the whole sample (frames, pose and IMUs together, before key frames are chosen)
 * and marked in `augmentedFrom` so that cross-validation trains on them only when their original
 * is trained on. A sample that cannot be read (a UserError) is left out with its copies and named
 * in `skipped`; when none can be read, that is a UserError.
 */
export async function buildInputSets(
  adapter: DatasetAdapter,
  refs: readonly SampleRef[],
  specs: readonly InputSpec[],
  options: BuildInputSetsOptions = {},
): Promise<{ sets: InputSet[]; skipped: SkippedSample[] }> {
  for (const spec of specs) await prepareInputs(spec);
  const augment = options.augment;
  const copies = augment?.copies ?? 0;
  const n = refs.length;
  const sets = specs.map((spec) => emptyInputSet(spec, n * (1 + copies)));
  // Each copy's row points at its original's; originals are -1.
  const originOf = (r: number) => (r < n ? -1 : Math.floor((r - n) / copies));
  if (copies > 0)
    for (const set of sets) set.augmentedFrom = Int32Array.from({ length: n * (1 + copies) }, (_, r) => originOf(r));
  const unread = new Map<number, string>();
  const loader = adapter.openLoader?.(streamsRead(specs)) ?? oneAtATime(adapter);
  try {
    await Promise.all(
      refs.map(async (ref, i) => {
        let sample: Sample;
        try {
          sample = await loader.load(ref);
          specs.forEach((spec, k) => putSample(sets[k] as InputSet, i, sample, spec, adapter.classes));
        } catch (err) {
          if (!isUserError(err)) throw err;
          unread.set(i, errorMessage(err));
          options.onSample?.();
          return;
        }
        if (copies > 0) checkAugmentable(sample, adapter.name);
        for (let c = 0; c < copies; c++) {
          const copy = augmentSample(
            sample,
            augment?.config ?? {},
            new SeededRandom(augment?.seed ?? 0).fork(`augment/${sample.id}/${c}`),
          );
          specs.forEach((spec, k) =>
            putSample(
              sets[k] as InputSet,
              n + i * copies + c,
              { ...copy, id: `${sample.id}~aug${c + 1}` },
              spec,
              adapter.classes,
            ),
          );
        }
        options.onSample?.();
      }),
    );
  } finally {
    await loader.close();
  }
  const skipped = [...unread]
    .sort((a, b) => a[0] - b[0])
    .map(([i, reason]) => ({ id: (refs[i] as SampleRef).id, reason }));
  if (skipped.length === n)
    throw new UserError(`data set '${adapter.name}': no sample could be read`, skipped[0]?.reason);
  if (skipped.length === 0) return { sets, skipped };
  const kept = refs.map((_, i) => i).filter((i) => !unread.has(i));
  return { sets: sets.map((s) => keepSamples(s, kept, n, copies)), skipped };
}

/**
 * The stream kinds the specs read: frames for video, flow, backbone and depth maps; the pose too
 * where frames are cropped to the person.
 */
export function streamsRead(specs: readonly InputSpec[]): ReadonlySet<StreamKind> {
  const kinds = new Set<StreamKind>();
  for (const spec of specs) {
    if (spec.imu !== undefined) kinds.add('imu');
    if (
      spec.video !== undefined ||
      spec.flow !== undefined ||
      spec.backbone !== undefined ||
      spec.depthMaps !== undefined
    )
      kinds.add('video');
    if (spec.pose !== undefined || spec.video?.crop === 'person') kinds.add('pose');
  }
  return kinds;
}

/** A loader over `adapter.load`, one sample at a time in the order asked; after close, what is still queued is not loaded. */
function oneAtATime(adapter: DatasetAdapter): SampleLoader {
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    load(ref) {
      const next = queue.then(async () => {
        if (closed) throw new Error(`${adapter.name}: the loader is closed`);
        return adapter.load(ref);
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      closed = true;
    },
  };
}

/** Augmentation works on frames in memory; a video still on disk cannot be augmented. */
function checkAugmentable(sample: Sample, dataset: string): void {
  if (sample.streams.some((s) => s.kind === 'video' && s.decoded === undefined)) {
    throw new UserError(
      `augmented copies need decoded video, and data set '${dataset}' gives sample '${sample.id}' its video on disk`,
      'Set train.augment.copies to 0.',
    );
  }
}

/**
 * The set with only the samples `kept` (indices of the n originals, in order) and their copies:
 * originals first, then each kept original's copies, `augmentedFrom` pointing at the new rows.
 */
function keepSamples(set: InputSet, kept: readonly number[], n: number, copies: number): InputSet {
  const rows = [...kept, ...kept.flatMap((i) => Array.from({ length: copies }, (_, c) => n + i * copies + c))];
  const out: InputSet = {
    count: rows.length,
    ids: rows.map((r) => set.ids[r] as string),
    subjects: rows.map((r) => set.subjects[r] as string),
    labels: Int32Array.from(rows, (r) => set.labels[r] as number),
  };
  if (set.augmentedFrom !== undefined)
    out.augmentedFrom = Int32Array.from(rows, (_, j) =>
      j < kept.length ? -1 : Math.floor((j - kept.length) / copies),
    );
  for (const m of MODALITIES) {
    const arr = set[m];
    if (arr === undefined) continue;
    const per = arr.shape.reduce((a, b) => a * b, 1);
    const data = new (arr.data.constructor as Float32ArrayConstructor)(rows.length * per);
    rows.forEach((r, i) => data.set(arr.data.subarray(r * per, (r + 1) * per), i * per));
    (out as unknown as Record<string, unknown>)[m] = { data, shape: arr.shape };
  }
  return out;
}
