import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { Sample, SampleEvent } from '../../core/sample.ts';
import { imuStream, PLACEMENTS, videoStream, type Placement, type Stream } from '../../core/stream.ts';
import { SESSION_FILES } from '../../formats/session/session-layout.ts';
import { safeFileName } from './export-session.ts';
import { readFrameRange } from './read-frame-range.ts';
import type { SessionData } from './read-session.ts';
import type { SessionNote, SessionTrial } from './session-trials.ts';

export interface TrialSampleOptions {
  /** ffmpeg binary (locateFfmpeg): the trial's frames are decoded from the session's video. */
  ffmpeg?: string;
  /** Leave the video out (default false: a session with video gives the trial its frames). */
  skipVideo?: boolean;
}

/** A trial's sample id and folder name: `<session id>-<nn>-<label>`, safe as a file name. */
export function trialId(sessionId: string, trial: SessionTrial): string {
  return safeFileName(`${sessionId}-${String(trial.index).padStart(2, '0')}-${trial.label}`);
}

/**
 * One labelled trial of a session as a Sample: every IMU stream's samples within [start, stop]
 * (placement from session.json, which must give one of PLACEMENTS), the video frames with time
 * stamps within it, decoded from the session's video; notes and gaps within it as events. Times
 * stay on the session clock (seconds from the session's start). The subject is the trial-start
 * marker's, else session.json's.
 */
export async function trialSample(
  session: SessionData,
  trial: SessionTrial,
  notes: readonly SessionNote[],
  options: TrialSampleOptions = {},
): Promise<Sample> {
  const jsonPath = join(session.dir, SESSION_FILES.session);
  const inTrial = (t: number) => t >= trial.start && t <= trial.stop;
  const streams: Stream[] = [];
  for (const s of session.streams) {
    const [a, b] = indexRange(s.t, trial.start, trial.stop);
    if (s.kind === 'imu') {
      const placement = s.placement;
      if (placement === undefined || !(PLACEMENTS as readonly string[]).includes(placement))
        throw new UserError(
          `${jsonPath}: sensor '${s.sensorId}' (stream '${s.name}') has placement ${JSON.stringify(placement ?? null)}, not one of ${PLACEMENTS.join(', ')}`,
          'Add "placement" to its entry in session.json (record with --sensor SPEC@PLACEMENT): a trained model needs to know where each sensor was worn.',
        );
      streams.push(
        imuStream({
          rate: s.rate,
          t: s.t.slice(a, b),
          data: s.data.slice(a * 6, b * 6),
          sensorId: s.name,
          placement: placement as Placement,
          meta: { clock: 'session', sensorId: s.sensorId },
        }),
      );
    } else if (s.kind === 'video' && options.skipVideo !== true && b > a && s.rate > 0) {
      if (options.ffmpeg === undefined) throw new Error('trialSample(): the session has video; pass options.ffmpeg');
      const first = s.frame[a] as number;
      const last = s.frame[b - 1] as number;
      if (last - first !== b - 1 - a)
        throw new UserError(
          `${join(session.dir, SESSION_FILES.xdf)}: video frame indices ${first}-${last} of trial ${trial.index} are not consecutive`,
          'The video stream must number the frames of video.mkv in order.',
        );
      const decoded = await readFrameRange(options.ffmpeg, s.file, first, last, s);
      streams.push(videoStream({ rate: s.rate, t: s.t.slice(a, b), decoded, meta: { clock: 'session' } }));
    }
  }
  const events: SampleEvent[] = notes.filter((n) => inTrial(n.t)).map((n) => ({ name: `note: ${n.text}`, t: n.t }));
  for (const s of session.streams)
    for (const g of s.gaps.filter((x) => x.from <= trial.stop && (x.to ?? Infinity) >= trial.start))
      events.push({
        name: `gap ${s.name} (${g.reason})`,
        t: g.from,
        ...(g.samplesLost === null ? {} : { value: g.samplesLost, unit: 'samples' }),
      });
  events.sort((x, y) => (x.t as number) - (y.t as number));
  const sample: Sample = {
    id: trialId(session.file.id, trial),
    label: trial.label,
    streams,
    events,
    meta: {
      session: session.file.id,
      trial: trial.index,
      start: trial.start,
      stop: trial.stop,
      endedBy: trial.endedBy,
      clock: 'session: seconds from the session start',
      ...(session.clean ? {} : { warnings: ['cut from a session that did not stop cleanly'] }),
    },
  };
  const subject = trial.subject ?? session.file.subject;
  if (subject !== undefined) sample.subject = subject;
  return sample;
}

/** Indices [a, b) of the sorted times within [from, to]. */
function indexRange(t: Float64Array, from: number, to: number): [number, number] {
  let a = 0;
  while (a < t.length && (t[a] as number) < from) a++;
  let b = a;
  while (b < t.length && (t[b] as number) <= to) b++;
  return [a, b];
}
