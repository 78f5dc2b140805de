import { z } from 'zod';
import { modelEntry, type ModelEntry } from '../model-entry.ts';

/**
 * The source paper's classical baseline as a model an experiment can name; `cost` is the SVM's C.
 * The classifier (libsvm) is loaded when the SVM is fitted, not with the experiment schema.
 */
export const SVM_ENTRY: ModelEntry = modelEntry({
  type: 'svm',
  describe: 'RBF SVM on hand-crafted IMU and key-frame motion features',
  options: z.strictObject({ cost: z.number().positive().default(10) }),
  build: ({ cost }) => ({
    kind: 'classic',
    name: 'svm',
    modalities: ['imu', 'video'],
    fitPredict: async (set, train, test) =>
      (await import('./svm-classifier.ts')).svmFitPredict(set, train, test, { cost }),
  }),
});
