/**
 * `npm run bench -- NAME [options]`: runs one benchmark and prints its result as one JSON line on
 * stdout (logs go to stderr), so scripts such as ../shared/bench/compare.sh can read the last line.
 */
import yargs from 'yargs';
import { selectBackend } from '../src/backend/select-backend.ts';
import { BACKEND_PREFERENCES, type BackendPreference } from '../src/backend/backend-preference.ts';
import { setLogLevel } from '../src/core/logger.ts';
import { benchRefNet } from './refnet.ts';
import { benchRefNetBranches } from './refnet-branches.ts';
import { benchGemm } from './gemm.ts';
import { benchEncoders } from './encoders.ts';
import type { StgcnOptions } from '../src/models/encoders/stgcn-options.ts';
import { benchSynthetic } from './synthetic.ts';
import { benchSensorDecoding } from './sensor-decoding.ts';
import { benchTrainFusion } from './train-fusion.ts';
import { benchFusionSteps } from './fusion-step.ts';
import { benchMemory } from './memory.ts';
import { benchSweepWorkers, parseSweepConfig } from './sweep-workers.ts';
import { benchDistributedSweep } from './distributed-sweep.ts';
import { benchDecodeKeyframes, SHARED_VIDEO_DIR } from './decode-keyframes.ts';
import { benchBleDecoding } from './ble-decoding.ts';
import { benchRecordSession } from './record-session.ts';
import { defaultWorkerCount } from '../src/data/synthetic/take-pool.ts';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../src/backend/wasm-kernels/register.ts';

/** On wasm, selects the kernel set and says which ran: 'native avx2+fma, 2 threads' or 'js kernels'. */
function useKernels(kernels: 'native' | 'js'): string {
  if (tf.getBackend() !== 'wasm') return tf.getBackend();
  const { native } = registerWasmTrainingKernels({ native: kernels === 'native' });
  return native.used
    ? `wasm, native kernels ${native.reason}`
    : `wasm, js kernels${kernels === 'native' ? ` (native: ${native.reason})` : ''}`;
}

await yargs(process.argv.slice(2))
  .scriptName('npm run bench --')
  .option('backend', { choices: BACKEND_PREFERENCES, describe: 'TensorFlow.js backend (default: auto)' })
  .option('quiet', { type: 'boolean', default: false, describe: 'Only the JSON line' })
  .option('kernels', {
    choices: ['native', 'js'] as const,
    default: 'native' as const,
    describe: "On wasm: the native addon's kernels (when built) or the JavaScript ones",
  })
  .command(
    'refnet',
    'RefNet (../shared/BENCHMARK.md): training samples/s at batch 32 and batch-1 inference latency',
    (y) =>
      y
        .option('seconds', {
          type: 'number',
          default: 10,
          describe: 'Training time; inference is timed for half of it',
        })
        .option('layers', {
          choices: ['fast', 'stock'] as const,
          default: 'fast' as const,
          describe: "motionfuse's fast layers, or tfjs's stock ones for comparison",
        })
        .option('inference', {
          choices: ['compiled', 'tfjs'] as const,
          default: 'compiled' as const,
          describe:
            'Batch-1 inference as a compiled forward (src/models/inference; tfjs when the addon is not built) or model.predict',
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      if (!(args.seconds > 0)) throw new Error(`--seconds must be > 0, got ${args.seconds}`);
      await selectBackend(args.backend as BackendPreference | undefined);
      const kernels = useKernels(args.kernels);
      const result = await benchRefNet(args.seconds, args.layers, kernels, args.inference);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
  )
  .command(
    'refnet-branches',
    "RefNet's cost per branch (IMU conv, each LSTM, each attention, video dense, head): train step at batch 32 and batch-1 forward, ms",
    (y) =>
      y.option('repeats', { type: 'number', default: 7, describe: 'Timed repetitions per branch (median reported)' }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      await selectBackend(args.backend as BackendPreference | undefined);
      const kernels = useKernels(args.kernels);
      const branches = benchRefNetBranches(args.repeats);
      const total = (k: 'train_ms' | 'infer_ms') =>
        Number(
          Object.values(branches)
            .reduce((s, b) => s + b[k], 0)
            .toFixed(3),
        );
      process.stdout.write(
        `${JSON.stringify({ impl: `motionfuse tfjs-${tf.version.tfjs} ${kernels}`, backend: tf.getBackend(), batch: 32, branches, sum_train_ms: total('train_ms'), sum_infer_ms: total('infer_ms') })}\n`,
      );
    },
  )
  .command(
    'encoders',
    'The ST-GCN and temporal CNN encoders: train step at batch 32 (wall and CPU ms), taking turns',
    (y) =>
      y
        .option('repeats', { type: 'number', default: 15, describe: 'Timed steps per encoder (median reported)' })
        .option('stgcn', {
          type: 'array',
          string: true,
          default: [] as string[],
          describe: 'More ST-GCN sizes to compare, each as JSON options, e.g. \'{"channels":[16,32],"strides":[2,2]}\'',
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      await selectBackend(args.backend as BackendPreference | undefined);
      const kernels = useKernels(args.kernels);
      const encoders = benchEncoders(
        args.repeats,
        args.stgcn.map((s) => JSON.parse(s) as Partial<StgcnOptions>),
      );
      process.stdout.write(
        `${JSON.stringify({ impl: `motionfuse tfjs-${tf.version.tfjs} ${kernels}`, backend: tf.getBackend(), batch: 32, encoders })}\n`,
      );
    },
  )
  .command(
    'gemm',
    "The native addon's matrix product on RefNet's shapes: ms per product and GFLOP/s",
    (y) => y.option('repeats', { type: 'number', default: 21, describe: 'Timed batches per shape (median reported)' }),
    (args) => {
      if (args.quiet) setLogLevel('warn');
      process.stdout.write(`${JSON.stringify(benchGemm(args.repeats))}\n`);
    },
  )
  .command(
    'synthetic',
    'Generating the synthetic data set (default 12 subjects x 10 actions x 10 takes of 2 s): seconds and takes/s',
    (y) =>
      y
        .option('workers', {
          type: 'number',
          default: defaultWorkerCount(),
          describe: 'Worker threads (0: all in this thread)',
        })
        .option('subjects', { type: 'number', default: 12 })
        .option('clips', { type: 'number', default: 10, describe: 'Takes per action and subject' })
        .option('disk', {
          type: 'boolean',
          default: false,
          describe: 'Also write each take in the recording layout (FFV1 video, XDF) to a temporary folder',
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      process.stdout.write(
        `${JSON.stringify(await benchSynthetic({ workers: args.workers, subjects: args.subjects, clips: args.clips, disk: args.disk }))}\n`,
      );
    },
  )
  .command(
    'fusion-step',
    "npm start's fused attention-LSTM and UTD-MHAD's joint fusion (or --experiment's network) against their PyTorch twin (bench/fusion_step_torch.py), taking turns: train step at batch 32, batch-1 latency, per branch, as ratios",
    (y) =>
      y
        .option('models', {
          type: 'array',
          string: true,
          default: ['quickstart', 'utd-mhad-joint'],
          describe: 'Networks to time (see FUSION_STEP_MODELS in bench/fusion-step.ts)',
        })
        .option('experiment', {
          type: 'string',
          describe: "Instead: the network of this experiment file's first trial",
        })
        .option('set', {
          type: 'array',
          string: true,
          default: [] as string[],
          describe: 'key=value overrides of the files, as motionfuse sweep --set',
        })
        .option('rounds', { type: 'number', default: 3, describe: 'Rounds, each the twin then ours' })
        .option('seconds', {
          type: 'number',
          default: 3,
          describe: 'Training seconds per round and side; inference is timed for half of it',
        })
        .option('warmup', {
          type: 'number',
          default: 1,
          describe: 'Warm-up seconds of training steps before timing, on both sides (3 steps at least)',
        })
        .option('repeats', { type: 'number', default: 5, describe: 'Timed repetitions per branch (median reported)' })
        .option('python', {
          type: 'string',
          default: '/usr/bin/python3',
          describe: 'Python with PyTorch (Debian python3-torch)',
        })
        .option('layout', {
          choices: ['nhwc', 'nchw'] as const,
          default: 'nhwc' as const,
          describe: "The twin's frames: channels_last (our data's layout; PyTorch's faster path here) or its default",
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      if (!(args.seconds > 0)) throw new Error(`--seconds must be > 0, got ${args.seconds}`);
      if (!(Number.isInteger(args.rounds) && args.rounds > 0))
        throw new Error(`--rounds must be a whole number > 0, got ${args.rounds}`);
      if (!(args.warmup >= 0)) throw new Error(`--warmup must be >= 0, got ${args.warmup}`);
      await selectBackend(args.backend as BackendPreference | undefined);
      const kernels = useKernels(args.kernels);
      const result = await benchFusionSteps({
        models: args.models as string[],
        ...(args.experiment === undefined ? {} : { experiment: args.experiment }),
        set: args.set as string[],
        rounds: args.rounds,
        seconds: args.seconds,
        warmup: args.warmup,
        repeats: args.repeats,
        python: args.python,
        layout: args.layout,
        kernels,
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
  )
  .command(
    'memory',
    "Peak memory (MB) of npm start's sweep (fresh results and input cache) and of the same sweep with 3 fold workers: the process tree's peak RSS and the sum of each process's peak",
    (y) =>
      y
        .option('experiment', { type: 'string', default: 'experiments/quickstart.yaml' })
        .option('workers', {
          type: 'array',
          string: true,
          default: ['file', '3'],
          describe: "Fold workers of each run, in order: a number, or 'file' for the file's own setting",
        })
        .option('set', {
          type: 'array',
          string: true,
          default: [] as string[],
          describe: 'key=value overrides for every run (e.g. train.epochs=2)',
        })
        .option('interval', { type: 'number', default: 200, describe: 'Sampling interval, ms' }),
    async (args) => {
      const workers = (args.workers as string[]).map((w) => {
        if (w === 'file') return undefined;
        if (!/^\d+$/.test(w)) throw new Error(`--workers takes numbers or 'file', got '${w}'`);
        return Number(w);
      });
      const result = await benchMemory({
        experiment: args.experiment,
        workers,
        set: args.set as string[],
        intervalMs: args.interval,
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
  )
  .command(
    'train-fusion',
    'Training the fusion network on synthetic clips (default 600 clips, 20 epochs, video + flow + IMU, attention-LSTM): seconds to prepare and to train',
    (y) =>
      y
        .option('clips', { type: 'number', default: 600 })
        .option('epochs', { type: 'number', default: 20 })
        .option('fusion', { choices: ['attention-lstm', 'concat'] as const, default: 'attention-lstm' as const })
        .option('modalities', {
          type: 'array',
          string: true,
          default: ['video', 'flow', 'imu'],
          describe: "video, flow, imu (the evaluate table's fused-attention-lstm reads all three)",
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      await selectBackend(args.backend as BackendPreference | undefined);
      const kernels = useKernels(args.kernels);
      process.stdout.write(
        `${JSON.stringify(await benchTrainFusion({ clips: args.clips, epochs: args.epochs, fusion: args.fusion, modalities: args.modalities as ('video' | 'flow' | 'imu')[], backendLabel: kernels }))}\n`,
      );
    },
  )
  .command(
    'sweep-workers',
    'A sweep of 4 trials x 3 folds with one worker on one core, one worker on every core, and a worker per core (inputs prepared beforehand): seconds each and the speed-ups',
    (y) =>
      y
        .option('configs', {
          type: 'array',
          string: true,
          default: ['1x1', '1', '2'],
          describe:
            "Configurations to time, in order: WORKERS (kernel threads 'auto': the cores shared among them) or WORKERSxTHREADS",
        })
        .option('epochs', { type: 'number', default: 10 })
        .option('clips', {
          type: 'number',
          default: 2,
          describe: 'Takes per action and athlete (12 athletes, 10 actions)',
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      process.stdout.write(
        `${JSON.stringify(await benchSweepWorkers({ configs: (args.configs as string[]).map(parseSweepConfig), epochs: args.epochs, clips: args.clips }))}\n`,
      );
    },
  )
  .command(
    'distributed-sweep',
    'A sweep of 4 trials x 3 folds with 1, 2 and 3 fold workers in process and as many worker processes through Redis: seconds each and the overhead per unit',
    (y) =>
      y
        .option('workers', { type: 'array', number: true, default: [1, 2, 3], describe: 'Worker counts to time' })
        .option('epochs', { type: 'number', default: 5 })
        .option('clips', {
          type: 'number',
          default: 2,
          describe: 'Takes per action and athlete (6 athletes, 10 actions)',
        })
        .option('repeats', {
          type: 'number',
          default: 2,
          describe: 'Timings per side, alternating; the fastest is kept',
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      process.stdout.write(
        `${JSON.stringify(await benchDistributedSweep({ workers: args.workers as number[], epochs: args.epochs, clips: args.clips, repeats: args.repeats }))}\n`,
      );
    },
  )
  .command(
    'decode-keyframes',
    'Decoding real clips at 112 x 112 and choosing key frames, against ffmpeg alone decoding them to raw frames: seconds and ratio',
    (y) =>
      y
        .option('dir', { type: 'string', default: SHARED_VIDEO_DIR, describe: 'Folder of video clips' })
        .option('size', { type: 'number', default: 112 })
        .option('repeats', {
          type: 'number',
          default: 5,
          describe: 'Timed runs per clip and method (median reported)',
        }),
    async (args) => {
      if (args.quiet) setLogLevel('warn');
      process.stdout.write(
        `${JSON.stringify(await benchDecodeKeyframes({ dir: args.dir, size: args.size, repeats: args.repeats }))}\n`,
      );
    },
  )
  .command(
    'ble-decoding',
    'BLE drivers: Polar PMD raw/delta and Movesense IMU6 decoding, samples/s per core and CPU share at 4 x 200 Hz',
    (y) => y.option('seconds', { type: 'number', default: 3, describe: 'Total time, split over the three' }),
    (args) => {
      if (!(args.seconds > 0)) throw new Error(`--seconds must be > 0, got ${args.seconds}`);
      process.stdout.write(`${JSON.stringify(benchBleDecoding({ seconds: args.seconds }))}\n`);
    },
  )
  .command(
    'sensor-decoding',
    'Serial path: framed protocol and CSV decoding, samples/s per core, and the CPU share at 4 x 200 Hz (computed and measured)',
    (y) =>
      y
        .option('seconds', { type: 'number', default: 2, describe: 'Throughput time, split over framed and CSV' })
        .option('realtime-seconds', {
          type: 'number',
          default: 3,
          describe: 'Real-time stretch for the measured CPU share',
        }),
    async (args) => {
      if (!(args.seconds > 0)) throw new Error(`--seconds must be > 0, got ${args.seconds}`);
      if (!(args['realtime-seconds'] > 0))
        throw new Error(`--realtime-seconds must be > 0, got ${args['realtime-seconds']}`);
      const result = await benchSensorDecoding({ seconds: args.seconds, realtimeSeconds: args['realtime-seconds'] });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
  )
  .command(
    'record-session',
    'motionfuse record at 4 sensors x 200 Hz in real time over a socat pty: samples expected, recorded and lost, write latency, recorder CPU share',
    (y) =>
      y.option('seconds', { type: 'number', default: 600, describe: 'Seconds to record (real time)' }).option('keep', {
        type: 'boolean',
        default: false,
        describe: 'Keep the session folder (its path is in the result)',
      }),
    async (args) => {
      if (!(args.seconds > 0)) throw new Error(`--seconds must be > 0, got ${args.seconds}`);
      const result = await benchRecordSession({ seconds: args.seconds, keep: args.keep });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
  )
  .demandCommand(
    1,
    'Name a benchmark: refnet, refnet-branches, encoders, gemm, synthetic, train-fusion, sweep-workers, decode-keyframes',
  )
  .strict()
  .help()
  .parseAsync();
