import type { Argv } from 'yargs';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { QUANTIZATIONS, type Quantization } from '../deploy/quantize-weights.ts';
import type { DeployReport } from '../report/deploy-section.ts';
import { inputSetCache } from './run-environment.ts';

/**
 * `motionfuse deploy RUN_DIR`: a trial's saved models quantised and pruned, each variant saved in
 * TensorFlow.js's format with its preprocessing, measured for size, held-out accuracy and latency.
 */
export function deployCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'deploy <run>',
    "Export a run's saved models for edge devices (float32, float16, int8, pruned) with a size / accuracy / latency table",
    (y) =>
      y
        .positional('run', {
          type: 'string',
          demandOption: true,
          describe: 'Run folder (results/<experiment>/<run-id>) or experiment folder (its latest run)',
        })
        .option('trial', { type: 'string', describe: 'Trial id or label (needed when several trials saved models)' })
        .option('quantize', {
          type: 'array',
          string: true,
          choices: QUANTIZATIONS,
          default: [] as string[],
          describe: 'Quantised variants to add to float32 (int8: affine uint8 kernels; float16: half floats)',
        })
        .option('prune', { type: 'number', describe: 'Magnitude-prune the kernels to this sparsity (0-1), e.g. 0.5' })
        .option('fine-tune', {
          type: 'number',
          describe: "Fine-tune the pruned model this many epochs on each fold's training samples, the mask held",
        })
        .option('out', {
          type: 'string',
          demandOption: true,
          describe: 'Folder for the variants (OUT/<variant>/fold-<k>/) and deploy.json',
        })
        .option('latency-runs', {
          type: 'number',
          default: 50,
          describe: 'Timed batch-1 predictions per variant and backend (0: skip latency)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print the table as JSON' }),
    async (args) => {
      const { selectBackend } = await import('../backend/select-backend.ts');
      await selectBackend(args['backend' as keyof typeof args] as BackendPreference | undefined);
      const { deployRun } = await import('../deploy/deploy-run.ts');
      const { writeRunReport } = await import('../experiments/write-run-report.ts');
      const report = await deployRun({
        run: args.run as string,
        ...(args.trial === undefined ? {} : { trial: args.trial }),
        quantize: args.quantize as Quantization[],
        ...(args.prune === undefined ? {} : { prune: args.prune }),
        ...(args['fine-tune'] === undefined ? {} : { fineTune: args['fine-tune'] }),
        out: args.out,
        cache: { ...(await inputSetCache()), progress: !args.json },
        latencyRuns: args['latency-runs'],
      });
      const html = await writeRunReport(report.runDir);
      if (args.json) console.log(JSON.stringify(report));
      else printTable(report, html);
    },
  );
}

function printTable(r: DeployReport, html: string): void {
  const focus = r.variants[0]?.class_error[0]?.[0] ?? '';
  const backends = r.backends.filter((b) => b.ok).map((b) => b.backend);
  const head = [
    'variant',
    'bytes',
    'gzip',
    'of f32',
    'acc %',
    'Δ pts',
    `${focus} err %`,
    ...backends.map((b) => `${b} p50/p99 ms`),
  ];
  const rows = r.variants.map((v) => [
    v.variant,
    String(v.size_bytes),
    String(v.gzip_bytes),
    `${(100 * v.size_ratio).toFixed(1)}%`,
    (100 * v.accuracy).toFixed(1),
    v.accuracy_delta_points.toFixed(1),
    (100 * (v.class_error[0]?.[1] ?? Number.NaN)).toFixed(1),
    ...backends.map((b) => {
      const l = v.latency[b];
      return l === null || l === undefined ? 'n/a' : `${l.p50_ms.toFixed(2)}/${l.p99_ms.toFixed(2)}`;
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`trial ${r.trialId} (${r.label}), held-out folds ${r.folds.map((f) => f + 1).join(', ')}`);
  console.log(line(head));
  for (const row of rows) console.log(line(row));
  for (const b of r.backends.filter((x) => !x.ok)) console.log(`${b.backend}: not measured: ${b.detail}`);
  for (const n of r.notes) console.log(n);
  console.log(`models and deploy.json in ${r.out}; report: ${html}`);
}
