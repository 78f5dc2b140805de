import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../helpers/run-cli.ts';

/** The house rule: a source file over 400 lines says why in its first line (`// Over 400 lines: ...`). */

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'build' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(d.name) ? [path] : [];
  });
}

const FileSize = suite('file size');

FileSize('every file in src/ and sensors/ over 400 lines gives its reason in its first line', () => {
  const files = ['src', 'sensors'].flatMap((d) => sourceFiles(join(PROJECT_ROOT, d)));
  assert.ok(files.length > 100, `only ${files.length} files found`);
  const unexplained = files
    .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n') }))
    .filter(({ lines }) => lines.length > 400 && !/^\/\/ Over 400 lines: \S/.test(lines[0] ?? ''))
    .map(({ f, lines }) => `${relative(PROJECT_ROOT, f)} (${lines.length} lines)`);
  assert.equal(unexplained, []);
});

FileSize.run();
