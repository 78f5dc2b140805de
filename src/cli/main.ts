import yargs, { type Argv } from 'yargs';
import { getLogLevel, setLogLevel, type LogLevel } from '../core/logger.ts';
import { BACKEND_PREFERENCES, type BackendPreference } from '../backend/backend-preference.ts';
import { PACKAGE } from './package-info.ts';
import { reportError } from './report-error.ts';

/**
 * The command line. Exit codes: 0 success, 1 a bug (stack printed), 2 something the user can fix
 * (message and hint printed, stack only with --debug), and for `doctor` 1 when the core is unusable.
 */
interface GlobalArgs {
  backend?: BackendPreference;
  debug: boolean;
  'log-level': LogLevel;
}

type AddCommands = <T>(cli: Argv<T>) => Argv<T>;

/**
 * Each command's module by the words that start it. Only the module of the command asked for is
 * loaded (all of them for --help or an unknown word), so that `motionfuse --version` or a
 * mistyped experiment file answers without loading TensorFlow.js, ffmpeg helpers or the models.
 */
const loadRunCommands = async (): Promise<AddCommands> => (await import('./run-command.ts')).runCommands;
const loadWorkerCommands = async (): Promise<AddCommands> => (await import('./worker-command.ts')).workerCommands;
const COMMAND_MODULES: Record<string, () => Promise<AddCommands>> = {
  doctor: async () => (await import('./doctor-command.ts')).doctorCommand,
  simulate: async () => (await import('./simulate-command.ts')).simulateCommand,
  'simulate-device': async () => (await import('./simulate-device-command.ts')).simulateDeviceCommand,
  sensors: async () => (await import('./sensors-command.ts')).sensorsCommand,
  record: async () => (await import('./record-command.ts')).recordCommand,
  evaluate: async () => (await import('./evaluate-command.ts')).evaluateCommand,
  run: loadRunCommands,
  sweep: loadRunCommands,
  report: loadRunCommands,
  schema: loadRunCommands,
  keyframes: async () => (await import('./keyframes-command.ts')).keyframesCommand,
  pose: async () => (await import('./pose-command.ts')).poseCommand,
  datasets: async () => (await import('./datasets-command.ts')).datasetsCommand,
  jumps: async () => (await import('./jumps-command.ts')).jumpsCommand,
  session: async () => (await import('./session-command.ts')).sessionCommand,
  live: async () => (await import('./live-command.ts')).liveCommand,
  deploy: async () => (await import('./deploy-command.ts')).deployCommand,
  serve: async () => (await import('./serve-command.ts')).serveCommand,
  worker: loadWorkerCommands,
  'run-unit': loadWorkerCommands,
};

/** Global options that take a value, to find the command word behind them. */
const VALUED_GLOBALS = new Set(['--backend', '--log-level']);

/** The command word of argv, if it names a command. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (VALUED_GLOBALS.has(a)) i++;
    else if (!a.startsWith('-')) return Object.hasOwn(COMMAND_MODULES, a) ? a : undefined;
  }
  return undefined;
}

/** The command modules argv needs: its command's, or every one (help, no command, an unknown word), in help order. */
async function commandsFor(argv: readonly string[]): Promise<AddCommands[]> {
  const word = commandWord(argv);
  if (word === undefined && argv.some((a) => a === '--version' || a === '-v')) return [];
  const loaders =
    word === undefined
      ? [...new Set(Object.values(COMMAND_MODULES))]
      : [COMMAND_MODULES[word] as () => Promise<AddCommands>];
  return Promise.all(loaders.map((load) => load()));
}

/** A command line yargs refused (unknown option, bad choice, missing argument): exit 2. */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  const base = (yargs(argv) as Argv<GlobalArgs>)
    .scriptName('motionfuse')
    .usage('$0 <command> [options]')
    .epilogue('motionfuse: multimodal athlete motion recognition (video + wearable IMU). See README.md.')
    .option('backend', {
      choices: BACKEND_PREFERENCES,
      describe:
        'TensorFlow.js backend (default: MOTIONFUSE_BACKEND, else auto: tfjs-node-gpu > tfjs-node > wasm > cpu)',
    })
    .option('debug', { type: 'boolean', default: false, describe: 'Print stack traces for all errors' })
    .option('log-level', {
      choices: ['error', 'warn', 'info', 'debug'] as const,
      default: getLogLevel(),
      describe: 'Logging detail (default: MOTIONFUSE_LOG, else info)',
    })
    .middleware((args) => {
      setLogLevel(args['log-level']);
      debug = args.debug;
    });
  const withCommands = (await commandsFor(argv)).reduce<Argv<GlobalArgs>>((cli, add) => add(cli), base);
  const cli = withCommands
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .version(PACKAGE.version)
    .alias('h', 'help')
    .alias('v', 'version')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      // Thrown, not just printed: yargs would otherwise go on and run the command's handler.
      throw new UsageError(msg);
    });

  try {
    await cli.parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\nRun 'motionfuse --help' for usage.\n`);
      return 2;
    }
    return reportError(err, debug);
  }
  // A command may set its own code (a run stopped by Ctrl-C exits 130).
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
