import { MovesenseImu6Stream } from '../sensors/ble/movesense-gsp-stream.ts';
import { PolarPmdStream } from '../sensors/ble/polar-pmd-stream.ts';

/**
 * Decoding throughput of the BLE drivers' byte paths, from notification bytes to ImuPackets (what
 * runs per notification once noble delivers it): Polar PMD raw ACC frames (type 1, 36 samples of
 * int16 xyz, as an H10 sends at 200 Hz), Polar delta-compressed ACC frames (72 samples in 6-bit
 * deltas), and Movesense IMU6 notifications (8 samples of acc + gyro float32, as at 104 Hz).
 * Samples per CPU second on one core, and the CPU share of 4 sensors at 200 Hz.
 */
export function benchBleDecoding(args: { seconds: number }): Record<string, unknown> {
  const per = args.seconds / 3;
  const polarRaw = measure(
    per,
    polarRawFrames(),
    () => new PolarPmdStream({ sensorId: 'b', kind: 'acc', rateHz: 200, factor: 1 }),
  );
  const polarDelta = measure(
    per,
    polarDeltaFrames(),
    () => new PolarPmdStream({ sensorId: 'b', kind: 'acc', rateHz: 200, factor: 1 }),
  );
  const movesense = measure(
    per,
    movesenseNotifications(),
    () => new MovesenseImu6Stream({ sensorId: 'm', reference: 99, rateHz: 104 }),
  );
  const share = (samplesPerSecond: number) => Number(((4 * 200) / samplesPerSecond).toPrecision(3));
  return {
    bench: 'ble-decoding',
    node: process.version,
    polar_raw_acc_samples_per_s: polarRaw,
    polar_delta_acc_samples_per_s: polarDelta,
    movesense_imu6_samples_per_s: movesense,
    cpu_share_4x200hz: { polar_raw: share(polarRaw), polar_delta: share(polarDelta), movesense: share(movesense) },
  };
}

/** Samples decoded per CPU second, pushing the notifications round and round into fresh streams. */
function measure(
  seconds: number,
  notifications: { bytes: Uint8Array; samples: number }[],
  make: () => { push(b: Uint8Array, t: number): unknown[] },
): number {
  let samples = 0;
  const start = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const stream = make();
    for (const n of notifications) {
      stream.push(n.bytes, 0);
      samples += n.samples;
    }
  }
  const used = process.cpuUsage(start);
  return Math.round(samples / ((used.user + used.system) / 1e6));
}

const header = (type: number, ns: bigint, frameType: number): number[] => {
  const b = Buffer.alloc(10);
  b[0] = type;
  b.writeBigUInt64LE(ns, 1);
  b[9] = frameType;
  return [...b];
};

function polarRawFrames(): { bytes: Uint8Array; samples: number }[] {
  return Array.from({ length: 100 }, (_, f) => {
    const body = Buffer.alloc(36 * 6);
    for (let i = 0; i < 36 * 3; i++) body.writeInt16LE(Math.round(1000 * Math.sin(f + i)), i * 2);
    return { bytes: Uint8Array.from([...header(2, BigInt(1e9 + (f + 1) * 180e6), 1), ...body]), samples: 36 };
  });
}

function polarDeltaFrames(): { bytes: Uint8Array; samples: number }[] {
  return Array.from({ length: 100 }, (_, f) => {
    // Reference sample, then one block of 71 samples x 3 channels x 6 bits.
    const bits = 71 * 3 * 6;
    const deltas = Buffer.alloc(Math.ceil(bits / 8));
    for (let k = 0, bit = 0; k < 71 * 3; k++, bit += 6) {
      const v = ((k * 7 + f) % 64) - 32;
      for (let b = 0; b < 6; b++) if ((v >> b) & 1) deltas[(bit + b) >> 3]! |= 1 << ((bit + b) & 7);
    }
    const payload = [0x10, 0x00, 0x20, 0x00, 0xe8, 0x03, 6, 71, ...deltas];
    return { bytes: Uint8Array.from([...header(2, BigInt(1e9 + (f + 1) * 360e6), 0x81), ...payload]), samples: 72 };
  });
}

function movesenseNotifications(): { bytes: Uint8Array; samples: number }[] {
  return Array.from({ length: 100 }, (_, f) => {
    const b = Buffer.alloc(2 + 4 + 8 * 24);
    b[0] = 2;
    b[1] = 99;
    b.writeUInt32LE(1000 + Math.round((f * 8 * 1000) / 104), 2);
    for (let i = 0; i < 48; i++) b.writeFloatLE(Math.sin(f + i), 6 + i * 4);
    return { bytes: new Uint8Array(b), samples: 8 };
  });
}
