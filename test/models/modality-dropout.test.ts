import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { ModalityDropout } from '../../src/models/layers/modality-dropout.ts';

/** Modality dropout: in training a sample loses at most one whole segment, at the stated rate; at inference nothing. */
const Dropout = suite('modality dropout');
Dropout.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

const n = 4000;
const widths = [3, 2];
const ones = () => tf.ones([n, 5]);

/** Per row: -1 if kept whole, else the segment that was zeroed; fails on anything else. */
function droppedSegments(out: Float32Array): number[] {
  return Array.from({ length: n }, (_, r) => {
    const row = Array.from(out.subarray(r * 5, r * 5 + 5));
    if (row.every((v) => v === 1)) return -1;
    if (row.join() === '0,0,0,1,1') return 0;
    if (row.join() === '1,1,1,0,0') return 1;
    throw new Error(`row ${r} is [${row.join(', ')}]: not one whole segment dropped`);
  });
}

Dropout('training: one whole segment dropped per affected sample, each about rate / segments of the time', () => {
  const layer = new ModalityDropout({ widths, rate: 0.4, seed: 3 });
  const x = ones();
  const out = layer.apply(x, { training: true }) as tf.Tensor;
  const dropped = droppedSegments(out.dataSync() as Float32Array);
  const share = (k: number) => dropped.filter((d) => d === k).length / n;
  assert.ok(Math.abs(share(-1) - 0.6) < 0.03, `kept whole ${share(-1)}`);
  assert.ok(Math.abs(share(0) - 0.2) < 0.03, `first segment dropped ${share(0)}`);
  assert.ok(Math.abs(share(1) - 0.2) < 0.03, `second segment dropped ${share(1)}`);
  tf.dispose([x, out]);
});

Dropout('inference is the identity', () => {
  const layer = new ModalityDropout({ widths, rate: 0.9, seed: 3 });
  const x = tf.randomNormal([50, 5], 0, 1, 'float32', 1);
  const out = layer.apply(x) as tf.Tensor;
  assert.equal(Array.from(out.dataSync()), Array.from(x.dataSync()));
  tf.dispose([x, out]);
});

Dropout('the mask changes from call to call, and the same seed repeats the sequence', () => {
  const masks = (seed: number) => {
    const layer = new ModalityDropout({ widths, rate: 0.5, seed });
    return [0, 1].map(() => {
      const x = ones();
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      const d = droppedSegments(out.dataSync() as Float32Array).join();
      tf.dispose([x, out]);
      return d;
    });
  };
  const a = masks(11);
  assert.is.not(a[0], a[1], 'a new mask each batch');
  assert.equal(masks(11), a, 'same seed, same masks');
  assert.is.not(masks(12)[0], a[0], 'another seed, other masks');
});

Dropout('bad widths or rate are refused', () => {
  assert.throws(() => new ModalityDropout({ widths: [4], rate: 0.2, seed: 1 }), /two or more/);
  assert.throws(() => new ModalityDropout({ widths: [4, 2], rate: 1, seed: 1 }), /rate/);
});

Dropout.run();
