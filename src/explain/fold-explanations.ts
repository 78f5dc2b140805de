import type { AttributionRow } from './modality-attribution.ts';
import type { JumpPhase } from './jump-phase.ts';

// What one fold's explanations file holds (trials/<id>/explain-fold-<k>.json): written by the
// fold worker after training (src/experiments/explain-fold.ts), read by the report. Plain JSON.

export const EXPLANATIONS_FORMAT = 'motionfuse-explain/1';

/** A detected jump's metrics (the biomech detector's, as numbers), s, m, m/s, m/s^2. */
export interface JumpMetrics {
  takeoff: number;
  landing: number;
  flightTime: number;
  height: number;
  heightByVelocity?: number;
  takeoffVelocity?: number;
  contactTime?: number;
  rsi?: number;
  rsiMod?: number;
  peakLandingAcc: number;
}

/** A test sample of a focus class, as the fold's model saw it. */
export interface ExplainedSample {
  id: string;
  subject: string;
  /** Class indices into `classes`. */
  truth: number;
  predicted: number;
  /** The model's class probabilities, in class order. */
  probabilities: number[];
  /** The input window on the session clock, s (the IMU input's span, else the whole take). */
  window: [number, number];
  /** The jump phase the window covers; null where the sample has no ground-truth events or was not loaded. */
  phase: JumpPhase | null;
  /** Ground truth, where the data set has it. */
  truthEvents: { takeoff: number[]; landing: number[] };
  /** The jumps the detector finds in `jumpSensor`'s trace (empty: none found or no trace). */
  jumps: JumpMetrics[];
}

/** What the report draws for one miss. */
export interface MissDrillDown {
  id: string;
  /** The key-frame strip with Grad-CAM (PNG, in the fold's explain folder); absent: the model reads no video. */
  strip?: string;
  gradCamLayer?: string;
  /** Per attention-pooled modality: its weights over the sequence, and each step's mid time (s) where known. */
  attention: { modality: string; weights: number[]; times?: number[] }[];
  /** The detector's sensor: acceleration magnitude over the take (m/s^2), for the trace plot. */
  imu?: { placement: string; t: number[]; magnitude: number[] };
}

export interface FoldExplanations {
  format: typeof EXPLANATIONS_FORMAT;
  trialId: string;
  label: string;
  fold: number;
  classes: string[];
  modalities: string[];
  focusClasses: string[];
  jumpSensor: string;
  samples: ExplainedSample[];
  misses: MissDrillDown[];
  /** Each class's error with each modality removed (null: none removed), on every test sample of the fold. */
  attribution?: AttributionRow[];
  /** What could not be explained, and why. */
  notes: string[];
}
