/**
 * Runs every test/**\/*.test.ts with uvu in parallel worker processes (test/runner/test-worker.ts),
 * longest files first by the times of the last run, prints each file's output as it finishes, the
 * slowest files, and a plain `uvu: N passed, N failed, N skipped` line that CI tools read.
 *
 *   npm test                      every file
 *   npm test -- PATTERN           files whose path contains PATTERN
 *   npm test -- --workers 1       one process (MOTIONFUSE_TEST_WORKERS does the same; default one per core)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'uvu/parse';
import type { FileOutcome, FileRequest } from './runner/test-worker.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const workersFlag = args.indexOf('--workers');
const workerCount = Number(
  workersFlag >= 0 ? args[workersFlag + 1] : (process.env['MOTIONFUSE_TEST_WORKERS'] ?? defaultWorkers()),
);
const filter = args.find((a, i) => !a.startsWith('--') && (workersFlag < 0 || i !== workersFlag + 1));
if (!Number.isInteger(workerCount) || workerCount < 1) {
  process.stderr.write(`--workers must be a whole number >= 1, got ${String(workerCount)}\n`);
  process.exit(2);
}

/**
 * One worker per core. Measured on 2 cores from a fresh clone: 2 workers 151 s, 3 workers 178 s (the
 * files' own child processes and fold workers already fill the cores; a third only adds contention).
 */
function defaultWorkers(): number {
  return availableParallelism();
}

const ctx = await parse('test', /\.test\.ts$/, { cwd: root });
const suites = filter ? ctx.suites.filter((s) => s.name.includes(filter)) : ctx.suites;
if (suites.length === 0) {
  process.stderr.write(`no test file matches '${filter ?? ''}'\n`);
  process.exit(1);
}

// The last run's times order the queue longest first, so a slow file does not start last.
const timesFile = join(root, 'node_modules', '.cache', 'motionfuse', 'test-times.json');
const lastTimes = readTimes();
const queue: FileRequest[] = suites
  .map((s) => ({ file: s.file, name: s.name }))
  .sort(
    (a, b) =>
      (lastTimes[b.name] ?? Number.MAX_SAFE_INTEGER) - (lastTimes[a.name] ?? Number.MAX_SAFE_INTEGER) ||
      a.name.localeCompare(b.name),
  );

/** The longest one file may run (s); the slowest file takes about 40 s on 2 cores. */
const FILE_TIMEOUT_MS = 1000 * Number(process.env['MOTIONFUSE_TEST_FILE_TIMEOUT'] ?? 300);

const started = performance.now();
const outcomes: FileOutcome[] = [];
const workerScript = fileURLToPath(new URL('./runner/test-worker.ts', import.meta.url));
const assertionHooks = fileURLToPath(new URL('./runner/assertion-hooks.mjs', import.meta.url));

await Promise.all(Array.from({ length: Math.min(workerCount, queue.length) }, () => drive()));

/** Keeps one worker process busy until the queue is empty; a worker that dies is replaced. */
async function drive(): Promise<void> {
  let child = startWorker();
  await waitReady(child);
  for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
    const outcome = await runIn(child, request);
    report(outcome);
    if (!child.connected) {
      child = startWorker();
      await waitReady(child);
    }
  }
  // SIGKILL: a file may have left a SIGTERM handler or a child process (esbuild's service)
  // behind, and a worker that outlives the run keeps its IPC channel, and so the run, open.
  child.kill('SIGKILL');
}

function startWorker(): ChildProcess {
  return fork(workerScript, [], {
    cwd: root,
    execArgv: [...process.execArgv, '--import', assertionHooks],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`test worker exited with ${String(code)} before it was ready`)));
  });
}

function runIn(child: ChildProcess, request: FileRequest): Promise<FileOutcome> {
  const start = performance.now();
  return new Promise((resolve) => {
    // A file that hangs (a child process never exiting, a promise never settling) fails with a
    // reason instead of holding the whole run until CI's own limit.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    const onMessage = (outcome: FileOutcome) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(outcome);
    };
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      const ms = performance.now() - start;
      resolve({
        ...request,
        passed: 0,
        total: 1,
        skipped: 0,
        assertions: 0,
        ms,
        output: '',
        error: timedOut
          ? `the file ran longer than ${FILE_TIMEOUT_MS / 1000} s (MOTIONFUSE_TEST_FILE_TIMEOUT) and was stopped`
          : `the test process exited (code ${String(code)}, signal ${String(signal)}) while running this file`,
      });
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
    child.send(request);
  });
}

function report(outcome: FileOutcome): void {
  outcomes.push(outcome);
  const failed = outcome.total - outcome.passed + (outcome.error === undefined ? 0 : 1);
  const status = failed > 0 ? 'FAIL' : 'ok';
  const cpu = outcome.cpu === undefined ? '' : `, ${outcome.cpu.toFixed(1)} s CPU`;
  process.stdout.write(
    `\n${outcome.name}  ${status}  ${outcome.passed}/${outcome.total} tests, ${outcome.assertions} assertions, ${(outcome.ms / 1000).toFixed(1)} s${cpu}\n`,
  );
  const output = outcome.output.replace(/\n+$/, '');
  if (output.length > 0) process.stdout.write(`${output}\n`);
  if (outcome.error !== undefined) process.stdout.write(`\n${outcome.error}\n`);
}

/**
 * Each file's seconds in the last run here, over test/runner/file-times.json (times shipped with the
 * code, so a fresh clone starts the long files first too).
 */
function readTimes(): Record<string, number> {
  const read = (path: string) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
    } catch {
      return {};
    }
  };
  return { ...read(fileURLToPath(new URL('./runner/file-times.json', import.meta.url))), ...read(timesFile) };
}

const wall = (performance.now() - started) / 1000;
const sum = (pick: (o: FileOutcome) => number) => outcomes.reduce((acc, o) => acc + pick(o), 0);
const passed = sum((o) => o.passed);
const failed = sum((o) => o.total - o.passed + (o.error === undefined ? 0 : 1));
const skipped = sum((o) => o.skipped);

try {
  mkdirSync(dirname(timesFile), { recursive: true });
  writeFileSync(
    timesFile,
    `${JSON.stringify({ ...lastTimes, ...Object.fromEntries(outcomes.map((o) => [o.name, Math.round(o.ms)])) }, null, 1)}\n`,
  );
} catch {
  // Only an ordering hint for the next run.
}

const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 10);
process.stdout.write('\nslowest files:\n');
for (const o of slowest)
  process.stdout.write(
    `  ${(o.ms / 1000).toFixed(1).padStart(6)} s ${o.cpu === undefined ? '' : `${o.cpu.toFixed(1).padStart(6)} s CPU  `}${o.name}\n`,
  );
process.stdout.write(
  `\n${outcomes.length} files, ${sum((o) => o.assertions)} assertions, ${wall.toFixed(1)} s on ${Math.min(workerCount, outcomes.length)} worker processes\n`,
);
const failedFiles = outcomes.filter((o) => o.total - o.passed + (o.error === undefined ? 0 : 1) > 0);
if (failedFiles.length > 0) process.stdout.write(`failed in: ${failedFiles.map((o) => o.name).join(', ')}\n`);
process.stdout.write(`uvu: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
if (failed > 0) process.exitCode = 1;
