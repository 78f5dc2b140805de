import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readXdf } from '../src/formats/xdf/xdf-reader.ts';
import { DEVICE_SIMULATOR_DEFAULTS } from '../sensors/simulator/device-simulator.ts';
import { SerialSimulator } from '../sensors/simulator/serial-simulator.ts';

const BIN = fileURLToPath(new URL('../src/cli/motionfuse.js', import.meta.url));

/**
 * `motionfuse record` in real time at 4 sensors x 200 Hz over a socat pty for `seconds`: the
 * simulator runs here, the recorder as the user runs it (a child process, so that its CPU time is
 * its own: read from /proc/PID/stat between "recording" and the end of the stream, Linux only).
 * Then the XDF file is read back: expected, recorded and lost samples per sensor, the recorder's
 * time from a packet's arrival to its chunk written (max, p99; from its --json summary), its CPU
 * share, the file size.
 */
export async function benchRecordSession(args: { seconds: number; keep: boolean }): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'motionfuse-bench-record-'));
  const link = join(root, 'tty');
  const out = join(root, 'session');
  const rows = 200;
  const sensors = [0, 1, 2, 3].map((j) =>
    Float32Array.from({ length: rows * 6 }, (_, i) => Math.sin((i / 6 / rows) * 2 * Math.PI + j) * (i % 6 < 3 ? 9 : 2)),
  );
  const sim = await SerialSimulator.start({
    link,
    seconds: args.seconds,
    speed: 1,
    unplugs: [],
    device: { ...DEVICE_SIMULATOR_DEFAULTS, sensors },
  });
  const child = spawn(process.execPath, [BIN, 'record', '--sensor', `serial:${link}`, '--out', out, '--json'], {
    env: { ...process.env, MOTIONFUSE_PROGRESS: 'off' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    while (!stderr.includes('recording ')) {
      if (child.exitCode !== null) throw new Error(`record did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const cpuBefore = cpuSeconds(child.pid as number);
    const wallBefore = performance.now();
    const log = await sim.run();
    await new Promise((r) => setTimeout(r, 500));
    const cpu = cpuSeconds(child.pid as number) - cpuBefore;
    const wall = (performance.now() - wallBefore) / 1000;
    child.stdin.write('quit\n');
    const code = await exited;
    if (code !== 0) throw new Error(`record exited with ${code}: ${stderr.slice(-2000)}`);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      writeLatencyMs: { max: number; p99: number; packets: number };
      xdfBytes: number;
      streams: { name: string; samples: number; gaps: number; clock: { driftPpm: number; spreadMs: number } | null }[];
    };
    const file = await readXdf(join(out, 'session.xdf'));
    const expected = log.samples / sensors.length;
    const perSensor = file.streams
      .filter((s) => s.info.type === 'IMU')
      .map((s) => ({
        sensor: s.info.name.split('#').pop(),
        expected,
        recorded: s.timestamps.length,
        lost: expected - s.timestamps.length,
        footer: s.footer !== undefined,
        clock_offsets: s.clockOffsets.length,
      }));
    return {
      bench: 'record-session',
      node: process.version,
      seconds: args.seconds,
      sensors: sensors.length,
      rate_hz: DEVICE_SIMULATOR_DEFAULTS.rate,
      per_sensor: perSensor,
      lost_total: perSensor.reduce((n, s) => n + s.lost, 0) + (4 - perSensor.length) * expected,
      simulator_lost_frames: log.lost.length,
      write_latency_ms: {
        max: round(summary.writeLatencyMs.max),
        p99: round(summary.writeLatencyMs.p99),
        packets: summary.writeLatencyMs.packets,
      },
      recorder_cpu_share: round(cpu / wall),
      xdf_bytes: summary.xdfBytes,
      xdf_warnings: file.warnings,
      clock: summary.streams.map((s) => s.clock),
      session_stopped_cleanly:
        (JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')) as { stoppedAt?: string }).stoppedAt !== undefined,
      ...(args.keep ? { kept: root } : {}),
    };
  } finally {
    sim.stop();
    if (child.exitCode === null) child.kill('SIGTERM');
    if (!args.keep) rmSync(root, { recursive: true, force: true });
  }
}

/** User + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
