import { errorMessage } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { hostNow, type SensorEvent } from '../imu-packet.ts';
import type { SensorSource, SensorStatus } from '../sensor-source.ts';
import { BleCentral, sharedBleCentral } from './ble-central.ts';
import { BATTERY_LEVEL, BATTERY_SERVICE } from './ble-uuids.ts';
import type { CharacteristicLike, PeripheralLike } from './noble-api.ts';

const log = createLogger('ble');

/** What a protocol driver may do on a connected device. */
export interface BleLink {
  /** Writes to a characteristic (with response unless `withoutResponse`). */
  write(characteristicUuid: string, data: Buffer, withoutResponse?: boolean): Promise<void>;
  /** Subscribes to notifications or indications; `listener` gets each value with its host arrival time. */
  subscribe(characteristicUuid: string, listener: (data: Buffer, hostTime: number) => void): Promise<void>;
}

/** One protocol (Polar PMD, Movesense GSP, framed IMU over NUS) over the common BLE lifecycle. */
export interface BleProtocol {
  readonly serviceUuid: string;
  readonly characteristicUuids: string[];
  /** Subscribes and starts streaming on a fresh connection (called again after each reconnect). */
  setup(link: BleLink): Promise<void>;
  /** Stops streaming politely before a requested disconnect. */
  teardown(link: BleLink): Promise<void>;
  /** The link dropped at `hostTime`: the next data closes a gap with reason 'disconnect'. */
  onDisconnect(hostTime: number): void;
  /** The gaps still open when the source stops while disconnected. */
  openGaps(): SensorEvent[];
}

export interface BleSourceOptions {
  /** The device address, e.g. `a0:9e:1a:12:34:56`. */
  address: string;
  /** A central to share (tests pass one over a fake binding); default the system adapter's. */
  central?: BleCentral;
  /** How long to scan for the device before giving up, per attempt (ms, default 10000). */
  scanTimeoutMs?: number;
  /** Connect timeout (ms, default 10000); the connect is cancelled when it expires. */
  connectTimeoutMs?: number;
  /** Reconnect after an unrequested disconnect (default true). */
  reconnect?: boolean;
  /** First wait before a reconnect attempt (ms, default 500); doubles per failure up to 10 s. */
  reconnectDelayMs?: number;
}

/**
 * The BLE side every BLE driver shares: find the device by address, connect (queued, with a
 * timeout), discover the protocol's characteristics, hand them to the protocol, and on a dropped
 * link tell the protocol (which marks the gap) and reconnect by scanning for the address again
 * (noble may have made a new peripheral object for it). Battery level is read when the device has
 * the standard Battery Service.
 */
export class BleSensorSource implements SensorSource {
  readonly spec: string;
  readonly #options: Required<Omit<BleSourceOptions, 'central'>> & { central?: BleCentral };
  readonly #listeners = new Set<(event: SensorEvent) => void>();
  #protocol: BleProtocol | undefined;
  #central: BleCentral | undefined;
  #peripheral: PeripheralLike | undefined;
  #connected = false;
  #stopping = false;
  #battery: number | undefined;
  #subscriptions: { characteristic: CharacteristicLike; listener: (data: Buffer) => void }[] = [];
  #characteristics = new Map<string, CharacteristicLike>();
  /** Set up and streaming: only then does a drop start the reconnect loop. */
  #streaming = false;

  constructor(spec: string, options: BleSourceOptions) {
    this.spec = spec;
    this.#options = {
      scanTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      reconnect: true,
      reconnectDelayMs: 500,
      ...options,
      address: options.address.toLowerCase(),
    };
  }

  /** Sets the protocol (done once by the driver's factory, which needs `emit` first). */
  attach(protocol: BleProtocol): void {
    this.#protocol = protocol;
  }

  /** Delivers an event to the listeners; protocols call it. Nothing is delivered after stop(). */
  emit(event: SensorEvent): void {
    if (this.#stopping && event.kind !== 'gap') return;
    for (const listener of this.#listeners) listener(event);
  }

  onEvent(listener: (event: SensorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): SensorStatus {
    const name = this.#peripheral?.advertisement.localName;
    return {
      connected: this.#connected,
      ...(this.#battery !== undefined ? { battery: this.#battery } : {}),
      ...(name !== undefined ? { name } : {}),
    };
  }

  async start(): Promise<void> {
    this.#stopping = false;
    this.#central = this.#options.central ?? (await sharedBleCentral());
    await this.#connectOnce();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const peripheral = this.#peripheral;
    if (this.#connected && peripheral !== undefined) {
      try {
        await withTimeout(this.#protocol!.teardown(this.#link()), 2000, 'stopping the stream');
      } catch (err) {
        log.debug(`${this.spec}: stopping the stream failed (disconnecting anyway)`, err);
      }
      this.#dropSubscriptions();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        peripheral.disconnect(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#connected = false;
      this.#streaming = false;
    } else {
      for (const gap of this.#protocol?.openGaps() ?? []) for (const listener of this.#listeners) listener(gap);
    }
    // A reconnect attempt still scanning is not waited for: it sees #stopping and lets go.
    this.#listeners.clear();
  }

  async #connectOnce(): Promise<void> {
    const central = this.#central!;
    const protocol = this.#protocol!;
    const peripheral = await central.find(this.#options.address, this.#options.scanTimeoutMs);
    this.#peripheral = peripheral;
    await central.connect(peripheral, this.#options.connectTimeoutMs);
    if (this.#stopping) {
      disconnectQuietly(peripheral);
      return;
    }
    const onDisconnect = (): void => this.#onDisconnect(peripheral);
    peripheral.once('disconnect', onDisconnect);
    this.#connected = true;
    try {
      const battery = await central.readOptional(peripheral, BATTERY_SERVICE, BATTERY_LEVEL);
      if (battery !== undefined && battery.length > 0) this.#battery = battery[0];
      this.#characteristics = await central.discover(peripheral, protocol.serviceUuid, protocol.characteristicUuids);
      await protocol.setup(this.#link());
      if (this.#stopping) throw new Error('stopped while connecting');
      this.#streaming = true;
    } catch (err) {
      // A half-set-up link is worth nothing: drop it, so that start() fails cleanly or the
      // reconnect loop tries again.
      this.#dropSubscriptions();
      this.#connected = false;
      peripheral.removeListener('disconnect', onDisconnect);
      disconnectQuietly(peripheral);
      throw err;
    }
    log.debug(`${this.spec}: streaming`);
  }

  #link(): BleLink {
    const get = (uuid: string): CharacteristicLike => {
      const c = this.#characteristics.get(uuid);
      if (c === undefined) throw new Error(`${this.spec}: characteristic ${uuid} was not discovered`);
      return c;
    };
    return {
      write: (uuid, data, withoutResponse = false) =>
        new Promise((resolve, reject) =>
          get(uuid).write(data, withoutResponse, (err) => (err ? reject(new Error(String(err))) : resolve())),
        ),
      subscribe: (uuid, listener) => {
        const characteristic = get(uuid);
        // Kept flowing while stopping: the teardown waits for answers; emit() drops late samples.
        const onData = (data: Buffer): void => listener(data, hostNow());
        characteristic.on('data', onData);
        this.#subscriptions.push({ characteristic, listener: onData });
        return new Promise((resolve, reject) =>
          characteristic.subscribe((err) => (err ? reject(new Error(String(err))) : resolve())),
        );
      },
    };
  }

  #dropSubscriptions(): void {
    for (const { characteristic, listener } of this.#subscriptions) characteristic.removeListener('data', listener);
    this.#subscriptions = [];
  }

  #onDisconnect(peripheral: PeripheralLike): void {
    if (peripheral !== this.#peripheral) return;
    this.#connected = false;
    this.#dropSubscriptions();
    const wasStreaming = this.#streaming;
    this.#streaming = false;
    // A drop during setup fails that setup instead (start() rejects, or the running loop retries).
    if (this.#stopping || !wasStreaming) return;
    this.#protocol!.onDisconnect(hostNow());
    log.warn(`${this.spec}: disconnected${this.#options.reconnect ? '; reconnecting' : ''}`);
    if (this.#options.reconnect) void this.#reconnectLoop();
  }

  async #reconnectLoop(): Promise<void> {
    let delay = this.#options.reconnectDelayMs;
    while (!this.#stopping) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#stopping) return;
      try {
        await this.#connectOnce();
        return;
      } catch (err) {
        log.info(`${this.spec}: reconnect failed (${errorMessage(err)}); retrying in ${delay * 2} ms`);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }
}

/**
 * Disconnects unless the link is already gone: noble's HCI binding would send a disconnect for a
 * connection handle it has already forgotten.
 */
function disconnectQuietly(peripheral: PeripheralLike): void {
  if (peripheral.state === 'disconnected') return;
  try {
    peripheral.disconnect();
  } catch (err) {
    log.debug(`${peripheral.address}: disconnect failed`, err);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
