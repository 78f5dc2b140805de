import { type ClockFit, fitClock } from './fit-clock.ts';

/**
 * fitClock, online: a device clock mapped to the host clock while packets arrive, over a sliding
 * window, refitted now and then, restarting when the device clock resets.
 *
 * Window. A device clock's drift is not constant (temperature), so only the last
 * `windowSeconds` of host time are fitted (default 120 s). Memory is bounded by the window and
 * by MAX_POINTS (a ring buffer; at more than MAX_POINTS packets per window the oldest go first).
 *
 * Refits. At most every `refitEverySeconds` (default 1 s) of host time, so that a packet costs
 * O(1) and a refit O(window); also sooner while the fit is young (each time the point count
 * doubles) and when a packet arrives clearly earlier than the fit says it could (the envelope was
 * too high). `toHost` only evaluates the current line.
 *
 * Resets. The device clock went back (a restart at 0), or a packet arrived more than
 * `resetJumpSeconds` (default 0.5 s) earlier than the fit allows with the device time stepping
 * that much further than the host time since the previous packet (the clock jumped forward; a
 * packet is never early; a backlog that drains is early only little by little), or every packet for RESET_CONFIRM_SECONDS of host time arrived more than
 * `resetJumpSeconds` late (the clock jumped back or stood still; one late burst after a stall is
 * not a reset). The fit then restarts from the packet that showed it.
 */
export interface DeviceClockOptions {
  windowSeconds?: number;
  refitEverySeconds?: number;
  resetJumpSeconds?: number;
}

/** Ring-buffer capacity at most: 2 x 64 Ki float64 = 1 MiB per clock (it starts at 4 Ki and doubles as needed). */
const MAX_POINTS = 1 << 16;
const FIRST_CAPACITY = 1 << 12;
/** How long packets must keep arriving late before a late jump counts as a reset. */
const RESET_CONFIRM_SECONDS = 1;
/** A packet this far below the current line triggers an early refit (s). */
const EARLY_REFIT = 0.0002;

export class DeviceClock {
  private readonly window: number;
  private readonly refitEvery: number;
  private readonly resetJump: number;
  private dev = new Float64Array(FIRST_CAPACITY);
  private hst = new Float64Array(FIRST_CAPACITY);
  private head = 0;
  private size = 0;
  private current: ClockFit | null = null;
  private lastFitHost = -Infinity;
  private pointsAtFit = 0;
  private lastDevice = NaN;
  private lastHost = NaN;
  /** First index (in arrival order, as a count since the restart) of a run of late packets. */
  private lateSince: number | null = null;
  private resetCount = 0;
  // The line, unpacked for toHost.
  private origin = 0;
  private offset = NaN;
  private drift = 0;

  constructor(options: DeviceClockOptions = {}) {
    this.window = positive(options.windowSeconds ?? 120, 'windowSeconds');
    this.refitEvery = nonNegative(options.refitEverySeconds ?? 1, 'refitEverySeconds');
    this.resetJump = positive(options.resetJumpSeconds ?? 0.5, 'resetJumpSeconds');
  }

  /** One packet: the device time of its last sample and its host arrival time. reset: true when the device clock went back or jumped against the host clock; the fit then restarts from this point. */
  add(deviceTime: number, hostTime: number): { reset: boolean } {
    if (!Number.isFinite(deviceTime) || !Number.isFinite(hostTime))
      throw new Error(`DeviceClock.add(): times must be finite, got (${deviceTime}, ${hostTime})`);
    let reset = false;
    if (this.size > 0) {
      const lag = hostTime - this.toHost(deviceTime);
      // Early by more than resetJump in one step is a forward jump of the clock. Early little by
      // little is a backlog draining (a serial buffer that filled before the port was opened):
      // the first packets were late, not these early.
      const jumped = deviceTime - this.lastDevice > hostTime - this.lastHost + this.resetJump;
      if (deviceTime < this.lastDevice || (lag < -this.resetJump && jumped)) {
        reset = true;
      } else if (lag > this.resetJump) {
        this.lateSince ??= hostTime;
        if (hostTime - this.lateSince >= RESET_CONFIRM_SECONDS) reset = true;
      } else {
        this.lateSince = null;
      }
    }
    if (reset) {
      const lateFrom = deviceTime >= this.lastDevice ? this.lateSince : null;
      this.restart(lateFrom);
      this.resetCount++;
    }
    // Early without a jump: the packets before were late (a backlog), so they are forgotten.
    if (!reset && this.size > 0 && hostTime - this.toHost(deviceTime) < -this.resetJump) this.restart(null);
    this.push(deviceTime, hostTime);
    this.lastDevice = deviceTime;
    this.lastHost = hostTime;
    this.dropOlderThan(hostTime - this.window);
    if (this.lateSince === null && this.shouldRefit(deviceTime, hostTime)) this.refit(hostTime);
    return { reset };
  }

  /** Host time of a device time by the current fit; NaN before the first point (one point: offset only). */
  toHost(deviceTime: number): number {
    return deviceTime + this.offset + this.drift * (deviceTime - this.origin);
  }

  fit(): ClockFit | null {
    return this.current;
  }

  get resets(): number {
    return this.resetCount;
  }

  private shouldRefit(deviceTime: number, hostTime: number): boolean {
    if (this.current === null) return true;
    const since = hostTime - this.lastFitHost;
    if (since >= this.refitEvery) return true;
    if (this.size >= 2 * this.pointsAtFit) return true;
    return hostTime - this.toHost(deviceTime) < -EARLY_REFIT && since >= this.refitEvery / 10;
  }

  private refit(hostTime: number): void {
    const n = this.size;
    const d = new Float64Array(n);
    const h = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      d[k] = this.dev[this.at(n - k)] as number;
      h[k] = this.hst[this.at(n - k)] as number;
    }
    const fit = fitClock(d, h);
    this.current = fit;
    this.origin = fit.origin;
    this.offset = fit.offset;
    this.drift = fit.drift;
    this.lastFitHost = hostTime;
    this.pointsAtFit = n;
  }

  /** Forget the fit. With a confirmed late jump, keep the late run (it is the new clock's data). */
  private restart(keepFromHost: number | null): void {
    if (keepFromHost !== null) {
      let keep = 0;
      while (keep < this.size && (this.hst[this.at(keep + 1)] as number) >= keepFromHost) keep++;
      this.size = keep;
    } else {
      this.size = 0;
    }
    this.lateSince = null;
    this.current = null;
    this.offset = NaN;
    this.drift = 0;
    this.pointsAtFit = 0;
    this.lastFitHost = -Infinity;
  }

  private push(deviceTime: number, hostTime: number): void {
    const capacity = this.dev.length;
    if (this.size === capacity && capacity < MAX_POINTS) {
      // Grow, unrolling the ring: oldest first.
      const dev = new Float64Array(capacity * 2);
      const hst = new Float64Array(capacity * 2);
      for (let k = 0; k < this.size; k++) {
        dev[k] = this.dev[this.at(this.size - k)] as number;
        hst[k] = this.hst[this.at(this.size - k)] as number;
      }
      this.dev = dev;
      this.hst = hst;
      this.head = this.size;
    }
    this.dev[this.head] = deviceTime;
    this.hst[this.head] = hostTime;
    this.head = (this.head + 1) % this.dev.length;
    this.size = Math.min(this.size + 1, this.dev.length);
  }

  private dropOlderThan(hostTime: number): void {
    while (this.size > 1 && (this.hst[this.at(this.size)] as number) < hostTime) this.size--;
  }

  /** Ring index of the k-th newest point (k = 1: the newest). */
  private at(k: number): number {
    const capacity = this.dev.length;
    return (this.head - k + capacity) % capacity;
  }
}

function positive(v: number, name: string): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`DeviceClock: ${name} must be > 0, got ${v}`);
  return v;
}

function nonNegative(v: number, name: string): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`DeviceClock: ${name} must be >= 0, got ${v}`);
  return v;
}
