import type { SessionData, SessionGap } from './read-session.ts';
import { sessionTrials, type SessionNote, type SessionTrial } from './session-trials.ts';

export interface StreamSummary {
  name: string;
  kind: SessionData['streams'][number]['kind'];
  samples: number;
  /** First and last time stamp on the session clock; null for an empty stream. */
  first: number | null;
  last: number | null;
  /** (samples - 1) / (last - first); null with fewer than two samples. */
  effectiveRate: number | null;
  nominalRate: number;
  gaps: SessionGap[];
  samplesLost: number;
  /** Seconds of the longest closed gap; null without one. */
  longestGap: number | null;
  /** IMU streams: the device clock against the host clock, per segment between resets. */
  clock?: {
    segments: number;
    driftPpm: number | null;
    /** Session time - device time (s) at the middle of the longest segment's offsets. */
    offset: number | null;
    spread: number | null;
  };
}

export interface SessionSummary {
  id: string;
  subject?: string;
  startedAt: string;
  duration: number;
  stop: 'clean' | 'crash';
  streams: StreamSummary[];
  trials: SessionTrial[];
  notes: SessionNote[];
  warnings: string[];
}

/** What `motionfuse session info` shows: per stream its counts, span, rate, gaps and clock; the trials and notes. */
export function summariseSession(session: SessionData): SessionSummary {
  const { trials, notes, warnings } = sessionTrials(session.markers, session.duration);
  const streams = session.streams.map((s): StreamSummary => {
    const n = s.t.length;
    const first = n > 0 ? (s.t[0] as number) : null;
    const last = n > 0 ? (s.t[n - 1] as number) : null;
    const closed = s.gaps.filter((g) => g.to !== null).map((g) => (g.to as number) - g.from);
    const out: StreamSummary = {
      name: s.name,
      kind: s.kind,
      samples: n,
      first,
      last,
      effectiveRate: n > 1 && last! > first! ? (n - 1) / (last! - first!) : null,
      nominalRate: s.rate,
      gaps: s.gaps,
      samplesLost: s.gaps.reduce((sum, g) => sum + (g.samplesLost ?? 0), 0),
      longestGap: closed.length > 0 ? Math.max(...closed) : null,
    };
    if (s.kind === 'imu') {
      // The longest placed segment: a short one after a reset has too few offsets for a drift.
      const fit =
        s.clock.filter((g) => g.fit !== null).sort((a, b) => b.end - b.start - (a.end - a.start))[0]?.fit ?? null;
      out.clock = {
        segments: s.clock.length,
        driftPpm: fit === null ? null : fit.drift * 1e6,
        offset: fit === null ? null : fit.offset - session.file.startedHostTime,
        spread: fit === null ? null : fit.spread,
      };
    }
    return out;
  });
  const summary: SessionSummary = {
    id: session.file.id,
    startedAt: session.file.startedAt,
    duration: session.duration,
    stop: session.clean ? 'clean' : 'crash',
    streams,
    trials,
    notes,
    warnings: [...session.warnings, ...warnings],
  };
  if (session.file.subject !== undefined) summary.subject = session.file.subject;
  return summary;
}

/**
 * The `--json` form: per stream name, kind, samples, first, last and gaps; the trials and notes.
 * Times in seconds from the session start, rounded to the microsecond (the host clock's float64
 * seconds carry ~1e-13 s of noise that would only clutter the output).
 */
export function sessionSummaryJson(summary: SessionSummary) {
  const us = (x: number) => Math.round(x * 1e6) / 1e6;
  const usOrNull = (x: number | null) => (x === null ? null : us(x));
  return {
    streams: summary.streams.map(({ name, kind, samples, first, last, gaps }) => ({
      name,
      kind,
      samples,
      first: usOrNull(first),
      last: usOrNull(last),
      gaps: gaps.map((g) => ({ ...g, from: us(g.from), to: usOrNull(g.to) })),
    })),
    trials: summary.trials.map((t) => ({ ...t, start: us(t.start), stop: us(t.stop) })),
    notes: summary.notes.map((n) => ({ ...n, t: us(n.t) })),
  };
}
