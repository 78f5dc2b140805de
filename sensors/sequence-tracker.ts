import type { GapEvent } from './imu-packet.ts';

/** Where a run of samples sits in the sensor's sequence, and the gap before it, if any. */
export interface TrackedRun {
  /** The run's first sample index, unwrapped (counts past 2^bits instead of wrapping). */
  firstSample: number;
  gap: GapEvent | null;
}

export interface SequenceTrackerOptions {
  /** Width of the device's sample counter in bits; it wraps at 2^bits (default 32, the framed protocol's). */
  counterBits?: number;
}

/**
 * Follows one sensor's sample counter across frames or notifications, whatever the carrier (the
 * serial driver and the BLE NUS driver share it): unwraps the counter, and turns a jump in it into a
 * gap event with the exact number of samples lost. A jump forward of less than half the counter's
 * range is a loss; a jump backward is taken as a device reset (the counter started over), a gap
 * whose loss the counter cannot tell (`samplesLost: null`). After `interrupted()` (the link went
 * away, or nothing came for too long) the next run closes one gap with that reason, however many
 * samples it lost, zero included.
 */
export class SequenceTracker {
  private readonly modulus: number;
  /** Unwrapped index of the sample expected next; undefined before the first run. */
  private nextSample: number | undefined;
  private lastDeviceTime = Number.NaN;
  private lastHostTime = Number.NaN;
  private pending: { reason: 'disconnect' | 'timeout'; hostTime: number } | undefined;

  constructor(
    readonly sensorId: string,
    options: SequenceTrackerOptions = {},
  ) {
    const bits = options.counterBits ?? 32;
    if (!(Number.isInteger(bits) && bits >= 1 && bits <= 48)) {
      throw new Error(`SequenceTracker(): counterBits must be 1..48, got ${bits}`);
    }
    this.modulus = 2 ** bits;
  }

  /**
   * Takes a run of `count` samples whose first has device counter value `counter` (raw, as sent),
   * device times (seconds) of its first and last sample, and the host time it arrived.
   */
  accept(
    counter: number,
    count: number,
    firstDeviceTime: number,
    lastDeviceTime: number,
    hostTime: number,
  ): TrackedRun {
    const m = this.modulus;
    let firstSample: number;
    let gap: GapEvent | null = null;
    const pending = this.pending;
    this.pending = undefined;
    if (this.nextSample === undefined) {
      firstSample = counter;
    } else {
      const delta = (((counter - this.nextSample) % m) + m) % m;
      const reset = delta >= m / 2;
      firstSample = reset ? counter : this.nextSample + delta;
      if (delta !== 0 || pending !== undefined) {
        gap = {
          kind: 'gap',
          sensorId: this.sensorId,
          reason: pending?.reason ?? 'sequence-jump',
          fromDeviceTime: this.lastDeviceTime,
          toDeviceTime: firstDeviceTime,
          fromHostTime: pending?.hostTime ?? this.lastHostTime,
          toHostTime: hostTime,
          samplesLost: reset ? null : delta,
        };
      }
    }
    this.nextSample = firstSample + count;
    this.lastDeviceTime = lastDeviceTime;
    this.lastHostTime = hostTime;
    return { firstSample, gap };
  }

  /**
   * The link went away (`disconnect`) or went quiet (`timeout`) at `hostTime`: the next run closes a
   * gap with this reason. Only the first call before the next run counts; before any run, none.
   */
  interrupted(reason: 'disconnect' | 'timeout', hostTime: number): void {
    if (this.nextSample !== undefined && this.pending === undefined) this.pending = { reason, hostTime };
  }

  /** The unwrapped index of the sample expected next (undefined before the first run). */
  get expectedSample(): number | undefined {
    return this.nextSample;
  }
}
