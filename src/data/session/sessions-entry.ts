import type { DatasetEntry } from '../dataset-entry.ts';
import { SESSIONS_OPTIONS_SCHEMA, sessionsDataset, type SessionsOptions } from './sessions-dataset.ts';

/** Lab sessions in the data-set registry: their labelled trials as samples. */
export const SESSIONS_ENTRY: DatasetEntry = {
  name: 'sessions',
  describe:
    'the labelled trials of lab sessions as `motionfuse record` writes them (session.xdf, session.json, video.mkv), uncut',
  options: SESSIONS_OPTIONS_SCHEMA,
  create: (options) => sessionsDataset(SESSIONS_OPTIONS_SCHEMA.parse(options) as SessionsOptions),
  title: 'motionfuse lab sessions (your own recordings)',
  citation: 'your own recordings',
  licence: 'yours',
  acquisition: 'user-supplied',
  files: [],
  obtain: [
    'Record sessions with `motionfuse record --sensor SPEC --placement SENSOR=PLACE ... --out DIR`, marking labelled trials with its trial keys.',
    'Check them with `motionfuse session info DIR`; a trial runs from its trial-start marker to its trial-stop.',
  ],
  layout: [
    '<root>/<session>/session.xdf: IMU streams (device clock, with clock offsets), video frame times, markers, gaps',
    '<root>/<session>/session.json: session id, subject, sensors and their placements',
    '<root>/<session>/video.mkv: the camera, where there was one',
  ],
  experiment: 'dataset:\n  name: sessions\n  root: path/to/sessions',
};
