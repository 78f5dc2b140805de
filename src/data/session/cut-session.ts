import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeRecording } from '../recording/write-recording.ts';
import type { SessionData } from './read-session.ts';
import { sessionTrials, type SessionTrial } from './session-trials.ts';
import { trialId, trialSample } from './trial-sample.ts';

export interface CutTrial {
  trial: SessionTrial;
  dir: string;
  /** written now, or skipped because the folder exists (a re-run keeps what an earlier run cut). */
  status: 'written' | 'skipped';
}

export interface CutSessionResult {
  trials: CutTrial[];
  warnings: string[];
}

/**
 * Cuts each labelled trial of a session out into the recording layout
 * (src/data/recording/recording-layout.ts), one folder per trial under `outDir`, named
 * `<session id>-<nn>-<label>`: IMU streams and the trial's video frames (re-encoded lossless
 * from the session's video), on the session clock, so `dataset: { name: recordings, root }`
 * trains on them. A folder that exists already is skipped, never overwritten: a re-run after an
 * interruption finishes the rest (each folder appears whole or not at all: writeRecording).
 */
export async function cutSession(
  session: SessionData,
  outDir: string,
  options: { ffmpeg?: string; provenance?: Record<string, unknown> } = {},
): Promise<CutSessionResult> {
  const { trials, notes, warnings } = sessionTrials(session.markers, session.duration);
  const out: CutTrial[] = [];
  for (const trial of trials) {
    const dir = join(outDir, trialId(session.file.id, trial));
    if (existsSync(dir)) {
      out.push({ trial, dir, status: 'skipped' });
      continue;
    }
    const sample = await trialSample(
      session,
      trial,
      notes,
      options.ffmpeg === undefined ? {} : { ffmpeg: options.ffmpeg },
    );
    await writeRecording(dir, sample, {
      ...(options.ffmpeg === undefined ? {} : { ffmpeg: options.ffmpeg }),
      provenance: { ...options.provenance, cutFrom: session.dir, trial: trial.index },
    });
    out.push({ trial, dir, status: 'written' });
  }
  return { trials: out, warnings: [...session.warnings, ...warnings] };
}
