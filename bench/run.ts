/**
 * `npm run bench -- NAME [options]`: runs one benchmark and prints its result as one JSON line on
 * stdout (logs go to stderr), so scripts such as ../shared/bench/compare.sh can read the last line.
 */
import yargs from 'yargs';
import { selectBackend, BACKEND_PREFERENCES, type BackendPreference } from '../src/backend/select-backend.ts';
import { setLogLevel } from '../src/core/logger.ts';
import { benchRefNet } from './refnet.ts';

await yargs(process.argv.slice(2))
  .scriptName('npm run bench --')
  .option('backend', { choices: BACKEND_PREFERENCES, describe: 'TensorFlow.js backend (default: auto)' })
  .option('quiet', { type: 'boolean', default: false, describe: 'Only the JSON line' })
  .command(
    'refnet',
    'RefNet (../shared/BENCHMARK.md): training samples/s at batch 32 and batch-1 inference latency',
    (y) => y.option('seconds', { type: 'number', default: 10, describe: 'Training time; inference is timed for half of it' }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      if (!(args.seconds > 0)) throw new Error(`--seconds must be > 0, got ${args.seconds}`);
      await selectBackend(args.backend as BackendPreference | undefined);
      const result = await benchRefNet(args.seconds);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
  )
  .demandCommand(1, 'Name a benchmark: refnet')
  .strict()
  .help()
  .parseAsync();
