import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../core/errors.ts';
import { DEVICE_SIMULATOR_DEFAULTS } from '../../sensors/simulator/device-simulator.ts';
import { SerialSimulator } from '../../sensors/simulator/serial-simulator.ts';
import { simulatedActionAt, syntheticDeviceData } from './synthetic-device-data.ts';

/**
 * `motionfuse simulate-device --serial`: simulated IMUs streaming synthetic athlete motion in the
 * framed protocol on a pseudo-terminal, for trying `sensors stream` and the lab pipeline without
 * hardware. The pty path is the first line of standard output.
 */
export function simulateDeviceCommand<T>(cli: Argv<T>): Argv<T> {
  const d = DEVICE_SIMULATOR_DEFAULTS;
  return cli.command(
    'simulate-device',
    'Simulate wearable IMUs on a pseudo-terminal (framed protocol); prints the path to open on its first line',
    (y) =>
      y
        .option('serial', {
          type: 'boolean',
          default: false,
          describe: 'Serve the sensors on a serial pseudo-terminal (socat)',
        })
        .option('sensors', { type: 'number', default: 4, describe: 'Number of sensors on the port (1-16)' })
        .option('rate', { type: 'number', default: d.rate, describe: 'Sample rate, Hz (device clock)' })
        .option('seconds', {
          type: 'number',
          describe: 'Stop after this many (simulated) seconds (default: until Ctrl-C)',
        })
        .option('speed', { type: 'number', default: 1, describe: 'Simulated seconds per wall second (1: real time)' })
        .option('frame-samples', { type: 'number', default: d.samplesPerFrame, describe: 'Samples per frame (1-64)' })
        .option('loss', { type: 'number', default: d.loss, describe: 'Probability that a frame is lost (0-1)' })
        .option('garbage', {
          type: 'number',
          default: d.garbage,
          describe: 'Probability of noise bytes before a frame (0-1)',
        })
        .option('torn', { type: 'number', default: d.torn, describe: 'Probability that a frame is cut short (0-1)' })
        .option('jitter-ms', {
          type: 'number',
          default: d.jitterMs,
          describe: 'Extra delay of each frame, up to this many ms',
        })
        .option('drift-ppm', {
          type: 'array',
          number: true,
          default: [] as number[],
          describe: 'Clock error per sensor, ppm (one value for all, or one per sensor)',
        })
        .option('unplug-at', {
          type: 'array',
          number: true,
          default: [] as number[],
          describe: 'Unplug the device at these seconds',
        })
        .option('unplug-for', {
          type: 'array',
          number: true,
          default: [] as number[],
          describe: 'How long each unplug lasts, s (default 2)',
        })
        .option('link', {
          type: 'string',
          describe: 'Path of the pty link to create (default: a new temporary folder)',
        })
        .option('announce', {
          type: 'boolean',
          default: false,
          describe: 'Print each action of the simulated athlete as it starts (on stderr), to label trials by',
        })
        .option('seed', { type: 'number', default: 1, describe: 'Random seed (motion, loss, noise)' })
        .option('log', {
          type: 'string',
          describe: 'Write what the simulator did (every frame lost, and why) to this JSON file',
        }),
    async (args) => {
      if (!args.serial)
        throw new UserError(
          'simulate-device needs a carrier',
          'add --serial (a pseudo-terminal; BLE is not simulated)',
        );
      const sensors = args.sensors;
      if (!(Number.isInteger(sensors) && sensors >= 1 && sensors <= 16))
        throw new UserError(`--sensors must be 1-16, got ${sensors}`);
      if (!(args.rate > 0 && args.rate <= 2000))
        throw new UserError(`--rate must be in (0, 2000] Hz, got ${args.rate}`);
      if (args.seconds !== undefined && !(args.seconds > 0))
        throw new UserError(`--seconds must be > 0, got ${args.seconds}`);
      if (!(args.speed > 0)) throw new UserError(`--speed must be > 0, got ${args.speed}`);
      for (const name of ['loss', 'garbage', 'torn'] as const) {
        if (!(args[name] >= 0 && args[name] <= 1))
          throw new UserError(`--${name} must be a probability in [0, 1], got ${args[name]}`);
      }
      const frameSamples = args['frame-samples'];
      if (!(Number.isInteger(frameSamples) && frameSamples >= 1 && frameSamples <= 64)) {
        throw new UserError(`--frame-samples must be 1-64, got ${frameSamples}`);
      }
      if (!(args['jitter-ms'] >= 0)) throw new UserError(`--jitter-ms must be >= 0, got ${args['jitter-ms']}`);
      const drift = args['drift-ppm'] as number[];
      const unplugs = (args['unplug-at'] as number[]).map((at, i) => ({
        at,
        for: (args['unplug-for'] as number[])[i] ?? 2,
      }));
      const link = resolve(args.link ?? join(mkdtempSync(join(tmpdir(), 'motionfuse-sim-')), 'tty'));
      const { data } = syntheticDeviceData(sensors, args.rate, args.seed);
      const sim = await SerialSimulator.start({
        link,
        seconds: args.seconds ?? Number.POSITIVE_INFINITY,
        speed: args.speed,
        unplugs,
        device: {
          ...DEVICE_SIMULATOR_DEFAULTS,
          sensors: data,
          rate: args.rate,
          samplesPerFrame: frameSamples,
          driftPpm: drift.length === 1 ? (drift[0] as number) : drift,
          jitterMs: args['jitter-ms'],
          loss: args.loss,
          garbage: args.garbage,
          torn: args.torn,
          seed: args.seed,
        },
      });
      process.stdout.write(`${sim.path}\n`);
      process.stderr.write(
        `simulating ${sensors} sensor(s) at ${args.rate} Hz on ${sim.path}; open it with: motionfuse sensors stream serial:${sim.path}  (Ctrl-C stops)\n`,
      );
      // The program plays at --speed from the run's start: device time = wall time x speed.
      let announced = '';
      const started = performance.now();
      const announcer = args.announce
        ? setInterval(() => {
            const t = ((performance.now() - started) / 1000) * args.speed;
            if (t >= (args.seconds ?? Number.POSITIVE_INFINITY)) return;
            const action = simulatedActionAt(t);
            if (action !== announced) process.stderr.write(`${t.toFixed(1).padStart(7)} s  ${(announced = action)}\n`);
          }, 20)
        : undefined;
      const onInterrupt = () => sim.stop();
      process.once('SIGINT', onInterrupt);
      process.once('SIGTERM', onInterrupt);
      try {
        const log = await sim.run();
        const summary = {
          seconds: Number(log.seconds.toFixed(3)),
          frames: log.frames,
          samples: log.samples,
          lostFrames: log.lost.length,
          lostSamples: log.lost.reduce((n, l) => n + l.count, 0),
          garbageBytes: log.garbageBytes,
          unplugs: log.unplugs,
        };
        if (args.log !== undefined) await writeFile(args.log, `${JSON.stringify({ ...summary, lost: log.lost })}\n`);
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } finally {
        clearInterval(announcer);
        process.off('SIGINT', onInterrupt);
        process.off('SIGTERM', onInterrupt);
      }
    },
  );
}
