import { execFile, spawn } from 'node:child_process';
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
export function runTool(
  file: string,
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const detail = stderr.trim().split('\n').slice(-3).join(' | ');
          reject(
            new Error(`${file} ${args.join(' ')} failed: ${err.message}${detail ? ` (${detail})` : ''}`, {
              cause: err,
            }),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

export interface BinaryToolOutput {
  stdout: Buffer;
  stderr: string;
}

/**
 * Like `runTool`, for programs that take or give bytes (ffmpeg piping raw frames): `input` is
 * written to the program's stdin and stdout comes back whole as a Buffer.
 */
export function runToolBinary(
  file: string,
  args: readonly string[],
  options: { input?: Uint8Array; timeoutMs?: number } = {},
): Promise<BinaryToolOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const fail = (reason: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const detail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${file} ${args.join(' ')} failed: ${reason}${detail ? ` (${detail})` : ''}`, { cause }));
    };
    const timer = setTimeout(
      () => fail(`timed out after ${options.timeoutMs ?? 60_000} ms`),
      options.timeoutMs ?? 60_000,
    );
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => fail(e.message, e));
    // A program that exits before reading all its input closes the pipe: that is reported by the exit status.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        fail(signal !== null ? `killed by ${signal}` : `exit status ${String(code)}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(
      options.input === undefined
        ? undefined
        : Buffer.from(options.input.buffer, options.input.byteOffset, options.input.byteLength),
    );
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
