/**
 * One test process of test/run.ts: it receives test files one at a time over IPC, runs each file's
 * uvu suites, and answers with the counts, the time and what the file printed. Files run one after
 * another in this process, so module caches (tfjs, the WASM backend) are paid for once per worker.
 */
import { readFileSync } from 'node:fs';
import { assertionCount } from './counted-assert.ts';

export interface FileRequest {
  file: string;
  name: string;
}

export interface FileOutcome {
  file: string;
  name: string;
  passed: number;
  total: number;
  skipped: number;
  assertions: number;
  ms: number;
  /** CPU seconds of this process and the child processes it waited for (Linux), or undefined. */
  cpu?: number;
  output: string;
  error?: string;
}

type UvuTest = () => Promise<[errors: string, ran: number, skipped: number, total: number]>;
type UvuGlobals = typeof globalThis & { UVU_DEFER?: number; UVU_INDEX?: number; UVU_QUEUE?: unknown[][] };
const uvuGlobals = globalThis as UvuGlobals;

// uvu queues suites instead of running them when UVU_DEFER is set before it loads.
uvuGlobals.UVU_DEFER = 1;
uvuGlobals.UVU_QUEUE = [];
await import('uvu');

let captured = '';
process.stdout.write = ((chunk: string | Uint8Array) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return true;
}) as typeof process.stdout.write;
// stderr (logger output, progress bars) is kept with the file too, so parallel files do not interleave.
process.stderr.write = ((chunk: string | Uint8Array) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return true;
}) as typeof process.stderr.write;

/** CPU seconds used by this process and its waited-for children so far, from /proc (Linux only). */
function cpuSeconds(): number | undefined {
  try {
    // Fields after the command name: utime, stime, cutime, cstime are the 12th-15th, in clock ticks.
    const fields = readFileSync('/proc/self/stat', 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return ticks / 100;
  } catch {
    return undefined;
  }
}

async function runFile(request: FileRequest): Promise<FileOutcome> {
  captured = '';
  const start = performance.now();
  const cpuBefore = cpuSeconds();
  const assertionsBefore = assertionCount();
  let passed = 0;
  let total = 0;
  let skipped = 0;
  let error: string | undefined;
  uvuGlobals.UVU_INDEX = 0;
  const group: unknown[] = [];
  uvuGlobals.UVU_QUEUE = [group];
  try {
    await import(`file://${request.file}`);
    for (const test of group as UvuTest[]) {
      const [errors, ran, skips, max] = await test();
      total += max;
      passed += ran;
      skipped += skips;
      if (errors.length > 0) captured += `\n${errors}\n`;
    }
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  return {
    file: request.file,
    name: request.name,
    passed,
    total,
    skipped,
    assertions: assertionCount() - assertionsBefore,
    ms: performance.now() - start,
    ...(cpuBefore === undefined ? {} : { cpu: (cpuSeconds() as number) - cpuBefore }),
    output: captured,
    ...(error === undefined ? {} : { error }),
  };
}

process.on('message', (request: FileRequest) => {
  void runFile(request).then((outcome) => {
    if (process.connected) process.send?.(outcome);
  });
});
// The runner gone (stopped, or failed itself): nothing is left to report to.
process.on('disconnect', () => process.exit(1));
process.send?.({ ready: true });
