import { UserError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import { bluetoothLoadError, bluetoothStateError, loadNoble } from './load-noble.ts';
import type { CharacteristicLike, NobleLike, PeripheralLike, ServiceLike } from './noble-api.ts';
import { nobleUuid } from './ble-uuids.ts';

const log = createLogger('ble');

export interface ScanFilter {
  /** Keep devices whose advertised name starts with this (case-sensitive, as advertised). */
  namePrefix?: string;
  /** Keep devices advertising one of these services (any spelling: dashes and case do not matter). */
  serviceUuids?: string[];
  /** Keep only this device address (any case). */
  address?: string;
}

export interface ScanOptions {
  /** How long to listen for advertisements. */
  durationMs: number;
  /** Ends the scan early once this returns true for a device that passed the filter. */
  stopWhen?: (peripheral: PeripheralLike) => boolean;
}

/**
 * A small BLE central over noble that works around its known traps on Linux (docs/sensors.md):
 * one radio operation at a time (a scan running while a connection is created makes the
 * controller answer "Command Disallowed (0x0c)", so scans and connects queue behind each other and
 * a connect stops scanning first); every connect has a timeout and is cancelled when it expires
 * (connecting to a device that is off hangs forever otherwise); devices are keyed by address,
 * since noble can hand out a new peripheral object for the same device after a reconnect.
 */
export class BleCentral {
  readonly #noble: NobleLike;
  /** Latest peripheral object seen per lower-case address. */
  readonly #byAddress = new Map<string, PeripheralLike>();
  /** Tail of the queue of radio operations (scans and connects). */
  #queue: Promise<unknown> = Promise.resolve();
  #scanning = false;

  constructor(noble: NobleLike) {
    this.#noble = noble;
  }

  /** Resolves once the adapter is powered on; rejects with a UserError saying what to do if not. */
  ready(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (state: string): boolean => {
        if (state === 'poweredOn') resolve();
        else if (state === 'unauthorized' || state === 'unsupported') reject(bluetoothStateError(state));
        else return false;
        return true;
      };
      const onState = (state: string): void => {
        if (settle(state)) finish();
      };
      const timer = setTimeout(() => {
        finish();
        reject(bluetoothStateError(this.#noble.state));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#noble.removeListener('stateChange', onState);
      };
      this.#noble.on('stateChange', onState);
      let state: string;
      try {
        // Reading `state` initialises noble's bindings when nothing has yet; that can throw.
        state = this.#noble.state;
      } catch (err) {
        finish();
        reject(bluetoothLoadError(err));
        return;
      }
      if (settle(state)) finish();
    });
  }

  /** Lists the devices that advertise within `durationMs` and pass `filter`, one per address. */
  scan(filter: ScanFilter, options: ScanOptions): Promise<PeripheralLike[]> {
    return this.#exclusive(() => this.#scanNow(filter, options));
  }

  /** Finds the device with this address by scanning for it (a reconnect needs its fresh object). */
  async find(address: string, timeoutMs: number): Promise<PeripheralLike> {
    const wanted = address.toLowerCase();
    const found = await this.scan({ address: wanted }, { durationMs: timeoutMs, stopWhen: () => true });
    const peripheral = found[0];
    if (peripheral === undefined) {
      throw new UserError(
        `BLE device ${address} was not found within ${(timeoutMs / 1000).toFixed(1)} s`,
        'is it switched on, in range, and not connected to another app (a phone holds it)? `motionfuse sensors scan` lists what advertises',
      );
    }
    return peripheral;
  }

  /** The latest peripheral object seen for an address, if any. */
  known(address: string): PeripheralLike | undefined {
    return this.#byAddress.get(address.toLowerCase());
  }

  /** Connects, one device at a time; cancels and rejects with a UserError after `timeoutMs`. */
  connect(peripheral: PeripheralLike, timeoutMs: number): Promise<void> {
    return this.#exclusive(() => this.#connectNow(peripheral, timeoutMs));
  }

  /**
   * Discovers one service and the characteristics we need on a connected device, keyed by UUID in
   * noble's spelling. A missing service or characteristic is a UserError (wrong device or firmware).
   */
  async discover(
    peripheral: PeripheralLike,
    serviceUuid: string,
    characteristicUuids: string[],
  ): Promise<Map<string, CharacteristicLike>> {
    const wanted = nobleUuid(serviceUuid);
    const services = await new Promise<ServiceLike[]>((resolve, reject) =>
      peripheral.discoverServices([wanted], (err, list) => (err ? reject(asError(err)) : resolve(list ?? []))),
    );
    const service = services.find((s) => s.uuid === wanted);
    if (service === undefined) {
      throw new UserError(
        `BLE device ${peripheral.address} has no service ${serviceUuid}`,
        'is it the kind of device the spec names (polar:, movesense:, nus:)? Movesense needs firmware with the GATT SensorData Protocol',
      );
    }
    const uuids = characteristicUuids.map(nobleUuid);
    const characteristics = await new Promise<CharacteristicLike[]>((resolve, reject) =>
      service.discoverCharacteristics(uuids, (err, list) => (err ? reject(asError(err)) : resolve(list ?? []))),
    );
    const byUuid = new Map(characteristics.map((c) => [c.uuid, c]));
    const missing = uuids.filter((u) => !byUuid.has(u));
    if (missing.length > 0) {
      throw new UserError(
        `BLE device ${peripheral.address} lacks characteristic(s) ${missing.join(', ')} of service ${serviceUuid}`,
        'update the device firmware, or check that the spec names the right protocol',
      );
    }
    return byUuid;
  }

  /** Reads an optional characteristic (battery level); undefined when the device lacks it. */
  async readOptional(peripheral: PeripheralLike, serviceUuid: string, uuid: string): Promise<Buffer | undefined> {
    try {
      const chars = await this.discover(peripheral, serviceUuid, [uuid]);
      const c = chars.get(nobleUuid(uuid));
      if (c === undefined) return undefined;
      return await new Promise<Buffer>((resolve, reject) =>
        c.read((err, data) => (err ? reject(asError(err)) : resolve(data))),
      );
    } catch (err) {
      log.debug(`optional read of ${uuid} on ${peripheral.address} failed`, err);
      return undefined;
    }
  }

  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #scanNow(filter: ScanFilter, options: ScanOptions): Promise<PeripheralLike[]> {
    const serviceFilter = (filter.serviceUuids ?? []).map(nobleUuid);
    const address = filter.address?.toLowerCase();
    const matches = new Map<string, PeripheralLike>();
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#noble.removeListener('discover', onDiscover);
        this.#stopScanning().then(() => resolve([...matches.values()]), reject);
      };
      const onDiscover = (p: PeripheralLike): void => {
        const key = p.address.toLowerCase();
        this.#byAddress.set(key, p);
        const name = p.advertisement.localName ?? '';
        if (address !== undefined && key !== address) return;
        if (filter.namePrefix !== undefined && !name.startsWith(filter.namePrefix)) return;
        if (serviceFilter.length > 0) {
          const advertised = (p.advertisement.serviceUuids ?? []).map(nobleUuid);
          if (!serviceFilter.some((u) => advertised.includes(u))) return;
        }
        matches.set(key, p);
        if (options.stopWhen?.(p)) finish();
      };
      const timer = setTimeout(finish, options.durationMs);
      this.#noble.on('discover', onDiscover);
      this.#scanning = true;
      // Duplicates on, so that RSSI stays fresh and a device seen before this scan is reported again.
      this.#noble.startScanning(serviceFilter, true, (err) => {
        if (err) {
          done = true;
          clearTimeout(timer);
          this.#scanning = false;
          this.#noble.removeListener('discover', onDiscover);
          const state = /state is (\w+)/.exec(err.message)?.[1];
          reject(state !== undefined ? bluetoothStateError(state) : err);
        }
      });
    });
  }

  #stopScanning(): Promise<void> {
    if (!this.#scanning) return Promise.resolve();
    this.#scanning = false;
    return new Promise((resolve) => {
      // noble calls back on the adapter's scanStop; do not hang if the adapter never says so.
      const timer = setTimeout(resolve, 1000);
      this.#noble.stopScanning(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async #connectNow(peripheral: PeripheralLike, timeoutMs: number): Promise<void> {
    await this.#stopScanning();
    this.#byAddress.set(peripheral.address.toLowerCase(), peripheral);
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        peripheral.cancelConnect();
        reject(
          new UserError(
            `connecting to BLE device ${peripheral.address} timed out after ${(timeoutMs / 1000).toFixed(1)} s`,
            'is it switched on and in range, and not already connected to another app or phone?',
          ),
        );
      }, timeoutMs);
      peripheral.connect((err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err)
          reject(new UserError(`connecting to BLE device ${peripheral.address} failed: ${asError(err).message}`));
        else resolve();
      });
    });
  }
}

function asError(err: Error | string): Error {
  return err instanceof Error ? err : new Error(String(err));
}

let shared: Promise<BleCentral> | undefined;

/**
 * The process's one central over the system adapter, created on first use (loading noble then,
 * never before) and ready (powered on). Several sensors share it, so their scans and connects
 * queue behind each other. Rejects with a UserError when BLE is unavailable or not permitted.
 */
export function sharedBleCentral(readyTimeoutMs = 5000): Promise<BleCentral> {
  shared ??= (async () => {
    const central = new BleCentral(loadNoble());
    await central.ready(readyTimeoutMs);
    return central;
  })();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}
