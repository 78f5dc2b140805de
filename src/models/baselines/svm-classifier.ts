import { createRequire } from 'node:module';
import { handCraftedFeatures } from '../../inputs/hand-features.ts';
import type { InputSet } from '../../inputs/input-spec.ts';

/** libsvm (its asm.js build: the WASM one announces a failed streaming compile on every load in Node). */
interface LibSvm {
  train(samples: number[][], labels: number[]): void;
  predict(samples: number[][]): number[];
  free(): void;
}
interface LibSvmModule {
  new (options: Record<string, unknown>): LibSvm;
  KERNEL_TYPES: { RBF: number };
  SVM_TYPES: { C_SVC: number };
}
const SVM = createRequire(import.meta.url)('libsvm-js/asm') as LibSvmModule;

export interface SvmOptions {
  /** C of the C-SVC. */
  cost: number;
  /** RBF gamma; default 1 / number of features (libsvm's own default). */
  gamma?: number;
}

/**
 * The classical baseline: an RBF-kernel support vector machine (libsvm) on hand-crafted IMU and
 * video-motion features, standardised with statistics from the training rows only. Returns the
 * predicted class of each test row.
 */
export function svmFitPredict(
  set: InputSet,
  train: readonly number[],
  test: readonly number[],
  options: SvmOptions = { cost: 10 },
): number[] {
  const trainX = train.map((r) => handCraftedFeatures(set, r));
  const testX = test.map((r) => handCraftedFeatures(set, r));
  const width = trainX[0]?.length ?? 0;
  const mu = Array.from({ length: width }, (_, j) => trainX.reduce((s, x) => s + (x[j] as number), 0) / trainX.length);
  const sd = Array.from(
    { length: width },
    (_, j) =>
      Math.sqrt(trainX.reduce((s, x) => s + ((x[j] as number) - (mu[j] as number)) ** 2, 0) / trainX.length) || 1,
  );
  const scale = (x: number[]) => x.map((v, j) => (v - (mu[j] as number)) / (sd[j] as number));
  const svm = new SVM({
    kernel: SVM.KERNEL_TYPES.RBF,
    type: SVM.SVM_TYPES.C_SVC,
    cost: options.cost,
    gamma: options.gamma ?? 1 / Math.max(1, width),
    quiet: true,
  });
  try {
    svm.train(
      trainX.map(scale),
      train.map((r) => set.labels[r] as number),
    );
    return svm.predict(testX.map(scale));
  } finally {
    svm.free();
  }
}
