import { IMU_CHANNELS } from '../core/stream.ts';
import { DeviceClock } from '../sync/device-clock.ts';
import type { LiveGapEvent, LiveImuPacket } from './live-packet.ts';

/** One sensor's recent samples on the host clock, as a window or a trace reads them. */
export interface RingSlice {
  /** Host-clock sample times, s (non-decreasing). */
  t: Float64Array;
  /** [n x 6]: acc x, y, z (m/s^2), gyro x, y, z (rad/s). */
  data: Float32Array;
  /** Host arrival time of each sample's packet, s. */
  arrival: Float64Array;
}

/** host = device + offset + drift * (device - origin). */
interface ClockLine {
  offset: number;
  drift: number;
  origin: number;
}

/** Crystal clocks drift by tens of ppm; more than this is a fit over too little time. */
const MAX_DRIFT = 1e-3;
/** Packets a fit needs before its drift is used (a second of a 20-packet-a-second sensor). */
const MIN_FIT_POINTS = 20;

/**
 * A ring buffer of one sensor's most recent `capacity` samples. It keeps their device times and
 * maps them to the host clock when read, by the DeviceClock's current line (offset and drift
 * fitted over packet arrivals), so that samples which came in a burst (the backlog a port holds
 * when it is opened) get the line the later packets settle, not the one their own burst implied.
 * Samples from before a clock reset keep the line of their own clock, frozen at the reset. It also
 * counts what arrived and what the sensor's counter says was lost.
 */
export class SensorRing {
  readonly sensorId: string;
  readonly capacity: number;
  readonly #device: Float64Array;
  readonly #epoch: Uint32Array;
  readonly #arrival: Float64Array;
  readonly #data: Float32Array;
  readonly #clock: DeviceClock;
  /** The line of each clock before a reset, by epoch. */
  readonly #frozen: ClockLine[] = [];
  /** Samples pushed since the start (the next write goes to count % capacity). */
  #count = 0;
  #gaps = 0;
  #lost = 0;
  #lastArrival = Number.NaN;
  #nextSample = Number.NaN;
  #firstCounter = Number.NaN;
  /** Smallest host - device seen in this epoch (a packet is never early). */
  #minOffset = Number.NaN;

  constructor(sensorId: string, capacity = 16384) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new Error(`SensorRing(): capacity must be a positive integer, got ${capacity}`);
    this.sensorId = sensorId;
    this.capacity = capacity;
    this.#device = new Float64Array(capacity);
    this.#epoch = new Uint32Array(capacity);
    this.#arrival = new Float64Array(capacity);
    this.#data = new Float32Array(capacity * IMU_CHANNELS);
    // 30 s of arrivals: enough for offset and drift, and each refit (once a second) stays short.
    this.#clock = new DeviceClock({ windowSeconds: 30 });
  }

  /** Adds a packet's samples (a packet without acc is skipped: nothing to see). */
  push(packet: LiveImuPacket): void {
    const n = packet.deviceTime.length;
    if (n === 0 || packet.acc.length < n * 3) return;
    const last = packet.deviceTime[n - 1] as number;
    const before = this.#line();
    if (this.#clock.add(last, packet.hostTime).reset) {
      this.#frozen.push(before);
      this.#minOffset = Number.NaN;
    }
    if (!(packet.hostTime - last >= this.#minOffset)) this.#minOffset = packet.hostTime - last;
    // A jump in the sample counter the driver did not report as a gap still counts as lost.
    if (Number.isFinite(this.#nextSample) && packet.firstSample > this.#nextSample)
      this.#lost += packet.firstSample - this.#nextSample;
    if (Number.isNaN(this.#firstCounter)) this.#firstCounter = packet.firstSample;
    this.#nextSample = packet.firstSample + n;
    const hasGyro = packet.gyro.length >= n * 3;
    const epoch = this.#frozen.length;
    for (let k = 0; k < n; k++) {
      const at = this.#count % this.capacity;
      this.#device[at] = packet.deviceTime[k] as number;
      this.#epoch[at] = epoch;
      this.#arrival[at] = packet.hostTime;
      for (let c = 0; c < 3; c++) {
        this.#data[at * IMU_CHANNELS + c] = packet.acc[k * 3 + c] as number;
        this.#data[at * IMU_CHANNELS + 3 + c] = hasGyro ? (packet.gyro[k * 3 + c] as number) : 0;
      }
      this.#count++;
    }
    this.#lastArrival = packet.hostTime;
  }

  /** Notes a gap the driver reported (its lost samples are counted by the sample counter in push). */
  gap(_event: LiveGapEvent): void {
    this.#gaps++;
  }

  /** Samples received since the start. */
  get received(): number {
    return this.#count;
  }
  /** The sensor's counter value of the first sample received (NaN before it): received + lost = next counter - this. */
  get firstCounter(): number {
    return this.#firstCounter;
  }
  /** Gaps the driver reported. */
  get gaps(): number {
    return this.#gaps;
  }
  /** Samples the sensor's counter says were lost (counter jumps between packets). */
  get lost(): number {
    return this.#lost;
  }
  /** Host arrival of the last packet, s (NaN before the first). */
  get lastArrival(): number {
    return this.#lastArrival;
  }
  /** Host time of the newest sample, s (NaN when empty). */
  get latest(): number {
    return this.#count === 0 ? Number.NaN : this.#hostOf(this.#count - 1, this.#line());
  }
  /** Clock resets the DeviceClock saw. */
  get clockResets(): number {
    return this.#clock.resets;
  }
  /** Samples per second over the last 2 s of sample times; NaN until 2 samples. */
  get rate(): number {
    const held = Math.min(this.#count, this.capacity);
    if (held < 2) return Number.NaN;
    const line = this.#line();
    const newest = this.#hostOf(this.#count - 1, line);
    let k = 1;
    while (k < held && newest - this.#hostOf(this.#count - 1 - k, line) <= 2) k++;
    const span = newest - this.#hostOf(this.#count - k, line);
    return span > 0 ? (k - 1) / span : Number.NaN;
  }

  /** The samples with host time in (from, to], oldest first (only what the ring still holds); times never decrease. */
  slice(from: number, to: number): RingSlice {
    const held = Math.min(this.#count, this.capacity);
    const first = this.#count - held;
    const line = this.#line();
    // Newest first until one is at or before `from`: windows are near the end of the ring.
    let lo = this.#count;
    while (lo > first && this.#hostOf(lo - 1, line) > from) lo--;
    let hi = lo;
    while (hi < this.#count && this.#hostOf(hi, line) <= to) hi++;
    const n = hi - lo;
    const out: RingSlice = {
      t: new Float64Array(n),
      data: new Float32Array(n * IMU_CHANNELS),
      arrival: new Float64Array(n),
    };
    let previous = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const at = (lo + i) % this.capacity;
      // Lines of two clocks (before and after a reset) may overlap by a little: keep time from going back.
      previous = Math.max(previous, this.#hostOf(lo + i, line));
      out.t[i] = previous;
      out.arrival[i] = this.#arrival[at] as number;
      out.data.set(this.#data.subarray(at * IMU_CHANNELS, (at + 1) * IMU_CHANNELS), i * IMU_CHANNELS);
    }
    return out;
  }

  /** Host time of sample number `i` (a count since the start), by its clock's line. */
  #hostOf(i: number, current: ClockLine): number {
    const at = i % this.capacity;
    const d = this.#device[at] as number;
    const epoch = this.#epoch[at] as number;
    const l = epoch < this.#frozen.length ? (this.#frozen[epoch] as ClockLine) : current;
    return d + l.offset + l.drift * (d - l.origin);
  }

  /**
   * The current clock's line: the DeviceClock's fit once it is plausible (20 packets, drift within
   * 1000 ppm; over the first few packets, or a burst, a fit can read tens of percent), else the
   * device time plus the smallest arrival delay seen.
   */
  #line(): ClockLine {
    const fit = this.#clock.fit();
    if (fit === null || fit.points < MIN_FIT_POINTS || !(Math.abs(fit.drift) <= MAX_DRIFT))
      return { offset: this.#minOffset, drift: 0, origin: 0 };
    return { offset: fit.offset, drift: fit.drift, origin: fit.origin };
  }
}
