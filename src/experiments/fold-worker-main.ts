import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { selectBackend } from '../backend/select-backend.ts';
import { type BackendPreference } from '../backend/backend-preference.ts';
import { setLogLevel } from '../core/logger.ts';
import type { InputSet } from '../inputs/input-spec.ts';
import { runFoldUnit, type FoldTask, type FoldReply } from './run-fold-unit.ts';
import { readInputSet } from './input-set-file.ts';

/**
 * One fold of one trial in a worker thread of the fold pool. The backend is chosen once per
 * worker; the last input set read is kept, since a worker usually runs several folds of it.
 * Epoch progress goes back through the task's port. Errors come back as data (structured cloning
 * would turn a UserError into a plain Error and drop its hint).
 */
const { backend, logLevel } = Piscina.workerData as { backend?: BackendPreference; logLevel?: string };
setLogLevel((logLevel ?? 'warn') as Parameters<typeof setLogLevel>[0]);
const ready = selectBackend(backend);
let cached: { path: string; set: InputSet } | undefined;

export async function runFoldTask(task: FoldTask & { port?: MessagePort }): Promise<FoldReply> {
  const { port, ...unit } = task;
  try {
    await ready;
    if (cached?.path !== unit.inputPath) cached = { path: unit.inputPath, set: readInputSet(unit.inputPath) };
    const result = await runFoldUnit(unit, cached.set, (record) => port?.postMessage(record));
    return { result };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return {
      error: {
        name: e.name,
        message: e.message,
        ...(e.stack === undefined ? {} : { stack: e.stack }),
        ...('hint' in e && typeof e.hint === 'string' ? { hint: e.hint } : {}),
      },
    };
  } finally {
    port?.close();
  }
}
