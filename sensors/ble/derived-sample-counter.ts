import type { GapEvent } from '../imu-packet.ts';

/**
 * Numbers the samples of a device that sends no sample counter (Polar PMD, Movesense GSP) from
 * their device times, and turns a jump in device time into a gap event. The count of samples a
 * gap lost is then an estimate (device time span x nominal rate), so such gaps carry
 * `samplesLost: null` ("the counter cannot tell"), while the counter itself advances by the
 * estimate so that `firstSample / rate` keeps tracking device time.
 */
export class DerivedSampleCounter {
  readonly #sensorId: string;
  readonly #rateHz: number;
  #next = 0;
  #lastTime = Number.NaN;
  #lastHostTime = Number.NaN;
  #disconnectedAt: number | null = null;

  constructor(sensorId: string, rateHz: number) {
    this.#sensorId = sensorId;
    this.#rateHz = rateHz;
  }

  /** The link dropped at `hostTime`; the next run of samples closes a 'disconnect' gap. */
  disconnected(hostTime: number): void {
    this.#disconnectedAt ??= hostTime;
  }

  /**
   * Places `n` samples whose first and last device times are given (seconds). Returns the index of
   * the first and the gap to report before them: a 'disconnect' gap after `disconnected()`, else a
   * 'sequence-jump' gap when at least `jumpThreshold` samples seem to be missing.
   */
  place(
    n: number,
    firstTime: number,
    lastTime: number,
    hostTime: number,
    jumpThreshold: number,
  ): { firstSample: number; gap: GapEvent | null } {
    let gap: GapEvent | null = null;
    if (!Number.isNaN(this.#lastTime)) {
      const missing = Math.round((firstTime - this.#lastTime) * this.#rateHz) - 1;
      const base = {
        kind: 'gap' as const,
        sensorId: this.#sensorId,
        fromDeviceTime: this.#lastTime,
        toDeviceTime: firstTime,
        toHostTime: hostTime,
        samplesLost: null,
      };
      if (this.#disconnectedAt !== null) {
        gap = { ...base, reason: 'disconnect', fromHostTime: this.#disconnectedAt };
      } else if (missing >= jumpThreshold) {
        gap = { ...base, reason: 'sequence-jump', fromHostTime: this.#lastHostTime };
      }
      if (gap !== null && missing > 0) this.#next += missing;
    }
    this.#disconnectedAt = null;
    const firstSample = this.#next;
    this.#next += n;
    this.#lastTime = lastTime;
    this.#lastHostTime = hostTime;
    return { firstSample, gap };
  }

  /** The gap still open when streaming ends while disconnected (null when none). */
  openGap(): GapEvent | null {
    if (this.#disconnectedAt === null || Number.isNaN(this.#lastTime)) return null;
    return {
      kind: 'gap',
      sensorId: this.#sensorId,
      reason: 'disconnect',
      fromDeviceTime: this.#lastTime,
      toDeviceTime: Number.NaN,
      fromHostTime: this.#disconnectedAt,
      toHostTime: Number.NaN,
      samplesLost: null,
    };
  }
}
