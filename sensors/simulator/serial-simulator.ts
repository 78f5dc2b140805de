import { DeviceSimulator, type DeviceSimulatorOptions, type Emission } from './device-simulator.ts';
import { SocatPty } from './socat-pty.ts';

export interface SerialSimulatorOptions {
  device: DeviceSimulatorOptions;
  /** Where the pty the user opens is linked (a path in a writable folder). */
  link: string;
  /** Simulated seconds to stream (Infinity: until `stop()`). */
  seconds: number;
  /** Simulated seconds per wall second: 1 is real time; Infinity as fast as the reader takes it. */
  speed: number;
  /** Unplug the device `at` simulated seconds for `for` seconds (the pty closes, then comes back). */
  unplugs: readonly { at: number; for: number }[];
  /** The socat binary (default: found on PATH). */
  socat?: string;
}

/** A frame whose samples never arrived whole, and why. */
export interface LostFrame {
  sensor: number;
  firstSample: number;
  count: number;
  reason: 'lost' | 'torn' | 'unplugged';
}

/** What the simulator did, to compare with what a reader reports. */
export interface SimulatorLog {
  /** Simulated seconds streamed. */
  seconds: number;
  /** Frames and samples produced (sent or not). */
  frames: number;
  samples: number;
  lost: LostFrame[];
  /** Noise bytes sent between frames. */
  garbageBytes: number;
  /** Unplug periods that took place. */
  unplugs: number;
}

/** Simulated seconds per step when streaming as fast as possible. */
const FAST_STEP = 0.25;
/** Wall milliseconds between steps in timed mode. */
const TICK_MS = 5;

/**
 * The device simulator on a pseudo-terminal: a DeviceSimulator's frames written in (scaled) real time
 * into a socat pty, which a serial driver opens like a USB device. Unplugging closes the pty (the
 * reader sees the port go away) and plugging back opens a new one at the same link; frames due
 * while unplugged are not sent, as a real device's would not be.
 */
export class SerialSimulator {
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Resolves when stop() is called: a write that waits for a reader gives up then. */
  private readonly stopSignal = new Promise<void>((resolve) => (this.resolveStop = resolve));
  private resolveStop: (() => void) | undefined;
  /** Wall time (performance.now()) when a timed run ends; undefined when streaming as fast as the reader takes it. */
  private endWall: number | undefined;

  private constructor(
    private readonly options: SerialSimulatorOptions,
    private readonly device: DeviceSimulator,
    private pty: SocatPty | undefined,
  ) {}

  /** Creates the pty (resolves once it can be opened at `options.link`); `run()` streams. */
  static async start(options: SerialSimulatorOptions): Promise<SerialSimulator> {
    if (!(options.speed > 0)) throw new Error(`SerialSimulator: speed must be > 0, got ${options.speed}`);
    if (!(options.seconds > 0)) throw new Error(`SerialSimulator: seconds must be > 0, got ${options.seconds}`);
    for (const u of options.unplugs) {
      if (!(u.at >= 0 && u.for > 0))
        throw new Error(`SerialSimulator: an unplug needs at >= 0 and for > 0, got ${JSON.stringify(u)}`);
    }
    const device = new DeviceSimulator(options.device);
    return new SerialSimulator(options, device, await SocatPty.open(options.link, options.socat));
  }

  get path(): string {
    return this.options.link;
  }

  /** Ends `run()` at its next step. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
    this.resolveStop?.();
  }

  /** Streams until `seconds` of simulated time or `stop()`; closes the pty and returns what happened. Once. */
  async run(): Promise<SimulatorLog> {
    const o = this.options;
    const device = this.device;
    const unplugs = [...o.unplugs].sort((a, b) => a.at - b.at);
    const log: SimulatorLog = { seconds: 0, frames: 0, samples: 0, lost: [], garbageBytes: 0, unplugs: 0 };
    const startWall = performance.now();
    if (Number.isFinite(o.speed) && Number.isFinite(o.seconds)) this.endWall = startWall + (o.seconds / o.speed) * 1000;
    let t = 0;
    try {
      while (!this.stopped && t < o.seconds) {
        if (Number.isFinite(o.speed)) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, TICK_MS);
          });
          t = Math.min(o.seconds, ((performance.now() - startWall) / 1000) * o.speed);
        } else {
          t = Math.min(o.seconds, t + FAST_STEP);
        }
        const batch: Uint8Array[] = [];
        for (const e of device.until(t)) {
          const plugged = !unplugs.some((u) => e.due >= u.at && e.due < u.at + u.for);
          if (plugged !== (this.pty !== undefined)) {
            await this.write(batch);
            if (plugged) this.pty = await SocatPty.open(o.link, o.socat);
            else {
              await this.pty?.close();
              this.pty = undefined;
              log.unplugs++;
            }
          }
          record(log, e, plugged);
          if (plugged) batch.push(e.bytes);
        }
        await this.write(batch);
        log.seconds = t;
      }
    } finally {
      await this.pty?.close(true);
      this.pty = undefined;
    }
    return log;
  }

  /** Writes and empties the batch. */
  private async write(batch: Uint8Array[]): Promise<void> {
    if (batch.length === 0 || this.pty === undefined) return;
    const total = batch.reduce((n, b) => n + b.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const b of batch) {
      bytes.set(b, at);
      at += b.length;
    }
    batch.length = 0;
    // A real device does not wait for a reader: in real time, a pty nobody reads (its buffer full)
    // must not hold the run past its end or past stop(), or the simulator never exits.
    const waits: Promise<void>[] = [this.pty.write(bytes), this.stopSignal];
    let timer: NodeJS.Timeout | undefined;
    if (this.endWall !== undefined)
      waits.push(
        new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, this.endWall! - performance.now())))),
      );
    await Promise.race(waits);
    clearTimeout(timer);
  }
}

function record(log: SimulatorLog, e: Emission, plugged: boolean): void {
  log.frames++;
  log.samples += e.count;
  if (plugged) log.garbageBytes += e.garbage;
  const reason = e.fate === 'lost' ? 'lost' : !plugged ? 'unplugged' : e.fate === 'torn' ? 'torn' : undefined;
  if (reason !== undefined) log.lost.push({ sensor: e.sensor, firstSample: e.firstSample, count: e.count, reason });
}
