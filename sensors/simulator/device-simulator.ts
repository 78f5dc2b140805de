import { SeededRandom } from '../../src/core/random.ts';
import { encodeImuFrame } from '../framed/encode-imu-frame.ts';
import { accCountScale, gyroCountScale, FRAME_MAX_SAMPLES } from '../framed/imu-frame.ts';

export interface DeviceSimulatorOptions {
  /**
   * What each simulated sensor measures: [n x 6] row-major, acc x,y,z (m/s^2) then gyro x,y,z
   * (rad/s), played in a loop. One array per sensor; sensor ids on the wire are 0, 1, 2, ...
   */
  sensors: readonly Float32Array[];
  /** Sample rate on the device's own clock, Hz. */
  rate: number;
  /** Samples per frame (1-64). */
  samplesPerFrame: number;
  /** Each sensor's clock error, ppm (its samples come this much faster on the host's clock); one value or one per sensor. */
  driftPpm: number | readonly number[];
  /** Extra delay of each frame, drawn uniformly in [0, jitter] ms (order per sensor is kept). */
  jitterMs: number;
  /** Probability that a frame is lost (never sent). */
  loss: number;
  /** Probability that 1-16 random bytes are sent before a frame. */
  garbage: number;
  /** Probability that a frame is torn: only its first bytes are sent. */
  torn: number;
  seed: number;
  /** Accelerometer full scale, g. */
  accRange: 2 | 4 | 8 | 16;
  /** Gyroscope full scale, deg/s. */
  gyroRange: number;
  /** Counter value of each sensor's first sample (to exercise the u32 wrap); default 0. */
  firstCounter?: number;
}

export const DEVICE_SIMULATOR_DEFAULTS: Omit<DeviceSimulatorOptions, 'sensors'> = {
  rate: 200,
  samplesPerFrame: 10,
  driftPpm: 0,
  jitterMs: 0,
  loss: 0,
  garbage: 0,
  torn: 0,
  seed: 1,
  accRange: 16,
  gyroRange: 2000,
};

/** One frame the device produced: what was sent of it (bytes, maybe empty or torn) and when. */
export interface Emission {
  /** Simulated host time (s from the start) when the bytes are written. */
  due: number;
  sensor: number;
  /** The frame's first sample's counter value (unwrapped) and its sample count. */
  firstSample: number;
  count: number;
  /** `sent` whole, `lost` (no bytes), `torn` (its head only): the last two cost `count` samples. */
  fate: 'sent' | 'lost' | 'torn';
  /** Bytes to write: garbage (if any), then the frame or its head. */
  bytes: Uint8Array;
  /** How many of `bytes` are noise before the frame. */
  garbage: number;
}

interface SensorState {
  data: Float32Array;
  rng: SeededRandom;
  /** Host seconds per sample: the period on the device clock over (1 + drift). */
  hostPeriod: number;
  /** Device time of sample 0, microseconds (each sensor's clock has its own origin). */
  originUs: number;
  nextFrame: number;
  /** Due time of the sensor's previous frame, so jitter never reorders a sensor's frames. */
  lastDue: number;
}

/**
 * A set of IMUs speaking the framed protocol over one carrier, as a pure schedule: `until(t)`
 * returns every frame due by simulated time t, in due order, with what the link did to it. The
 * same options and seed give the same bytes. The carrier (a pty, a test) decides when t is.
 */
export class DeviceSimulator {
  private readonly options: DeviceSimulatorOptions;
  private readonly states: SensorState[];
  private readonly periodUs: number;
  private readonly accScale: number;
  private readonly gyroScale: number;
  /** Frames taken but, with jitter, not yet due. */
  private queue: Emission[] = [];

  constructor(options: DeviceSimulatorOptions) {
    const o = options;
    if (o.sensors.length < 1 || o.sensors.length > 256)
      throw new Error(`DeviceSimulator(): sensors must be 1..256, got ${o.sensors.length}`);
    if (!(o.rate > 0 && o.rate <= 10_000))
      throw new Error(`DeviceSimulator(): rate must be in (0, 10000] Hz, got ${o.rate}`);
    if (!(Number.isInteger(o.samplesPerFrame) && o.samplesPerFrame >= 1 && o.samplesPerFrame <= FRAME_MAX_SAMPLES)) {
      throw new Error(`DeviceSimulator(): samplesPerFrame must be 1..${FRAME_MAX_SAMPLES}, got ${o.samplesPerFrame}`);
    }
    for (const [name, p] of [
      ['loss', o.loss],
      ['garbage', o.garbage],
      ['torn', o.torn],
    ] as const) {
      if (!(p >= 0 && p <= 1)) throw new Error(`DeviceSimulator(): ${name} must be a probability in [0, 1], got ${p}`);
    }
    if (!(o.jitterMs >= 0)) throw new Error(`DeviceSimulator(): jitterMs must be >= 0, got ${o.jitterMs}`);
    this.options = o;
    this.periodUs = Math.round(1e6 / o.rate);
    this.accScale = accCountScale(o.accRange);
    this.gyroScale = gyroCountScale(o.gyroRange);
    const root = new SeededRandom(o.seed);
    this.states = o.sensors.map((data, j) => {
      if (data.length < 6 || data.length % 6 !== 0) {
        throw new Error(`DeviceSimulator(): sensors[${j}] must hold whole 6-value samples, got ${data.length} values`);
      }
      const ppm = typeof o.driftPpm === 'number' ? o.driftPpm : (o.driftPpm[j] ?? 0);
      const rng = root.fork(`sensor/${j}`);
      return {
        data,
        rng,
        hostPeriod: this.periodUs / 1e6 / (1 + ppm * 1e-6),
        originUs: Math.round(rng.uniform(1, 1000) * 1e6),
        nextFrame: 0,
        lastDue: 0,
      };
    });
  }

  /** Every frame due by simulated time `t` (seconds from the start) not returned before, in due order. */
  until(t: number): Emission[] {
    const m = this.options.samplesPerFrame;
    for (;;) {
      let best = -1;
      let bestDue = Number.POSITIVE_INFINITY;
      this.states.forEach((s, j) => {
        // A frame is ready when its last sample has been taken.
        const ready = ((s.nextFrame + 1) * m - 1) * s.hostPeriod;
        if (ready < bestDue) {
          bestDue = ready;
          best = j;
        }
      });
      if (best < 0 || bestDue > t) break;
      this.queue.push(this.emit(best, bestDue));
    }
    // Jitter may make a frame due after another sensor's later one: hand out by due time.
    this.queue.sort((a, b) => a.due - b.due);
    const cut = this.queue.findIndex((e) => e.due > t);
    return this.queue.splice(0, cut < 0 ? this.queue.length : cut);
  }

  private emit(sensor: number, ready: number): Emission {
    const o = this.options;
    const s = this.states[sensor] as SensorState;
    const m = o.samplesPerFrame;
    const first = (o.firstCounter ?? 0) + s.nextFrame * m;
    const sampleIndex = s.nextFrame * m;
    s.nextFrame++;
    const due = Math.max(s.lastDue, ready + (o.jitterMs > 0 ? s.rng.uniform(0, o.jitterMs / 1000) : 0));
    s.lastDue = due;
    const rows = s.data.length / 6;
    const acc = new Int16Array(m * 3);
    const gyro = new Int16Array(m * 3);
    for (let i = 0; i < m; i++) {
      const row = ((sampleIndex + i) % rows) * 6;
      for (let k = 0; k < 3; k++) {
        acc[i * 3 + k] = toCount((s.data[row + k] as number) / this.accScale);
        gyro[i * 3 + k] = toCount((s.data[row + 3 + k] as number) / this.gyroScale);
      }
    }
    const frame = encodeImuFrame({
      sensorId: sensor,
      hasAcc: true,
      hasGyro: true,
      firstSample: first,
      deviceTimeUs: s.originUs + sampleIndex * this.periodUs,
      periodUs: this.periodUs,
      accRange: o.accRange,
      gyroRange: o.gyroRange,
      acc,
      gyro,
    });
    // Draws in a fixed order whatever the probabilities, so changing one keeps the others' draws.
    const lost = s.rng.bernoulli(o.loss);
    const torn = s.rng.bernoulli(o.torn);
    const cut = s.rng.int(1, frame.length - 1);
    const noisy = s.rng.bernoulli(o.garbage);
    const noise = Uint8Array.from({ length: s.rng.int(1, 16) }, () => s.rng.int(0, 255));
    const fate = lost ? 'lost' : torn ? 'torn' : 'sent';
    const body = fate === 'lost' ? new Uint8Array(0) : fate === 'torn' ? frame.subarray(0, cut) : frame;
    const bytes = noisy ? concat(noise, body) : body;
    return { due, sensor, firstSample: first, count: m, fate, bytes, garbage: noisy ? noise.length : 0 };
  }
}

function toCount(value: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(value)));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
