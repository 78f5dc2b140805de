import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumOrReason, openReport } from '../helpers/report-browser.ts';
import { motionfuse, motionfuseInProcess, PROJECT_ROOT } from '../helpers/run-cli.ts';

/** `motionfuse run` / `sweep` / `schema` as a user runs them. */

const bin = fileURLToPath(new URL('../../src/cli/motionfuse.js', import.meta.url));
let work = '';
let env: Record<string, string> = {};
const Run = suite('motionfuse run and sweep');
Run.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'motionfuse-run-'));
  // Input sets prepared here, not in the project's cache.
  env = { MOTIONFUSE_CACHE: join(work, 'cache') };
});
Run.after(async () => {
  await rm(work, { recursive: true, force: true });
});

function experimentFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

// 4 trials x 2 folds of a small IMU network: long enough to be stopped part-way.
const SWEEP = `name: resume-check
dataset: { name: synthetic, subjects: 6, clipsPerClass: 1, video: false }
split: { kind: group-k-fold, k: 2 }
inputs: { imu: { placements: [wrist] } }
model: { type: imu-only, imuFilters: [16, 16] }
train: { epochs: 6 }
run: { workers: 2 }
sweep:
  grid:
    model.lstmUnits: [8, 16]
    train.learningRate: [0.001, 0.003]
`;

/** Every fold file of a run: trial/fold -> its content without the timings. */
function folds(runDir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const trials = join(runDir, 'trials');
  for (const t of readdirSync(trials)) {
    for (const f of readdirSync(join(trials, t)).filter((n) => /^fold-\d+\.json$/.test(n))) {
      const {
        finishedAt: _f,
        result,
        ...rest
      } = JSON.parse(readFileSync(join(trials, t, f), 'utf8')) as { finishedAt: string; result: { seconds: number } };
      const { seconds: _s, ...kept } = result;
      out.set(`${t}/${f}`, { ...rest, result: kept });
    }
  }
  return out;
}
const finishedAt = (runDir: string, key: string) =>
  (JSON.parse(readFileSync(join(runDir, 'trials', key), 'utf8')) as { finishedAt: string }).finishedAt;
const runDirOf = (root: string) => join(root, 'resume-check', readdirSync(join(root, 'resume-check'))[0] as string);
/** Fold files written so far under root (0 while the run folder is still being made). */
function countFolds(root: string): number {
  const experimentDir = join(root, 'resume-check');
  const runs = existsSync(experimentDir) ? readdirSync(experimentDir) : [];
  const trials = runs.length === 0 ? '' : join(experimentDir, runs[0] as string, 'trials');
  if (trials === '' || !existsSync(trials)) return 0;
  return readdirSync(trials).reduce(
    (n, t) => n + readdirSync(join(trials, t)).filter((f) => f.endsWith('.json')).length,
    0,
  );
}

/** Starts the sweep, waits until `folds` fold files exist, sends `signal`; resolves with the exit code and output. */
function interruptedSweep(
  file: string,
  results: string,
  whenFolds: number,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stderr: string; foldsAtSignal: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'sweep', file, '--results', results], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env, MOTIONFUSE_PROGRESS: 'off', MOTIONFUSE_BACKEND: undefined },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let foldsAtSignal = -1;
    const timer = setInterval(() => {
      const n = countFolds(results);
      if (foldsAtSignal < 0 && n >= whenFolds) {
        foldsAtSignal = n;
        child.kill(signal);
      }
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stderr, foldsAtSignal });
    });
  });
}

Run(
  'a sweep killed with SIGKILL and resumed gives the results of an uninterrupted run, and re-runs no finished fold',
  async () => {
    const file = experimentFile('sweep.yaml', SWEEP);
    const whole = join(work, 'whole');
    const r = motionfuse(['sweep', file, '--results', whole], env, 300_000);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| lstmUnits=8 learningRate=0\.001 \| 2 \|/);
    const expected = folds(runDirOf(whole));
    assert.is(expected.size, 8);

    const killed = join(work, 'killed');
    const stop = await interruptedSweep(file, killed, 3, 'SIGKILL');
    assert.is(stop.code, null, 'killed by the signal');
    const runDir = runDirOf(killed);
    const before = folds(runDir);
    assert.ok(before.size >= 3 && before.size < 8, `${before.size} folds finished before the kill`);
    const stamps = new Map([...before.keys()].map((k) => [k, finishedAt(runDir, k)]));

    const resumed = motionfuse(['sweep', file, '--results', killed, '--resume'], env, 300_000);
    assert.is(resumed.code, 0, resumed.stderr);
    assert.match(
      resumed.stdout,
      new RegExp(`resumed: ${before.size} folds were already done, ${8 - before.size} run now`),
    );
    const after = folds(runDir);
    assert.equal([...after.keys()].sort(), [...expected.keys()].sort());
    for (const [key, value] of expected)
      assert.equal(after.get(key), value, `${key} differs from the uninterrupted run`);
    for (const [key, stamp] of stamps) assert.is(finishedAt(runDir, key), stamp, `${key} was run again`);
    assert.is(
      readFileSync(join(runDir, 'tables', 'variants.csv'), 'utf8'),
      readFileSync(join(runDirOf(whole), 'tables', 'variants.csv'), 'utf8'),
    );
    const environment = JSON.parse(readFileSync(join(runDir, 'environment.json'), 'utf8')) as {
      starts: { backend: string; tfjs: string; command: string }[];
    };
    assert.is(environment.starts.length, 2, 'the start and the resume are both recorded');
    assert.match(resumed.stdout, /\nreport: .*report\.html\n/);
    const browser = await chromiumOrReason();
    if ('reason' in browser) {
      console.log(`  skipped the browser check of the run's report: ${browser.reason}`);
      return;
    }
    const check = await openReport(browser.path, join(runDir, 'report.html'), 'resumed-sweep-report');
    assert.equal(check.errors, []);
    // Comparison, class error, learning curves and one confusion matrix per variant.
    assert.is(check.plots, 3 + 4);
    assert.is(check.drawn, check.plots);
  },
);

Run('Ctrl-C stops cleanly, says how to resume, and the resume finishes the run', async () => {
  // Two of the four trials (2 x 2 folds): the stop and the resume are what is checked here.
  const two = SWEEP.replace('train.learningRate: [0.001, 0.003]', 'train.learningRate: [0.001]');
  assert.is.not(two, SWEEP);
  const file = experimentFile('sweep-two.yaml', two);
  const root = join(work, 'interrupted');
  const stop = await interruptedSweep(file, root, 1, 'SIGINT');
  assert.is(stop.code, 130, stop.stderr);
  assert.match(stop.stderr, /stopping: folds in progress are dropped/);
  assert.match(stop.stderr, /stopped: \d+ of 4 folds done\nresume with: motionfuse sweep .*sweep-two\.yaml --resume /);
  const resumed = motionfuse(['sweep', file, '--results', root, '--resume', runDirOf(root)], env, 300_000);
  assert.is(resumed.code, 0, resumed.stderr);
  assert.is(folds(runDirOf(root)).size, 4);
});

Run('a resume refuses a file whose trials changed', () => {
  const root = join(work, 'whole');
  const changed = experimentFile('sweep.yaml', SWEEP.replace('epochs: 6', 'epochs: 5'));
  const r = motionfuse(['sweep', changed, '--results', root, '--resume'], env);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--resume: the experiment's trials differ from those of the run in /);
});

const BAD: [string, string, RegExp][] = [
  [
    'malformed YAML',
    'name: x\ndataset: { name: synthetic\nmodel: { type: svm }\n',
    /^error: .*bad\.yaml:\d+: not valid YAML: /,
  ],
  [
    'a wrong type',
    'name: x\ndataset: { name: synthetic }\nmodel: { type: svm }\ntrain: { epochs: ten }\n',
    /^error: .*bad\.yaml:4 \(field 'train\.epochs'\): expected number, received string, got "ten"/,
  ],
  [
    'an unknown key',
    'name: x\ndataset: { name: synthetic }\nmodel: { type: svm }\ntrian: { epochs: 3 }\n',
    /^error: .*bad\.yaml:4 \(field 'trian'\): unknown key 'trian' in the top level/,
  ],
  [
    'an unknown model name',
    'name: x\ndataset: { name: synthetic }\nmodel: { type: resnet }\n',
    /^error: .*bad\.yaml:3 \(field 'model\.type'\): unknown model 'resnet' \(known models: .*fused-attention-lstm/,
  ],
  [
    'a data set path that does not exist',
    'name: x\ndataset: { name: recordings, root: /no/such/data }\nmodel: { type: svm }\n',
    /^error: .*bad\.yaml:2 \(field 'dataset\.root'\): no such folder: \/no\/such\/data\n/,
  ],
];
for (const [what, text, message] of BAD) {
  Run(`bad input, ${what}: one clear message naming the place, no stack trace`, async () => {
    const r = await motionfuseInProcess(['run', experimentFile('bad.yaml', text)]);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.is(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.stderr);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
    assert.is(r.stdout, '');
  });
}

Run('bad --workers and --threads-per-worker values are named', () => {
  const file = experimentFile('ok.yaml', 'name: x\ndataset: { name: synthetic }\nmodel: { type: svm }\n');
  for (const [flag, value, message] of [
    ['--workers', '-1', /^error: --workers must be a whole number >= 0, got -1/],
    ['--threads-per-worker', '0', /^error: --threads-per-worker must be a whole number from 1 to 256, got 0/],
  ] as const) {
    const r = motionfuse(['run', file, flag, value, '--results', join(work, 'never')], env);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.not.ok(existsSync(join(work, 'never')), 'nothing written');
});

Run('a missing experiment file is named', async () => {
  const r = await motionfuseInProcess(['run', join(work, 'nothere.yaml')]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /^error: .*nothere\.yaml: no such file: /);
});

Run('schema writes the JSON Schema', () => {
  // A spawned process: the exit code and stdout as a shell sees them.
  const r = motionfuse(['schema'], env);
  assert.is(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> };
  assert.ok('sweep' in schema.properties && 'dataset' in schema.properties);
});

Run(
  'paper-reproduction.yaml: every missing data set listed at once, each with its place, and how to get them',
  async () => {
    const r = await motionfuseInProcess([
      'sweep',
      join(PROJECT_ROOT, 'experiments', 'paper-reproduction.yaml'),
      '--list',
    ]);
    assert.is(r.code, 2);
    for (const name of ['ucf101', 'hmdb51', 'kinetics400', 'sports1m'])
      assert.match(r.stderr, new RegExp(`\\n  ${name}: .*paper-reproduction\\.yaml:\\d+ .*no such folder: `));
    assert.match(r.stderr, /hint: `motionfuse datasets info ucf101`, .* say where to get each/);
  },
);

Run('the shipped experiments/experiment.schema.json is the schema of this version', async () => {
  const r = await motionfuseInProcess(['schema']);
  assert.equal(
    JSON.parse(r.stdout),
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'experiments', 'experiment.schema.json'), 'utf8')),
    'regenerate it: npx motionfuse schema --out experiments/experiment.schema.json',
  );
});

// In-process: a dozen answers of the same command, not a dozen processes.
Run('every shipped experiment file loads and expands', async () => {
  const dir = join(PROJECT_ROOT, 'experiments');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.includes('quickstart.yaml'), files.join(', '));
  for (const f of files) {
    const r = await motionfuseInProcess(['sweep', join(dir, f), '--list']);
    const plain = await motionfuseInProcess(['run', join(dir, f), '--list']);
    // paper-reproduction.yaml names data sets that are not shipped: it must say which, all at once.
    // A file over a data set that is not shipped (utd-mhad.yaml) must name the path it expects.
    const missingData = /^error: .*\.yaml:\d+ \(field 'dataset\.root'\): no such folder: /;
    assert.ok(
      r.code === 0 ||
        (r.code === 2 &&
          (/has no sweep: block|^error: data not found:\n( {2}\w+: .*no such (folder|file): .*\n)+hint: /.test(
            r.stderr,
          ) ||
            missingData.test(r.stderr))),
      `${f}: ${r.stderr}`,
    );
    assert.ok(plain.code === 0 || (plain.code === 2 && missingData.test(plain.stderr)), `${f}: ${plain.stderr}`);
    if (plain.code === 0) assert.match(plain.stdout, /\d+ trials? x \d+ folds/);
  }
});

Run.run();
