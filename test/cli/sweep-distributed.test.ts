import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { loadExperiment } from '../../src/experiments/load-experiment.ts';
import { runExperiment } from '../../src/experiments/run-experiment.ts';
import { findRedisServer, startRedisServer, type RedisServer } from '../helpers/redis-server.ts';
import { motionfuseInProcess, PROJECT_ROOT } from '../helpers/run-cli.ts';

/**
 * A sweep beyond one machine, as users run it: through Redis with worker processes (one killed
 * with SIGKILL, Redis restarted, the coordinator stopped and resumed), and as a Slurm job array
 * whose tasks run in a loop. Both must give the fold results of a run on one machine.
 */

const bin = fileURLToPath(new URL('../../src/cli/motionfuse.js', import.meta.url));
// 4 trials x 3 folds of the tiniest IMU network: each unit trains in a fraction of a second.
const SWEEP = `name: dist
dataset: { name: synthetic, subjects: 3, clipsPerClass: 1, video: false, actions: [jump, hop] }
split: { kind: group-k-fold, k: 3 }
inputs: { imu: { placements: [wrist] } }
model: { type: imu-only, lstmUnits: 4, imuFilters: [4] }
train: { epochs: 1 }
sweep:
  grid:
    train.learningRate: [0.001, 0.002]
    model.lstmUnits: [4, 6]
`;
const PASSWORD = 'hunter2-Qx7v';
let work = '';
let file = '';
let env: Record<string, string> = {};
/** `<trial>/fold-<k>` -> the fold file without its times, of the run on one machine. */
let reference = new Map<string, string>();

function foldResults(runDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const trial of readdirSync(join(runDir, 'trials')))
    for (const name of readdirSync(join(runDir, 'trials', trial)).filter((n) => /^fold-\d+\.json$/.test(n))) {
      const fold = JSON.parse(readFileSync(join(runDir, 'trials', trial, name), 'utf8')) as {
        finishedAt?: string;
        result: { seconds?: number };
      };
      delete fold.finishedAt;
      delete fold.result.seconds;
      out.set(`${trial}/${name.replace('.json', '')}`, JSON.stringify(fold));
    }
  return out;
}

function assertSameFolds(runDir: string): void {
  const got = foldResults(runDir);
  assert.is(got.size, 12, 'every unit of 4 trials x 3 folds has its fold file');
  for (const [key, expected] of reference)
    assert.is(got.get(key), expected, `fold ${key} equals the single-machine run's`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)],
  );
}

const Distributed = suite('sweep beyond one machine');
Distributed.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'mf-dist-'));
  file = join(work, 'sweep.yaml');
  writeFileSync(file, SWEEP);
  env = { MOTIONFUSE_CACHE: join(work, 'cache'), MOTIONFUSE_PROGRESS: 'off', MOTIONFUSE_THREADS: '1' };
  setLogLevel('warn');
  await selectBackend('wasm');
  // The input-set cache and code version the commands below use: they find the inputs prepared here.
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const { inputSetCache } = await import('../../src/cli/run-environment.ts');
  const cache = await inputSetCache();
  process.env = saved;
  const single = await runExperiment(await loadExperiment(file), {
    sweep: true,
    resultsRoot: join(work, 'single'),
    workers: 0,
    environment: {},
    ...cache,
    progress: false,
  });
  reference = foldResults(single.runDir);
});
Distributed.after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A motionfuse process whose output is kept; `waitFor` resolves once the output matches. */
function start(args: string[], more: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, MOTIONFUSE_BACKEND: undefined, ...env, ...more },
  });
  const proc = {
    child,
    out: '',
    exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    waiters: [] as { pattern: RegExp; resolve: () => void }[],
    waitFor(pattern: RegExp): Promise<void> {
      if (pattern.test(proc.out)) return Promise.resolve();
      return new Promise((resolve) => proc.waiters.push({ pattern, resolve }));
    },
  };
  const onData = (d: Buffer) => {
    proc.out += d.toString();
    proc.waiters = proc.waiters.filter((w) => !(w.pattern.test(proc.out) && (w.resolve(), true)));
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return proc;
}

/**
 * Waits for `promise`, or fails after `seconds` naming the step and showing every process's output
 * (a sweep that stops making progress must fail with what it was doing, not hang the suite).
 */
async function within<T>(seconds: number, what: string, promise: Promise<T>, procs: { out: string }[]): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const outputs = procs.map((p, i) => `--- process ${i + 1} ---\n${p.out.split('\n').slice(-15).join('\n')}`);
      reject(new Error(`${what}: nothing after ${seconds} s\n${outputs.join('\n')}`));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `done()` holds, checked every `ms`. */
function until(done: () => boolean, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve();
      }
    }, ms);
  });
}

const redis = await findRedisServer();
if ('missing' in redis) console.log(`sweep --queue tests skipped: ${redis.missing}`);

(process.env['XSKIP'] === undefined && 'path' in redis ? Distributed : Distributed.skip)(
  '--queue: three workers, one killed with SIGKILL mid-unit, Redis restarted, the coordinator stopped and resumed: the folds of one machine, each unit finished once, no password anywhere',
  async () => {
    const server: RedisServer = await startRedisServer((redis as { path: string }).path, { password: PASSWORD });
    const results = join(work, 'queue');
    const workers: ReturnType<typeof start>[] = [];
    const coordinators: ReturnType<typeof start>[] = [];
    try {
      // The URL on the command line, or (keeping the password out of `ps`) in MOTIONFUSE_QUEUE.
      const inEnv = { MOTIONFUSE_QUEUE: server.url };
      workers.push(start(['worker', '--queue', server.url, '--lock-duration', '3000']));
      for (let i = 0; i < 2; i++) workers.push(start(['worker', '--lock-duration', '3000'], inEnv));
      const all = () => [...workers, ...coordinators];
      const step = <T>(what: string, promise: Promise<T>) => within(120, what, promise, all());
      await step('workers starting', Promise.all(workers.map((w) => w.waitFor(/takes units from/))));
      const first = start(['sweep', file, '--results', results, '--queue', '--no-local-workers'], inEnv);
      coordinators.push(first);
      const [doomed, ...others] = workers as [ReturnType<typeof start>, ...ReturnType<typeof start>[]];
      // Killed while training its first unit (a first unit also warms the fold thread: seconds, not milliseconds).
      await step('a first unit starting', doomed.waitFor(/: started/));
      doomed.child.kill('SIGKILL');
      await step('the killed worker exiting', doomed.exited);
      const lost = /unit (\S+) of run \S+: started/.exec(doomed.out)?.[1] as string;
      // Redis restarted, with its data, while the other workers train; the coordinator stopped meanwhile.
      await step('a unit finishing', Promise.race(others.map((w) => w.waitFor(/: finished/))));
      await step('Redis restarting', server.restart());
      await step(
        'the run folder appearing',
        until(() => {
          const dir = existsSync(join(results, 'dist')) ? readdirSync(join(results, 'dist'))[0] : undefined;
          return dir !== undefined && existsSync(join(results, 'dist', dir, 'trials'));
        }, 50),
      );
      first.child.kill('SIGINT');
      const firstCode = await step('the first coordinator stopping', first.exited);
      const finishedLines = () =>
        workers.flatMap((w) => [...w.out.matchAll(/unit (\S+) of run \S+: finished/g)].map((m) => m[1]));
      // The workers go on without a coordinator until every unit is finished.
      await step(
        'the workers finishing every unit',
        until(() => new Set(finishedLines()).size >= 12, 100),
      );
      const runDir = join(results, 'dist', readdirSync(join(results, 'dist'))[0] as string);
      const second = start([
        'sweep',
        file,
        '--results',
        results,
        '--resume',
        runDir,
        '--queue',
        server.url,
        '--no-local-workers',
      ]);
      coordinators.push(second);
      const secondCode = await step('the resumed coordinator finishing', second.exited);
      for (const w of others) w.child.kill('SIGTERM');
      await step('the workers stopping', Promise.all(others.map((w) => w.exited)));

      if (firstCode === 130)
        assert.match(
          first.out,
          /stopped: \d+ of 12 folds done\nresume with: .* --resume \S+ --queue --no-local-workers\n/,
        );
      else assert.is(firstCode, 0, `the first coordinator finished or was stopped:\n${first.out}`);
      assert.is(secondCode, 0, second.out);
      assert.match(second.out, /resumed: \d+ folds were already done, \d+ run now/);
      assertSameFolds(runDir);
      assert.ok(existsSync(join(runDir, 'report.html')));
      // Each unit finished once; the killed worker's unit was taken again by another worker.
      const finished = finishedLines();
      assert.is(finished.length, 12, `one 'finished' per unit:\n${finished.join('\n')}`);
      assert.is(new Set(finished).size, 12);
      assert.not.match(doomed.out, new RegExp(`${lost.replace('/', '\\/')} of run \\S+: finished`));
      assert.match(others.map((w) => w.out).join(''), new RegExp(`unit ${lost} of run \\S+: started \\(attempt 2\\)`));
      const trained = others.flatMap((w) => [...w.out.matchAll(/unit (\S+) of run \S+: trained/g)].map((m) => m[1]));
      assert.is(trained.length, new Set(trained).size, 'no unit trained twice to completion');
      // The password is in no output, no file of the run; the redacted URL is where the URL is told.
      const outputs = [first.out, second.out, ...workers.map((w) => w.out)].join('\n');
      assert.not.ok(outputs.includes(PASSWORD), 'no password in any output');
      for (const path of filesUnder(runDir))
        assert.not.ok(readFileSync(path, 'utf8').includes(PASSWORD), `no password in ${path}`);
      assert.match(outputs, /takes units from redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0/);
      const environment = readFileSync(join(runDir, 'environment.json'), 'utf8');
      assert.match(environment, /"queue": "redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0"/);
    } finally {
      for (const w of [...workers, ...coordinators]) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await server.stop();
    }
  },
);

Distributed(
  '--emit slurm: the array tasks, run in a loop with SLURM_ARRAY_TASK_ID, fill the run folder; sweep --resume RUN_DIR gathers the folds of one machine',
  async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const emit = await motionfuseInProcess([
        'sweep',
        file,
        '--results',
        join(work, 'slurm'),
        '--emit',
        'slurm',
        '--partition',
        'short',
        '--time',
        '00:10:00',
        '--cpus-per-task',
        '2',
        '--mem',
        '1G',
        '--sbatch',
        'account=lab',
      ]);
      assert.is(emit.code, 0, emit.stderr);
      const script = /wrote (\S+): a job array of 12 tasks/.exec(emit.stdout)?.[1] as string;
      const text = readFileSync(resolve(PROJECT_ROOT, script), 'utf8');
      for (const line of [
        '--array=0-11',
        '--partition=short',
        '--time=00:10:00',
        '--cpus-per-task=2',
        '--mem=1G',
        '--account=lab',
      ])
        assert.ok(text.includes(`#SBATCH ${line}\n`), `#SBATCH ${line}`);
      const runDir = resolve(PROJECT_ROOT, script, '..', '..');
      assert.match(text, /run-unit \S+ "\$SLURM_ARRAY_TASK_ID"\n/);
      // Task 0 as Slurm would start it (bash runs the script); the others in this process, as many tasks at once would.
      const task = spawn('bash', [resolve(PROJECT_ROOT, script)], {
        env: { ...process.env, MOTIONFUSE_BACKEND: undefined, SLURM_ARRAY_TASK_ID: '0' },
      });
      let taskOut = '';
      task.stdout.on('data', (d: Buffer) => (taskOut += d.toString()));
      task.stderr.on('data', (d: Buffer) => (taskOut += d.toString()));
      assert.is(await new Promise((resolve) => task.once('exit', resolve)), 0, taskOut);
      assert.match(taskOut, /unit 0 \(\S+\/fold-\d\): trained, fold file written/);
      for (let i = 1; i < 12; i++) {
        process.env['SLURM_ARRAY_TASK_ID'] = String(i);
        const r = await motionfuseInProcess(['run-unit', runDir]);
        assert.is(r.code, 0, r.stderr);
      }
      process.env['SLURM_ARRAY_TASK_ID'] = '0';
      const again = await motionfuseInProcess(['run-unit', runDir]);
      assert.match(again.stdout, /unit 0 \(\S+\): already done/);
      const outOfRange = await motionfuseInProcess(['run-unit', runDir, '12']);
      assert.is(outOfRange.code, 2);
      assert.match(outOfRange.stderr, /no unit 12 in .* \(it has 12, 0 to 11\)/);
      const gather = await motionfuseInProcess(['sweep', '--resume', runDir]);
      assert.is(gather.code, 0, gather.stderr);
      assert.match(gather.stdout, /resumed: 12 folds were already done, 0 run now/);
      assertSameFolds(runDir);
      assert.ok(existsSync(join(runDir, 'report.html')));
    } finally {
      process.env = saved;
    }
  },
);

Distributed.run();
