import { lstatSync, statSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { UserError, errorMessage } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { CsvStreamDecoder } from '../framed/csv-stream-decoder.ts';
import { FramedStreamDecoder } from '../framed/framed-stream-decoder.ts';
import { hostNow, type SensorEvent } from '../imu-packet.ts';
import type { SensorSource, SensorStatus } from '../sensor-source.ts';

const log = createLogger('sensors:serial');
const SAME_NODE_GRACE_MS = 2000;

export interface SerialSensorOptions {
  path: string;
  /** Ignored by USB CDC devices and pseudo-terminals, needed by UART bridges (default 115200). */
  baudRate?: number;
  /** `framed`: the framed IMU protocol, several sensors per port; `csv`: one sensor's sample lines. */
  format?: 'framed' | 'csv';
  /** Milliseconds between attempts to open the port again after the device went away (default 250). */
  reconnectIntervalMs?: number;
}

interface StreamDecoder {
  push(chunk: Uint8Array, hostTime: number): SensorEvent[];
  disconnected(hostTime: number): void;
}

/**
 * A serial port carrying one or more IMUs (USB CDC, a UART bridge, a pseudo-terminal). Events are
 * decoded as bytes arrive. When the device goes away (unplugged: the port closes with a disconnect)
 * the sensor tries to open the same path again every `reconnectIntervalMs` until it is back or
 * `stop()` is called; each sensor's first frame after that closes one `disconnect` gap whose
 * samplesLost comes from the sample counter.
 */
export class SerialSensor implements SensorSource {
  readonly spec: string;
  private readonly options: Required<SerialSensorOptions>;
  private readonly listeners = new Set<(event: SensorEvent) => void>();
  private readonly decoder: StreamDecoder;
  private port: SerialPort | undefined;
  private retry: NodeJS.Timeout | undefined;
  private watch: NodeJS.Timeout | undefined;
  /** The node of the port that went away, and when: reopening it at once would catch a dying pty. */
  private away: { identity: string | undefined; since: number } | undefined;
  /** Identity of the node the open port was opened on. */
  private openedIdentity: string | undefined;
  private running = false;
  /** Counts stop() calls, so that a start() still opening when stop() came closes what it opened. */
  private generation = 0;
  private connected = false;

  constructor(options: SerialSensorOptions, spec = `serial:${options.path}`) {
    this.spec = spec;
    this.options = { baudRate: 115200, format: 'framed', reconnectIntervalMs: 250, ...options };
    const { baudRate, reconnectIntervalMs, path } = this.options;
    if (!(Number.isInteger(baudRate) && baudRate > 0)) {
      throw new UserError(`${spec}: baud rate must be a positive whole number, got ${baudRate}`);
    }
    if (!(reconnectIntervalMs > 0)) throw new Error(`SerialSensor(): reconnectIntervalMs must be > 0`);
    this.decoder = this.options.format === 'csv' ? new CsvStreamDecoder(path) : new FramedStreamDecoder(path);
  }

  async start(): Promise<void> {
    if (this.running) return;
    const generation = this.generation;
    const port = await this.open();
    if (generation !== this.generation) {
      // stop() was called while the port was opening.
      clearInterval(this.watch);
      await new Promise<void>((resolve) => port.close(() => resolve()));
      return;
    }
    this.port = port;
    this.running = true;
  }

  async stop(): Promise<void> {
    this.generation++;
    this.running = false;
    clearTimeout(this.retry);
    this.retry = undefined;
    clearInterval(this.watch);
    const port = this.port;
    this.port = undefined;
    this.connected = false;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  onEvent(listener: (event: SensorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): SensorStatus {
    return { connected: this.connected, name: this.options.path };
  }

  private emit(events: SensorEvent[]): void {
    if (!this.running) return;
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  /** Opens the port and wires it up; rejects with a UserError that says what to do. */
  private open(): Promise<SerialPort> {
    const { path, baudRate } = this.options;
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    return new Promise((resolve, reject) => {
      port.open((err) => {
        if (err) {
          reject(openError(path, err));
          return;
        }
        this.connected = true;
        this.watchNode(port);
        port.on('data', (chunk: Buffer) => this.emit(this.decoder.push(chunk, hostNow())));
        port.on('error', (e: Error) => log.debug(`${path}: ${e.message}`));
        port.on('close', () => this.lost(port));
        resolve(port);
      });
    });
  }

  /**
   * Watches the device node: when it disappears or is replaced (a USB device unplugged and plugged
   * back gets a new node; a simulator's pty link is recreated), the device went away. Needed beside
   * the port's own close event: on a pty whose other side closed, reads return 0 bytes and
   * serialport's binding retries them forever instead of reporting a disconnect.
   */
  private watchNode(port: SerialPort): void {
    clearInterval(this.watch);
    const path = this.options.path;
    const opened = nodeIdentity(path);
    this.openedIdentity = opened;
    this.watch = setInterval(() => {
      const now = nodeIdentity(path);
      if (now === undefined || now !== opened) this.lost(port);
    }, this.options.reconnectIntervalMs);
  }

  /** The port closed without stop(): the device went away; try to open it again until it is back. */
  private lost(port: SerialPort): void {
    if (!this.running || this.port !== port) return;
    clearInterval(this.watch);
    if (port.isOpen) port.close();
    this.away = { identity: this.openedIdentity, since: Date.now() };
    this.connected = false;
    this.port = undefined;
    this.decoder.disconnected(hostNow());
    log.info(`${this.options.path}: device went away; reopening every ${this.options.reconnectIntervalMs} ms`);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.running) return;
      // The same node still there is the old device on its way out (a pty's read error comes before
      // its link is removed): wait for a new node, but not past SAME_NODE_GRACE_MS, for a port
      // that closed on a passing error and whose device never left.
      const away = this.away;
      if (
        away !== undefined &&
        nodeIdentity(this.options.path) === away.identity &&
        Date.now() - away.since < SAME_NODE_GRACE_MS
      ) {
        this.scheduleReopen();
        return;
      }
      this.open().then(
        (port) => {
          if (!this.running) {
            port.close();
            return;
          }
          this.port = port;
          log.info(`${this.options.path}: reopened`);
        },
        (err: unknown) => {
          log.debug(`${this.options.path}: still away (${errorMessage(err)})`);
          this.scheduleReopen();
        },
      );
    }, this.options.reconnectIntervalMs);
  }
}

/** What the path names now (the link's and the node's inode and change time, the device number), undefined when gone. */
function nodeIdentity(path: string): string | undefined {
  try {
    // Inode numbers are reused at once on some file systems: the change time tells a new node.
    const link = lstatSync(path, { bigint: true });
    const node = statSync(path, { bigint: true });
    return `${link.dev}:${link.ino}:${link.ctimeNs}:${node.rdev}:${node.ino}:${node.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/** Why a port did not open, as something the user can act on. */
function openError(path: string, err: Error): UserError {
  const text = errorMessage(err);
  if (/permission denied|EACCES/i.test(text)) {
    return new UserError(
      `cannot open ${path}: permission denied`,
      'add yourself to the group that owns the port (on most Linux systems: sudo usermod -aG dialout $USER, then log in again)',
      { cause: err },
    );
  }
  if (/no such file|ENOENT/i.test(text)) {
    return new UserError(
      `cannot open ${path}: no such port`,
      'check that the device is plugged in; `motionfuse sensors scan` lists the serial ports',
      { cause: err },
    );
  }
  if (/busy|locked|cannot lock|EBUSY/i.test(text)) {
    return new UserError(`cannot open ${path}: the port is in use`, 'close the other program that has it open', {
      cause: err,
    });
  }
  return new UserError(`cannot open ${path}: ${text}`, 'check the path and that the device is connected', {
    cause: err,
  });
}
