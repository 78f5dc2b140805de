import { CsvStreamDecoder } from '../sensors/framed/csv-stream-decoder.ts';
import { FramedStreamDecoder } from '../sensors/framed/framed-stream-decoder.ts';
import { DEVICE_SIMULATOR_DEFAULTS, DeviceSimulator } from '../sensors/simulator/device-simulator.ts';

/**
 * Decoding throughput of the serial path, from the bytes a port delivers to ImuPackets and gaps
 * (parser, CRC, sequence trackers, scaling): the framed protocol (4 sensors, 10 samples of acc +
 * gyro per frame, as `simulate-device` sends) and CSV lines. Samples per CPU second on one core.
 * The host CPU share at 4 x 200 Hz is given two ways: computed (800 samples/s over the framed
 * throughput), and measured (process CPU time over a real-time stretch feeding 4 x 200 Hz in
 * 50 ms chunks, timers included).
 */
export async function benchSensorDecoding(args: {
  seconds: number;
  realtimeSeconds: number;
}): Promise<Record<string, unknown>> {
  const chunks = framedChunks();
  const csv = csvChunks();
  const framed = measure(args.seconds / 2, chunks, () => new FramedStreamDecoder('bench'));
  const csvRate = measure(args.seconds / 2, csv, () => new CsvStreamDecoder('bench'));
  const measured = await realtimeShare(args.realtimeSeconds, chunks);
  return {
    bench: 'sensor-decoding',
    node: process.version,
    framed_samples_per_s: framed,
    csv_samples_per_s: csvRate,
    cpu_share_4x200hz_computed: Number(((4 * 200) / framed).toPrecision(3)),
    cpu_share_4x200hz_measured: measured,
    realtime_seconds: args.realtimeSeconds,
  };
}

interface Chunk {
  bytes: Uint8Array;
  samples: number;
}

/** 10 s of 4 sensors at 200 Hz in the framed protocol, cut into 50 ms chunks as a port delivers them. */
function framedChunks(): Chunk[] {
  const data = Float32Array.from({ length: 6 * 200 }, (_, i) => Math.sin(i / 50) * 20);
  const sim = new DeviceSimulator({ ...DEVICE_SIMULATOR_DEFAULTS, sensors: [data, data, data, data] });
  const out: Chunk[] = [];
  for (let t = 0.05; t <= 10 + 1e-9; t += 0.05) {
    const frames = sim.until(t);
    const bytes = Buffer.concat(frames.map((f) => f.bytes));
    out.push({ bytes, samples: frames.reduce((n, f) => n + f.count, 0) });
  }
  return out;
}

/** 10 s of one sensor at 200 Hz as CSV lines with a counter, 10 lines a chunk. */
function csvChunks(): Chunk[] {
  const out: Chunk[] = [];
  for (let c = 0; c < 200; c++) {
    let text = '';
    for (let i = c * 10; i < (c + 1) * 10; i++) {
      text += `${i},${i * 5000},${(Math.sin(i / 50) * 2).toFixed(4)},0.0123,-0.9876,${(Math.cos(i / 30) * 200).toFixed(2)},1.25,-3.5\n`;
    }
    out.push({ bytes: new TextEncoder().encode(text), samples: 10 });
  }
  return out;
}

/** Samples decoded per CPU second, pushing the chunks round and round into fresh decoders. */
function measure(seconds: number, chunks: Chunk[], make: () => { push(b: Uint8Array, t: number): unknown[] }): number {
  let samples = 0;
  const start = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const decoder = make();
    for (const c of chunks) {
      decoder.push(c.bytes, 0);
      samples += c.samples;
    }
  }
  const used = process.cpuUsage(start);
  return Math.round(samples / ((used.user + used.system) / 1e6));
}

/** CPU seconds per wall second while decoding a 4 x 200 Hz stream in real time (50 ms chunks). */
async function realtimeShare(seconds: number, chunks: Chunk[]): Promise<number> {
  const decoder = new FramedStreamDecoder('bench');
  const start = process.cpuUsage();
  const wall = performance.now();
  let i = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      decoder.push((chunks[i++ % chunks.length] as Chunk).bytes, 0);
      if (performance.now() - wall >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
  const used = process.cpuUsage(start);
  return Number(((used.user + used.system) / 1e6 / ((performance.now() - wall) / 1000)).toPrecision(3));
}
