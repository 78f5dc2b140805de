import { z } from 'zod';
import { modelEntry, type ModelEntry } from '../model-entry.ts';

/**
 * The source paper's classical baseline as a model an experiment can name; `cost` is the SVM's C.
 * The classifier (libsvm) is loaded when the SVM is fitted, not with the experiment schema.
 */
export const SVM_ENTRY: ModelEntry = modelEntry({
  type: 'svm',
  describe: 'RBF SVM on hand-crafted IMU and key-frame motion features',
  options: z.strictObject({
    cost: z.number().positive().default(10),
    use: z
      .array(z.enum(['imu', 'video']))
      .min(1)
      .refine((l) => new Set(l).size === l.length, { message: 'lists one twice' })
      .optional()
      .describe(
        'the modalities whose features it reads (default imu and video; imu alone for a data set without video, such as SisFall)',
      ),
  }),
  build: ({ cost, use }) => ({
    kind: 'classic',
    name: 'svm',
    // No default in the schema: a spec without `use` resolves (and hashes into trial ids) as before.
    modalities: use === undefined ? ['imu', 'video'] : [...use],
    fitPredict: async (set, train, test) =>
      (await import('./svm-classifier.ts')).svmFitPredict(set, train, test, { cost }),
  }),
});
