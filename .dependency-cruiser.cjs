// The import rules of docs/architecture.md's module map, enforced by `npm run lint` (depcruise) and by
// test/architecture/import-rules.test.ts, which also checks that LAYERS says what the table's
// "may import" column says. A folder of src/ may import itself and the folders listed for it;
// cli may import everything and nothing imports cli; any import cycle between modules is an error.

/** src/<folder> -> the src/ folders it may import (besides itself). */
const LAYERS = {
  core: [],
  formats: ['core'],
  backend: ['core'],
  imu: ['core'],
  video: ['core'],
  pose: ['core', 'backend', 'video'],
  biomech: ['core', 'imu', 'pose'],
  augment: ['core'],
  sync: ['core', 'imu'],
  data: ['core', 'formats', 'imu', 'video', 'pose', 'sync'],
  inputs: ['core', 'backend', 'imu', 'video', 'pose', 'augment', 'data'],
  models: ['core', 'backend', 'inputs'],
  train: ['core', 'backend', 'data', 'inputs', 'models'],
  explain: ['core', 'backend', 'inputs', 'models', 'train'],
  live: ['core', 'backend', 'imu', 'inputs', 'train', 'biomech', 'sync', 'models'],
  report: ['core', 'pose', 'video', 'biomech', 'train', 'explain'],
  experiments: ['core', 'backend', 'augment', 'data', 'inputs', 'models', 'train', 'biomech', 'explain', 'report'],
  deploy: ['core', 'formats', 'backend', 'data', 'inputs', 'models', 'train', 'experiments', 'report'],
  cli: ['*'],
};
/** sensors/ (hardware-facing code) may import these src/ folders only. */
const SENSORS = ['core', 'formats', 'sync'];

const folderRule = (folder) => ({
  name: `${folder}-may-import`,
  severity: 'error',
  comment: `src/${folder}/ may import only ${LAYERS[folder].length === 0 ? 'itself' : LAYERS[folder].map((d) => `src/${d}/`).join(', ')} (docs/architecture.md)`,
  from: { path: `^src/${folder}/` },
  to: { path: '^(src|sensors|test|bench)/', pathNot: [`^src/${folder}/`, ...LAYERS[folder].map((d) => `^src/${d}/`)] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'modules import each other in a circle',
      from: {},
      to: { circular: true },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'src/cli/ is the top: nothing in src/, sensors/ or bench/ imports it (tests may)',
      from: { path: '^(src|sensors|bench)/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-is-not-test',
      severity: 'error',
      comment: 'src/ and sensors/ never import test/ or bench/',
      from: { path: '^(src|sensors)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'sensors-may-import',
      severity: 'error',
      comment: `sensors/ may import only ${SENSORS.map((d) => `src/${d}/`).join(', ')} (docs/architecture.md)`,
      from: { path: '^sensors/' },
      to: { path: '^src/', pathNot: SENSORS.map((d) => `^src/${d}/`) },
    },
    ...Object.keys(LAYERS)
      .filter((f) => !LAYERS[f].includes('*'))
      .map(folderRule),
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to no file',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|src/backend/native/build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
