import * as tf from '@tensorflow/tfjs';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getFloat16Decoder } from '@tensorflow/tfjs-core/dist/io/io_utils.js';
import { modelArtifacts, writeExportedModel } from '../../src/deploy/model-artifacts.ts';
import { loadTrainedModel } from '../../src/train/model-store.ts';
import { imuInput } from '../../src/inputs/imu-input.ts';
import { inputTensors } from '../../src/train/batches.ts';
import { savedTinyModel, TINY_SPEC, wristTake } from './tiny-imu-model.ts';

const Export = suite('writeExportedModel');

interface Manifest {
  weightsManifest: {
    weights: { name: string; shape: number[]; quantization?: { dtype: string; scale?: number; min?: number } }[];
  }[];
}

const saved = await savedTinyModel();
const original = await modelArtifacts(saved.trained.model);
const out = mkdtempSync(join(tmpdir(), 'mf-export-'));
const variants = {
  float32: await writeExportedModel(join(out, 'float32'), original, 'float32', saved.dir),
  int8: await writeExportedModel(join(out, 'int8'), original, 'int8', saved.dir),
  float16: await writeExportedModel(join(out, 'float16'), original, 'float16', saved.dir),
};

/** Each weight's values as tf.loadLayersModel gave them, by manifest name (save order). */
async function loadedWeights(dir: string): Promise<Map<string, Float32Array>> {
  const trained = await loadTrainedModel(dir);
  const back = await modelArtifacts(trained.model);
  trained.model.dispose();
  return new Map(back.weights.map((w) => [w.spec.name, w.values]));
}

Export('int8 is at most 30 % of float32 on disk, and float16 about half', () => {
  const f32 = variants.float32.size.bytes;
  assert.ok(variants.int8.size.bytes <= 0.3 * f32, `int8 ${variants.int8.size.bytes} of ${f32}`);
  assert.ok(variants.float16.size.bytes <= 0.55 * f32, `float16 ${variants.float16.size.bytes} of ${f32}`);
});

Export('uint8 weights load back exactly as q x scale + min (float32)', async () => {
  const manifest = JSON.parse(readFileSync(join(out, 'int8', 'model.json'), 'utf8')) as Manifest;
  const bytes = readFileSync(join(out, 'int8', 'weights.bin'));
  const loaded = await loadedWeights(join(out, 'int8'));
  let offset = 0;
  let checked = 0;
  for (const w of manifest.weightsManifest[0]!.weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const q = w.quantization!;
    if (q.dtype === 'uint8') {
      const values = loaded.get(w.name)!;
      for (let i = 0; i < n; i++) assert.is(values[i], Math.fround(bytes[offset + i]! * q.scale! + q.min!));
      checked++;
      offset += n;
    } else {
      assert.is(q.dtype, 'float16', `${w.name}: a vector is stored as float16`);
      assert.is(w.shape.length, 1);
      offset += 2 * n;
    }
  }
  assert.is(offset, bytes.length);
  assert.ok(checked >= 4, `${checked} uint8 kernels`);
});

Export('float16 weights load back as the half floats written, and within 2^-11 of float32', async () => {
  const manifest = JSON.parse(readFileSync(join(out, 'float16', 'model.json'), 'utf8')) as Manifest;
  const bytes = readFileSync(join(out, 'float16', 'weights.bin'));
  const halves = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const decoded = getFloat16Decoder()(halves);
  const loaded = await loadedWeights(join(out, 'float16'));
  const source = new Map(original.weights.map((w) => [w.spec.name, w.values]));
  let offset = 0;
  for (const w of manifest.weightsManifest[0]!.weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const values = loaded.get(w.name)!;
    const f32 = source.get(w.name)!;
    for (let i = 0; i < n; i++) {
      assert.is(values[i], decoded[offset + i]);
      if (Math.abs(f32[i]!) > 2 ** -14) assert.ok(Math.abs(values[i]! - f32[i]!) <= Math.abs(f32[i]!) * 2 ** -11);
    }
    offset += n;
  }
});

Export('float32 round-trips bit for bit; int8 predicts the same classes as float32 nearly always', async () => {
  const probs = async (dir: string) => {
    const trained = await loadTrainedModel(dir);
    const takes = Array.from({ length: 40 }, (_, i) => wristTake(`t${i}`, i * 0.77));
    const data = new Float32Array(takes.flatMap((t) => Array.from(imuInput(t, TINY_SPEC.imu!))));
    const set = {
      imu: { data, shape: [25, 7] },
      labels: new Int32Array(40),
      ids: takes.map((t) => t.id),
      subjects: takes.map((t) => t.id),
      count: 40,
    };
    const xs = inputTensors(
      set,
      takes.map((_, i) => i),
      trained.pipeline,
    );
    const p = tf.tidy(() => tf.softmax(trained.model.predict(xs) as tf.Tensor));
    const values = p.arraySync() as number[][];
    tf.dispose([...xs, p]);
    trained.model.dispose();
    return values;
  };
  const f32 = await probs(join(out, 'float32'));
  const reference = await probs(saved.dir);
  assert.equal(f32, reference);
  const int8 = await probs(join(out, 'int8'));
  const argmax = (row: number[]) => row.indexOf(Math.max(...row));
  const same = f32.filter((row, i) => argmax(row) === argmax(int8[i]!)).length;
  assert.ok(same >= 36, `${same} of 40 the same class`);
});

Export('leaks no tensor', async () => {
  const before = tf.memory().numTensors;
  await modelArtifacts(saved.trained.model);
  assert.is(tf.memory().numTensors, before);
});

Export.run();
