/**
 * `npx tsx bench/live-latency.ts [--seconds 300] [--model DIR] [--trial ID]`: live recognition
 * end to end, as `motionfuse live` runs it: 4 simulated sensors at 200 Hz (`motionfuse
 * simulate-device --serial`, a separate process, through a socat pty) into the serial driver and a
 * LiveSession with a saved model (default: the newest results/quickstart run, its IMU-only trial).
 * Prints one JSON line: windows predicted, samples received vs sent (lost must be 0), latency from
 * a window's last sample's arrival to its prediction (p50, p99, max, ms), and this process's CPU
 * share (decoding, windows, predictions, jump detection; the simulator's own CPU is not in it).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { selectBackend } from '../src/backend/select-backend.ts';
import { setLogLevel } from '../src/core/logger.ts';
import type { Placement } from '../src/core/stream.ts';
import { VIRTUAL_IMU_PLACEMENTS } from '../src/data/synthetic/virtual-imu.ts';
import { findSavedModel } from '../src/experiments/saved-run-model.ts';
import { LiveSession } from '../src/live/live-session.ts';
import { loadTrainedModel } from '../src/train/model-store.ts';
import { SerialSensor } from '../sensors/serial/serial-sensor.ts';

export interface LiveLatencyArgs {
  seconds: number;
  model: string;
  trial: string;
}

export async function benchLiveLatency(args: LiveLatencyArgs): Promise<Record<string, unknown>> {
  const saved = await findSavedModel(args.model, { trial: args.trial });
  const backend = await selectBackend();
  const trained = await loadTrainedModel(saved.dir);
  const bin = fileURLToPath(new URL('../src/cli/motionfuse.js', import.meta.url));
  // The simulator stops first (its summary line), so every sample it sent has been read when live stops.
  const sim = spawn(
    process.execPath,
    [bin, 'simulate-device', '--serial', '--sensors', '4', '--rate', '200', '--seconds', String(args.seconds)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: sim.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const path = (await iterator.next()).value as string;
  const sensor = new SerialSensor({ path });
  const placement = (id: string): Placement | undefined => {
    const m = /#(\d+)$/.exec(id);
    return m === null ? undefined : VIRTUAL_IMU_PLACEMENTS[Number(m[1]) % VIRTUAL_IMU_PLACEMENTS.length];
  };
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const session = await LiveSession.start({ trained, sources: [sensor], fallbackPlacement: placement });
  const latencies: number[] = [];
  const computes: number[] = [];
  session.recogniser.onPrediction((p) => {
    latencies.push(p.latencyMs);
    computes.push(p.computeMs);
  });
  const summaryLine = (await iterator.next()).value as string;
  // Let the driver read what is left in the pty.
  await new Promise((r) => setTimeout(r, 300));
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  await session.stop();
  lines.close();
  const simulated = JSON.parse(summaryLine) as { samples: number; lostSamples: number };
  const r = session.recogniser;
  const rings = [...r.rings.values()];
  const sentPerSensor = simulated.samples / rings.length;
  // Samples the simulator sent before the port was opened never reach any reader: count from each sensor's first one.
  const sent = rings.reduce((n, ring) => n + (sentPerSensor - ring.firstCounter), 0);
  const received = rings.reduce((n, ring) => n + ring.received, 0);
  const latency = r.latency.summary();
  r.dispose();
  return {
    bench: 'live-latency',
    node: process.version,
    backend: backend.name,
    model: `${saved.trialId} (${saved.label}) fold ${saved.fold + 1}`,
    seconds: args.seconds,
    sensors: rings.length,
    windows: latency.count,
    samples_sent: sent,
    samples_received: received,
    samples_lost: sent - received,
    gaps: rings.reduce((n, ring) => n + ring.gaps, 0),
    latency_ms: { p50: round(latency.p50), p99: round(latency.p99), max: round(latency.max) },
    over_20ms: latencies.filter((ms) => ms > 20).length,
    compute_ms: {
      p50: round(quantile(computes, 0.5)),
      p99: round(quantile(computes, 0.99)),
      max: round(Math.max(...computes)),
    },
    cpu_share: Number(((cpu.user + cpu.system) / 1e6 / wall).toFixed(3)),
  };
}

const round = (x: number) => Number(x.toFixed(2));
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)] ?? Number.NaN;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = await yargs(process.argv.slice(2))
    .option('seconds', { type: 'number', default: 300, describe: 'Seconds of live streaming' })
    .option('model', {
      type: 'string',
      default: 'results/quickstart',
      describe: 'Run folder (or experiment folder: its newest run)',
    })
    .option('trial', { type: 'string', default: 'imu-only', describe: 'Trial id or label' })
    .strict()
    .parse();
  setLogLevel('warn');
  process.stdout.write(`${JSON.stringify(await benchLiveLatency(args))}\n`);
  process.exit(0);
}
