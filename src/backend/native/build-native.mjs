#!/usr/bin/env node
// Builds motionfuse's native kernels (./cc) with node-gyp. Run by `npm install` (the package's
// install script) and by `npm run build:native`. The kernels are optional: when the build fails
// (no C++ compiler, no headers), the install still succeeds and motionfuse runs on its WASM
// kernels; `motionfuse doctor` reports which. With --strict (build:native) a failure exits 1.
// Plain JavaScript on purpose: it runs before anything else is set up.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');
const addonPath = join(here, 'build', 'Release', 'motionfuse_native.node');

function done(ok, message) {
  console.error(`motionfuse: ${message}`);
  process.exit(ok || !strict ? 0 : 1);
}

if (process.env.MOTIONFUSE_NATIVE === 'off')
  done(true, 'native kernels skipped (MOTIONFUSE_NATIVE=off); the WASM kernels will be used');

// npm hands its bundled node-gyp to scripts in npm_config_node_gyp; outside npm, look beside node.
const prefix = dirname(dirname(process.execPath));
const candidates = [
  process.env.npm_config_node_gyp,
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(prefix, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
];
let nodeGyp = candidates.find((p) => p !== undefined && p !== '' && existsSync(p));
if (nodeGyp === undefined) {
  try {
    nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    done(false, 'native kernels not built: node-gyp not found (it comes with npm); the WASM kernels will be used');
  }
}

const args = [nodeGyp, 'rebuild', '--directory', here, '--jobs', String(availableParallelism())];
// Use the headers installed with Node when there are any, so no download is needed (offline machines).
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h')))
  args.push(`--nodedir=${prefix}`);

const started = Date.now();
const build = spawnSync(process.execPath, args, { stdio: strict ? 'inherit' : 'pipe', encoding: 'utf8' });
if (build.status !== 0) {
  rmSync(addonPath, { force: true });
  const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  done(
    false,
    `native kernels not built (node-gyp exited ${build.status ?? build.signal}); the WASM kernels will be used.${output ? `\n${output}` : ''}\nRun \`npm run build:native\` to retry with the full log.`,
  );
}

// A built addon that cannot run here (a compiler or CPU mismatch) must not be left for the loader.
const check = spawnSync(
  process.execPath,
  [
    '-e',
    `
  const n = require(${JSON.stringify(addonPath)});
  const c = new Float32Array(4);
  n.matMul(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), c, 1, 2, 2, 2, false, false, 0, 0, false);
  if (c.join() !== '19,22,43,50') throw new Error('wrong product ' + c.join());
  console.log(JSON.stringify(n.info()));
`,
  ],
  { encoding: 'utf8' },
);
if (check.status !== 0) {
  rmSync(addonPath, { force: true });
  done(
    false,
    `native kernels built but failed their self-check; the WASM kernels will be used.\n${check.stderr.trim()}`,
  );
}
const info = JSON.parse(check.stdout);
done(
  true,
  `native kernels built in ${((Date.now() - started) / 1000).toFixed(1)} s (${info.isa}, ${info.threads} threads)`,
);
