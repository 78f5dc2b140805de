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

/**
 * The same command run by `main()` in this process, its output captured: for commands that only
 * read and check files (no training, no environment of their own), so that a test of many such
 * answers does not start a process, tsx and the schema for each. Exit codes as the command's.
 */
export async function motionfuseInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.ts');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (sink: string[]) =>
    ((chunk: string | Uint8Array) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const exitCode = process.exitCode;
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  try {
    const code = await main(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.exitCode = exitCode;
  }
}
