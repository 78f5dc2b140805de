import type { Stream } from './stream.ts';

/**
 * A ground-truth event of a take, where the source knows it: take-off and landing times, a
 * jump's height, the true camera-sensor clock offset. `t` is on the session clock (s); `value`
 * with its `unit` carries a measured quantity (e.g. name 'jump-height', value 0.41, unit 'm').
 */
export interface SampleEvent {
  name: string;
  t?: number;
  value?: number;
  unit?: string;
}

/** One labelled take or window: what a data set yields and a model consumes. */
export interface Sample {
  /** Unique within its data set; stable across runs (used for caching and for predictions files). */
  id: string;
  label: string;
  /** Who performed it, where known: splits by subject use this to keep a person out of both sides. */
  subject?: string;
  streams: Stream[];
  events?: SampleEvent[];
  meta: Record<string, unknown>;
}
