import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { DatasetAdapter, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import { SESSION_FILES } from '../../formats/session/session-layout.ts';
import { existingFolder } from '../existing-path.ts';
import type { SessionData } from './read-session.ts';
import type { SessionNote, SessionTrial } from './session-trials.ts';

/**
 * `dataset: { name: sessions, root: DIR }`: the labelled trials of every lab session under DIR
 * (a folder with session.json, to depth 4) as samples, without cutting them out first. Each
 * trial is a sample: label and subject from its trial-start marker (the subject else from
 * session.json), its IMU streams and video frames on the session clock.
 */
export const SESSIONS_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder(
    'folder holding session folders (session.xdf, session.json, video.mkv) as `motionfuse record` writes them',
  ),
  classes: z.array(z.string()).min(1).optional().describe('class order (default: the trial labels found, sorted)'),
});

export type SessionsOptions = z.output<typeof SESSIONS_OPTIONS_SCHEMA>;

interface TrialRef {
  dir: string;
  trial: SessionTrial;
}

/**
 * The adapter. Listing reads each session's XDF file once (the markers give the trials, which
 * the class list needs); a sample's streams are cut and its frames decoded when it is loaded,
 * the last sessions read kept for the trials after it.
 */
export async function sessionsDataset(options: SessionsOptions): Promise<DatasetAdapter> {
  const root = resolve(options.root);
  const dirs = findSessions(root, 4);
  if (dirs.length === 0)
    throw new UserError(
      `dataset.root: no session (a folder with ${SESSION_FILES.session}) under ${root}`,
      'Point it at the folder `motionfuse record --out` wrote sessions into.',
    );
  const { readSession } = await import('./read-session.ts');
  const { sessionTrials } = await import('./session-trials.ts');
  const { trialId, trialSample } = await import('./trial-sample.ts');
  const refs: SampleRef[] = [];
  const trialsById = new Map<string, TrialRef>();
  for (const dir of dirs) {
    const session = await readSession(dir);
    for (const trial of sessionTrials(session.markers, session.duration).trials) {
      const id = trialId(session.file.id, trial);
      if (trialsById.has(id))
        throw new UserError(
          `dataset.root: two trials named ${id} under ${root} (${relative(root, trialsById.get(id)!.dir)} and ${relative(root, dir)})`,
          'Each session needs its own id in session.json.',
        );
      trialsById.set(id, { dir, trial });
      const subject = trial.subject ?? session.file.subject;
      refs.push({
        id,
        label: trial.label,
        ...(subject === undefined ? {} : { subject }),
        meta: { session: relative(root, dir), trial: trial.index },
      });
    }
  }
  if (refs.length === 0)
    throw new UserError(
      `dataset.root: the sessions under ${root} have no labelled trial`,
      'Mark trials while recording (the trial keys of `motionfuse record`), or cut them with `motionfuse session cut`.',
    );
  const labels = [...new Set(refs.map((r) => r.label))].sort();
  const classes = options.classes ?? labels;
  const unknown = labels.filter((l) => !classes.includes(l));
  if (unknown.length > 0)
    throw new UserError(`dataset.classes does not list ${unknown.join(', ')}, found under ${root}`);

  // A session read for one trial serves its other trials too; a few are kept, not all.
  const cache = new Map<string, Promise<{ session: SessionData; notes: SessionNote[] }>>();
  const open = (dir: string) => {
    let hit = cache.get(dir);
    if (hit === undefined) {
      hit = readSession(dir).then((session) => ({
        session,
        notes: sessionTrials(session.markers, session.duration).notes,
      }));
      cache.set(dir, hit);
      if (cache.size > 2) cache.delete(cache.keys().next().value as string);
    }
    return hit;
  };
  let ffmpeg: Promise<string> | undefined;
  return {
    name: 'sessions',
    classes,
    async list(): Promise<SampleRef[]> {
      return refs.map((r) => ({ ...r, meta: { ...r.meta } }));
    },
    async load(ref: SampleRef): Promise<Sample> {
      const found = trialsById.get(ref.id);
      if (found === undefined) throw new UserError(`no trial ${ref.id} under ${root}`);
      const { session, notes } = await open(found.dir);
      const hasVideo = session.streams.some((s) => s.kind === 'video');
      if (hasVideo) ffmpeg ??= import('../../video/ffmpeg-binary.ts').then(async (m) => (await m.locateFfmpeg()).path);
      return trialSample(session, found.trial, notes, hasVideo ? { ffmpeg: await ffmpeg! } : {});
    },
  };
}

/** Folders holding a session.json, depth-first in name order. */
function findSessions(dir: string, depth: number): string[] {
  if (existsSync(join(dir, SESSION_FILES.session))) return [dir];
  if (depth === 0) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((name) => findSessions(join(dir, name), depth - 1));
}
