import { UserError } from '../../core/errors.ts';
import { readJsonFile } from '../../core/read-json-file.ts';
import { SESSION_FORMAT, type SessionFile } from '../../formats/session/session-layout.ts';

/**
 * Reads and checks a session.json (src/formats/session/session-layout.ts). A missing file, bad
 * JSON or a field of the wrong type is a UserError naming the file and the field.
 */
export async function readSessionFile(path: string): Promise<SessionFile> {
  const parsed = await readJsonFile(path, {
    unreadable: 'Is this a session folder (session.xdf, session.json) as `motionfuse record` writes it?',
    invalid: 'The session file is damaged; the recorder writes it atomically, so it was edited or copied in part.',
  });
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UserError(`${path}: expected a JSON object, got ${JSON.stringify(parsed)?.slice(0, 40)}`);
  const s = parsed as Record<string, unknown>;
  const bad = (field: string, what: string) =>
    new UserError(`${path}: field '${field}' ${what}, got ${JSON.stringify(fieldAt(s, field))}`);
  if (s['format'] !== SESSION_FORMAT) throw bad('format', `must be '${SESSION_FORMAT}'`);
  for (const field of ['id', 'startedAt'] as const)
    if (typeof s[field] !== 'string') throw bad(field, 'must be a string');
  if (typeof s['startedHostTime'] !== 'number' || !Number.isFinite(s['startedHostTime']))
    throw bad('startedHostTime', 'must be a number of seconds');
  for (const field of ['subject', 'stoppedAt'] as const)
    if (s[field] !== undefined && typeof s[field] !== 'string') throw bad(field, 'must be a string when given');
  if (!Array.isArray(s['sensors'])) throw bad('sensors', 'must be a list');
  (s['sensors'] as unknown[]).forEach((sensor, i) => {
    const o = sensor as Record<string, unknown> | null;
    for (const field of ['streamName', 'sensorId', 'spec'])
      if (typeof o?.[field] !== 'string') throw bad(`sensors[${i}].${field}`, 'must be a string');
    if (o?.['placement'] !== undefined && typeof o['placement'] !== 'string')
      throw bad(`sensors[${i}].placement`, 'must be a string when given');
  });
  const video = s['video'] as Record<string, unknown> | undefined;
  if (video !== undefined)
    for (const field of ['file', 'source', 'streamName'])
      if (typeof video?.[field] !== 'string') throw bad(`video.${field}`, 'must be a string');
  return parsed as SessionFile;
}

function fieldAt(value: unknown, path: string): unknown {
  let at = value;
  for (const part of path.split(/[.[\]]+/).filter((p) => p !== '')) at = (at as Record<string, unknown> | null)?.[part];
  return at;
}
