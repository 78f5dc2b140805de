import type { FoldExplanations } from '../../src/explain/fold-explanations.ts';
import type { SectionFold } from '../../src/report/jumping-error-figures.ts';
import { classificationReport } from '../../src/train/metrics.ts';

// A tiny run's worth of what the jumping-error section reads: classes jump, hop, squat; the
// fused variant at two training shares and an IMU-only one; one fold of the fused one explained.

export const CLASSES = ['jump', 'hop', 'squat'];

const fold = (
  variant: string,
  f: number,
  fraction: number,
  modalities: string[],
  predicted: number[],
): SectionFold => ({
  variant,
  fold: f,
  trainFraction: fraction,
  modalities,
  // Truth: 4 jumps, 2 hops, 2 squats.
  report: classificationReport([0, 0, 0, 0, 1, 1, 2, 2], predicted, CLASSES),
});

/** fused fraction=1 misses 1 of 4 jumps in fold 0 (taken for hop) and none in fold 1; fraction=0.5 misses 2 and 1; imu-only 2 and 2. */
export function sectionFolds(): SectionFold[] {
  const fused = ['video', 'flow', 'imu'];
  return [
    fold('fused fraction=1', 0, 1, fused, [0, 0, 0, 1, 1, 0, 2, 2]),
    fold('fused fraction=1', 1, 1, fused, [0, 0, 0, 0, 1, 1, 2, 2]),
    fold('fused fraction=0.5', 0, 0.5, fused, [0, 0, 1, 2, 1, 1, 2, 2]),
    fold('fused fraction=0.5', 1, 0.5, fused, [0, 0, 0, 1, 1, 1, 2, 2]),
    fold('imu-only fraction=1', 0, 1, ['imu'], [0, 0, 1, 1, 1, 1, 2, 2]),
    fold('imu-only fraction=1', 1, 1, ['imu'], [2, 2, 0, 0, 1, 1, 2, 2]),
  ];
}

const jump = (takeoff: number, landing: number, height: number) => ({
  takeoff,
  landing,
  flightTime: landing - takeoff,
  height,
  peakLandingAcc: 40,
});

/** Fold 0 of 'fused fraction=1': jumps a-d (d missed, taken for hop), one hop. */
export function explanations(strip: string | undefined): FoldExplanations {
  const sample = (id: string, truth: number, predicted: number, phase: 'landing' | 'take-off' | 'none', h: number) => ({
    id,
    subject: 'S01',
    truth,
    predicted,
    probabilities: CLASSES.map((_, c) => (c === predicted ? 0.7 : 0.15)),
    window: [0, 1.5] as [number, number],
    phase,
    truthEvents: { takeoff: [1.0], landing: [1.45] },
    jumps: h > 0 ? [jump(1.01, 1.44, h)] : [],
  });
  return {
    format: 'motionfuse-explain/1',
    trialId: 'abc',
    label: 'fused fraction=1',
    fold: 0,
    classes: CLASSES,
    modalities: ['video', 'flow', 'imu'],
    focusClasses: ['jump'],
    jumpSensor: 'pelvis',
    samples: [
      sample('a', 0, 0, 'landing', 0.3),
      sample('b', 0, 0, 'landing', 0.2),
      sample('c', 0, 0, 'take-off', 0.25),
      sample('d', 0, 1, 'take-off', 0.1),
    ],
    misses: [
      {
        id: 'd',
        ...(strip === undefined ? {} : { strip }),
        attention: [
          { modality: 'video', weights: [0.5, 0.5] },
          { modality: 'imu', weights: [0.2, 0.3, 0.5], times: [0.25, 0.75, 1.25] },
        ],
        imu: { placement: 'pelvis', t: [0, 0.5, 1, 1.5, 2], magnitude: [9.8, 12, 1, 30, 9.8] },
      },
    ],
    attribution: [
      {
        removed: null,
        perClass: [
          { name: 'jump', support: 4, error: 0.25 },
          { name: 'hop', support: 2, error: 0 },
          { name: 'squat', support: 2, error: 0 },
        ],
      },
      {
        removed: 'video',
        perClass: [
          { name: 'jump', support: 4, error: 0.5 },
          { name: 'hop', support: 2, error: 0 },
          { name: 'squat', support: 2, error: 0 },
        ],
      },
      {
        removed: 'imu',
        perClass: [
          { name: 'jump', support: 4, error: 0.75 },
          { name: 'hop', support: 2, error: 0.5 },
          { name: 'squat', support: 2, error: 0 },
        ],
      },
    ],
    notes: [],
  };
}
