import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { DoctorReport } from '../../src/cli/doctor.ts';
import { motionfuse } from '../helpers/run-cli.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const Cli = suite('motionfuse CLI');

Cli('--help lists the commands and global options', () => {
  const r = motionfuse(['--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /motionfuse doctor/);
  assert.match(r.stdout, /--backend/);
});

Cli('--version prints the package version', () => {
  const r = motionfuse(['--version']);
  assert.is(r.code, 0);
  assert.is(r.stdout.trim(), pkg.version);
});

Cli('an unknown command exits 2 with a short message and no stack trace', () => {
  const r = motionfuse(['frobnicate']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /error: Unknown argument: frobnicate/);
  assert.not.match(r.stderr, /\n\s+at /);
});

Cli('an unknown option stops the command before it runs (exit 2, nothing on stdout)', () => {
  const r = motionfuse(['datasets', 'info', 'synthetic', '--frobnicate']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /error: Unknown argument: frobnicate/);
  assert.is(r.stdout, '');
});

Cli('doctor reports every check and exits 0 when a backend can train', () => {
  const r = motionfuse(['doctor', '--json']);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as DoctorReport;
  assert.equal(
    report.checks.map((c) => c.name),
    ['node', 'backend', 'training', 'native kernels', 'ffmpeg', 'serial port', 'bluetooth', 'chromium'],
  );
  assert.ok(report.coreUsable);
  const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
  assert.is(byName['training']?.status, 'ok');
  assert.match(byName['training']?.summary ?? '', /loss [\d.]+ -> [\d.]+/);
  // Built by the install step; the wasm backend uses it (unless the user turned it off).
  if (process.env['MOTIONFUSE_NATIVE'] === 'off') {
    assert.is(byName['native kernels']?.status, 'missing');
    assert.match(byName['native kernels']?.summary ?? '', /disabled by MOTIONFUSE_NATIVE=off/);
  } else {
    assert.is(byName['native kernels']?.status, 'ok', byName['native kernels']?.summary);
    assert.match(byName['native kernels']?.summary ?? '', /threads? \(used (only )?by the wasm backend\)/);
  }
  // Each optional part is either working or says why not.
  for (const name of ['ffmpeg', 'serial port', 'bluetooth', 'chromium']) {
    const c = byName[name];
    assert.ok(c && c.summary.length > 10, `${name}: no explanation`);
  }
  assert.is(byName['ffmpeg']?.status, 'ok', 'ffmpeg ships with npm install');
  assert.ok(report.backend);
  assert.is(report.backend.attempts.at(-1)?.ok, true);
});

Cli('doctor in text form names the backend and why', () => {
  const r = motionfuse(['doctor']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /backend\s+ok\s+(wasm|tensorflow)/);
  assert.match(r.stdout, /core: usable/);
});

Cli('doctor exits non-zero when the requested backend cannot be had', () => {
  const r = motionfuse(['doctor'], { MOTIONFUSE_BACKEND: 'gpu' });
  assert.is(r.code, 1);
  assert.match(r.stdout, /backend\s+missing\s+MOTIONFUSE_BACKEND: unknown backend 'gpu'/);
  assert.match(r.stdout, /core: NOT usable/);
});

Cli('--backend cpu is honoured', () => {
  const r = motionfuse(['--backend', 'cpu', 'doctor', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is((JSON.parse(r.stdout) as DoctorReport).backend?.name, 'cpu');
});

Cli('an unknown MOTIONFUSE_LOG is reported, not fatal', () => {
  const r = motionfuse(['--version'], { MOTIONFUSE_LOG: 'loud' });
  assert.is(r.code, 0);
  assert.match(r.stderr, /MOTIONFUSE_LOG='loud' is not one of error, warn, info, debug; using info/);
});

Cli.run();

const Errors = suite('reportError');
function capture() {
  let text = '';
  return {
    stream: {
      write: (t: string) => {
        text += t;
      },
    },
    text: () => text,
  };
}
Errors('prints a user error as message and hint, without a stack, and returns 2', async () => {
  const { UserError } = await import('../../src/core/errors.ts');
  const { reportError } = await import('../../src/cli/report-error.ts');
  const out = capture();
  assert.is(reportError(new UserError('no such file: a.yaml', 'Check the path.'), false, out.stream), 2);
  assert.is(out.text(), 'error: no such file: a.yaml\nhint: Check the path.\n');
  const debug = capture();
  reportError(new UserError('x', 'y'), true, debug.stream);
  assert.match(debug.text(), /\n\s+at /);
});
Errors('prints anything else as an internal error with its stack, and returns 1', async () => {
  const { reportError } = await import('../../src/cli/report-error.ts');
  const out = capture();
  assert.is(reportError(new TypeError('undefined is not a function'), false, out.stream), 1);
  assert.match(
    out.text(),
    /^motionfuse: internal error \(a bug; please report it with this output\)\nTypeError: undefined is not a function\n\s+at /,
  );
});
Errors.run();
