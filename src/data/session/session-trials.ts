import type { TimedMarker } from './read-session.ts';

/** A labelled trial of a session, on the session clock (seconds from its start). */
export interface SessionTrial {
  /** 1, 2, ... in order of their start. */
  index: number;
  label: string;
  /** From the trial-start marker, where it names one. */
  subject?: string;
  start: number;
  stop: number;
  /** How it ended: its own trial-stop, the next trial-start, or the end of the recording. */
  endedBy: 'stop' | 'next-start' | 'end';
}

export interface SessionNote {
  t: number;
  text: string;
}

export interface SessionTrials {
  trials: SessionTrial[];
  notes: SessionNote[];
  warnings: string[];
}

/**
 * The labelled trials and notes of a session's markers (in time order). A trial runs from a
 * `trial-start` to the next `trial-stop` or `trial-start` (keys 1-9 switch trials so); one left
 * open at `end` (the end of the recording) ends there, with a warning. A `trial-stop` with no trial open is
 * reported and ignored.
 */
export function sessionTrials(markers: readonly TimedMarker[], end: number): SessionTrials {
  const trials: SessionTrial[] = [];
  const notes: SessionNote[] = [];
  const warnings: string[] = [];
  const sorted = [...markers].sort((a, b) => a.t - b.t);
  let open: { t: number; label: string; subject?: string } | null = null;
  const close = (stop: number, endedBy: SessionTrial['endedBy']) => {
    if (open === null) return;
    const trial: SessionTrial = { index: trials.length + 1, label: open.label, start: open.t, stop, endedBy };
    if (open.subject !== undefined) trial.subject = open.subject;
    trials.push(trial);
    // A start that ends the running trial is the layout's way to switch trials (keys 1-9): no warning.
    if (endedBy === 'end')
      warnings.push(
        `trial ${trial.index} '${trial.label}' (from ${open.t.toFixed(3)} s) has no trial-stop; it ends at the end of the recording, ${stop.toFixed(3)} s`,
      );
    open = null;
  };
  for (const { t, marker } of sorted) {
    if (marker.event === 'trial-start') {
      close(t, 'next-start');
      open = { t, label: String(marker.label) };
      if (typeof marker.subject === 'string') open.subject = marker.subject;
    } else if (marker.event === 'trial-stop') {
      if (open === null) warnings.push(`a trial-stop at ${t.toFixed(3)} s with no trial open; ignored`);
      close(t, 'stop');
    } else if (marker.event === 'note') {
      notes.push({ t, text: String(marker.text) });
    } else {
      warnings.push(`an unknown marker at ${t.toFixed(3)} s: ${JSON.stringify(marker)}; ignored`);
    }
  }
  const last = open as { t: number } | null;
  if (last !== null) close(Math.max(end, last.t), 'end');
  return { trials, notes, warnings };
}
