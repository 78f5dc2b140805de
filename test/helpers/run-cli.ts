import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project root, where a user runs the command. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../src/cli/motionfuse.js', import.meta.url));

/**
 * Runs the real `motionfuse` command in a child process, as a user would, with progress output
 * off and no backend forced (unless `env` says otherwise). Its native kernels get one thread
 * (MOTIONFUSE_THREADS=1, unless `env` says otherwise): test files run two at a time, and a command
 * whose kernels take every core beside another test file only makes the threads wait on each other.
 * How the kernels share the cores is tested in backend/ and experiments/, in-process.
 */
export function motionfuse(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, MOTIONFUSE_BACKEND: undefined, MOTIONFUSE_PROGRESS: 'off', MOTIONFUSE_THREADS: '1', ...env },
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
