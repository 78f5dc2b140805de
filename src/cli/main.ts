import yargs, { type Argv } from 'yargs';
import { getLogLevel, setLogLevel, type LogLevel } from '../core/logger.ts';
import { BACKEND_PREFERENCES, type BackendPreference } from '../backend/select-backend.ts';
import { runDoctor, formatDoctorReport } from './doctor.ts';
import { PACKAGE } from './package-info.ts';
import { reportError } from './report-error.ts';
import { simulateCommand } from './simulate-command.ts';
import { evaluateCommand } from './evaluate-command.ts';
import { runCommands } from './run-command.ts';
import { keyframesCommand } from './keyframes-command.ts';
import { datasetsCommand } from './datasets-command.ts';
import { poseCommand } from './pose-command.ts';

/**
 * The command line. Exit codes: 0 success, 1 a bug (stack printed), 2 something the user can fix
 * (message and hint printed, stack only with --debug), and for `doctor` 1 when the core is unusable.
 */
interface GlobalArgs {
  backend?: BackendPreference;
  debug: boolean;
  'log-level': LogLevel;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let debug = argv.includes('--debug');
  const base = (yargs(argv) as Argv<GlobalArgs>)
    .scriptName('motionfuse')
    .usage('$0 <command> [options]')
    .epilogue('motionfuse: multimodal athlete motion recognition (video + wearable IMU). See README.md.')
    .option('backend', {
      choices: BACKEND_PREFERENCES,
      describe: 'TensorFlow.js backend (default: MOTIONFUSE_BACKEND, else auto: tfjs-node-gpu > tfjs-node > wasm > cpu)',
    })
    .option('debug', { type: 'boolean', default: false, describe: 'Print stack traces for all errors' })
    .option('log-level', { choices: ['error', 'warn', 'info', 'debug'] as const, default: getLogLevel(), describe: 'Logging detail (default: MOTIONFUSE_LOG, else info)' })
    .middleware((args) => {
      setLogLevel(args['log-level']);
      debug = args.debug;
    })
    .command(
      'doctor',
      'Report what this machine can do: Node, the tensor backend (and why), training, ffmpeg, serial, Bluetooth, Chromium',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' }),
      async (args) => {
        const report = await runDoctor(args.backend === undefined ? {} : { backend: args.backend });
        process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report)}\n`);
        if (!report.coreUsable) exitCode = 1;
      },
    )
  const cli = datasetsCommand(poseCommand(keyframesCommand(runCommands(evaluateCommand(simulateCommand(base))))))
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .version(PACKAGE.version)
    .alias('h', 'help')
    .alias('v', 'version')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`error: ${msg}\nRun 'motionfuse --help' for usage.\n`);
      exitCode = 2;
    });

  try {
    await cli.parseAsync();
  } catch (err) {
    return reportError(err, debug);
  }
  // A command may set its own code (a run stopped by Ctrl-C exits 130).
  return exitCode !== 0 ? exitCode : typeof process.exitCode === 'number' ? process.exitCode : 0;
}
