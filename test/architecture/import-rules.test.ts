import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PROJECT_ROOT } from '../helpers/run-cli.ts';

/**
 * The module map of docs/architecture.md holds: no import against a folder's "may import" cell,
 * no import cycle (dependency-cruiser with .dependency-cruiser.cjs, as `npm run lint` runs it), and
 * the rules in .dependency-cruiser.cjs say what the table says.
 */

interface FolderRule {
  name: string;
  from: { path?: string };
  to: { path?: string; pathNot?: string[] };
}

const config = createRequire(import.meta.url)(join(PROJECT_ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: FolderRule[];
};

/** `src/<folder>` (or `sensors`) -> the src folders its rule lets it import, from the config. */
function ruleTable(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const rule of config.forbidden) {
    const m = /^(\w+)-may-import$/.exec(rule.name);
    if (m === null) continue;
    const folder = m[1] === 'sensors' ? 'sensors' : `src/${m[1]}`;
    const allowed = (rule.to.pathNot ?? [])
      .map((p) => /^\^src\/(\w+)\/$/.exec(p)?.[1])
      .filter((f): f is string => f !== undefined && `src/${f}` !== folder);
    table.set(folder, allowed.sort());
  }
  return table;
}

/** The module map's rows for `src/<folder>/` and `sensors/` -> the backticked folder names of the "may import" cell (bench/ and test/ rows are prose). */
function docTable(): Map<string, string[] | 'everything'> {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'architecture.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Module map'));
  if (section === undefined) throw new Error('docs/architecture.md has no "## Module map" section');
  const table = new Map<string, string[] | 'everything'>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const folder = /^`(src\/\w+|sensors)\/`$/.exec(cells[1] ?? '')?.[1];
    if (folder === undefined) continue;
    const mayImport = cells[cells.length - 2] ?? '';
    table.set(
      folder,
      /everything/.test(mayImport)
        ? 'everything'
        : [...mayImport.matchAll(/`(\w+)`/g)].map((x) => x[1] as string).sort(),
    );
  }
  return table;
}

const Rules = suite('import rules');

Rules('every folder of src/ and sensors/ has a row in the module map, and the rules say what the table says', () => {
  const doc = docTable();
  const rules = ruleTable();
  const folders = readdirSync(join(PROJECT_ROOT, 'src'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `src/${d.name}`);
  for (const folder of [...folders, 'sensors'])
    assert.ok(doc.has(folder), `${folder}/ has no row in the module map of docs/architecture.md`);
  for (const folder of folders.filter((f) => f !== 'src/cli'))
    assert.ok(rules.has(folder), `${folder}/ has no "may import" rule in .dependency-cruiser.cjs`);
  for (const [folder, allowed] of rules)
    assert.equal(doc.get(folder), allowed, `${folder}: the table's "may import" and .dependency-cruiser.cjs differ`);
  for (const [folder, allowed] of doc) {
    if (allowed === 'everything')
      assert.is(folder, 'src/cli', `${folder} may import everything, but only cli has no rule`);
    else assert.ok(rules.has(folder), `${folder} is in the table but has no rule in .dependency-cruiser.cjs`);
  }
});

Rules('no import breaks the table and no module imports itself in a circle', async () => {
  const options = await extractDepcruiseOptions(join(PROJECT_ROOT, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(join(PROJECT_ROOT, 'tsconfig.json'));
  const cwd = process.cwd();
  process.chdir(PROJECT_ROOT);
  try {
    const result = await cruise(['src', 'sensors', 'bench', 'test'], { ...options, validate: true }, undefined, {
      tsConfig,
    });
    const output = result.output as ICruiseResult;
    const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    assert.equal(violations, []);
    assert.ok(output.summary.totalCruised > 150, `only ${output.summary.totalCruised} modules were read`);
  } finally {
    process.chdir(cwd);
  }
});

Rules.run();
