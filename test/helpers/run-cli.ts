import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project root, where a user runs the command. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../src/cli/motionfuse.js', import.meta.url));

/**
 * Runs the real `motionfuse` command in a child process, as a user would, with progress output
 * off and no backend forced (unless `env` says otherwise).
 */
export function motionfuse(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, MOTIONFUSE_BACKEND: undefined, MOTIONFUSE_PROGRESS: 'off', ...env },
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
