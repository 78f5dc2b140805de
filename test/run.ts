/**
 * Runs every test/**\/*.test.ts with uvu in this one process (started with tsx's loader), then
 * prints a plain `uvu: N passed, N failed, N skipped` line that CI tools read, since uvu's own
 * summary is a multi-line table. `npm test -- PATTERN` runs only files whose path matches PATTERN.
 */
import { fileURLToPath } from 'node:url';
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2];
const ctx = await parse('test', /\.test\.ts$/, { cwd: root });
const suites = filter ? ctx.suites.filter((s) => s.name.includes(filter)) : ctx.suites;
if (suites.length === 0) {
  process.stderr.write(`no test file matches '${filter ?? ''}'\n`);
  process.exit(1);
}

// Keep the tail of what uvu prints so its totals can be read back.
let tail = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  tail = (tail + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))).slice(-4000);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

await run(suites, { bail: false });

process.stdout.write = write;
const plain = tail.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? Number.NaN);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? Number.NaN);
const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? Number.NaN);
if (Number.isNaN(total) || Number.isNaN(passed)) {
  process.stdout.write('uvu: could not read the totals\n');
  process.exitCode = 1;
} else {
  // uvu's Total counts the tests that ran; skipped ones are reported apart.
  const failed = total - passed;
  process.stdout.write(`uvu: ${passed} passed, ${failed} failed, ${Number.isNaN(skipped) ? 0 : skipped} skipped\n`);
  if (failed > 0) process.exitCode = 1;
}
