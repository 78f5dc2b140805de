import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs an external program with arguments as an array (never through a shell, so paths with
 * spaces or quotes are safe), with a time limit. Rejects with the program's stderr in the message.
 */
export function runTool(file: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: options.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const detail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}${detail ? ` (${detail})` : ''}`, { cause: err }));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

/** The first directory on PATH holding an executable `name`, or undefined. */
export async function whichTool(name: string): Promise<string | undefined> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
