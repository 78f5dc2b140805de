import { EventEmitter } from 'node:events';

/**
 * A noble binding (what @abandonware/noble/with-bindings takes, the interface its hci-socket
 * bindings implement) that plays BLE peripherals in memory: it advertises them while noble scans,
 * connects, answers service and characteristic discovery, delivers writes to a device script, and
 * sends the notifications a test or the script asks for, only while noble is subscribed. The real
 * noble and our real drivers run over it; nothing of ours is mocked.
 */

export interface FakeDeviceIo {
  /** Sends a notification (or indication) on a characteristic, if the central subscribed to it. */
  notify(characteristicUuid: string, data: Uint8Array): void;
}

export interface FakeDevice {
  address: string;
  name?: string;
  rssi?: number;
  /** Services put in the advertisement (noble spelling or with dashes). */
  advertisedServices?: string[];
  /** GATT table: service uuid -> characteristic uuids. */
  services: Record<string, string[]>;
  /** Values a read returns, by characteristic uuid. */
  readValues?: Record<string, Uint8Array>;
  /** false: a connect never completes (a device switched off after advertising). */
  connectable?: boolean;
  /** Give the device a new noble id after each disconnect, as noble can on reconnect. */
  newIdOnReconnect?: boolean;
  /** Called for every write; the script answers through `io`. */
  onWrite?(characteristicUuid: string, data: Buffer, io: FakeDeviceIo): void;
}

export interface FakeBindingOptions {
  /** Adapter state reported at init (default 'poweredOn'). */
  state?: string;
  devices: FakeDevice[];
  /** Advertising interval while scanning (ms, default 2). */
  advertiseEveryMs?: number;
}

const norm = (uuid: string): string => uuid.replaceAll('-', '').toLowerCase();

interface DeviceState {
  device: FakeDevice;
  id: string;
  generation: number;
  connected: boolean;
  subscribed: Set<string>;
  /** characteristic uuid -> its service uuid. */
  serviceOf: Map<string, string>;
}

export class FakeHciBinding extends EventEmitter {
  /** Every radio operation noble asked for, in order (e.g. 'startScanning', 'connect aa:..'). */
  readonly log: string[] = [];
  /** Notifications dropped because the central was not subscribed. */
  dropped = 0;
  readonly #options: FakeBindingOptions;
  readonly #devices = new Map<string, DeviceState>();
  #scanTimer: NodeJS.Timeout | undefined;
  #scanning = false;

  constructor(options: FakeBindingOptions) {
    super();
    this.#options = options;
    for (const device of options.devices) {
      const serviceOf = new Map<string, string>();
      for (const [service, chars] of Object.entries(device.services)) {
        for (const c of chars) serviceOf.set(norm(c), norm(service));
      }
      const address = device.address.toLowerCase();
      this.#devices.set(address, {
        device,
        id: address.replaceAll(':', ''),
        generation: 0,
        connected: false,
        subscribed: new Set(),
        serviceOf,
      });
    }
  }

  get scanning(): boolean {
    return this.#scanning;
  }

  // ---- the binding interface noble calls ----

  init(): void {
    setImmediate(() => {
      this.emit('stateChange', this.#options.state ?? 'poweredOn');
      this.emit('addressChange', '00:11:22:33:44:55');
    });
  }

  setScanParameters(): void {
    setImmediate(() => this.emit('scanParametersSet'));
  }

  startScanning(serviceUuids: string[] = [], allowDuplicates = false): void {
    this.log.push('startScanning');
    this.#scanning = true;
    const wanted = serviceUuids.map(norm);
    const advertise = (): void => {
      for (const s of this.#devices.values()) {
        if (s.connected) continue;
        const services = (s.device.advertisedServices ?? []).map(norm);
        if (wanted.length > 0 && !wanted.some((u) => services.includes(u))) continue;
        const advertisement = {
          localName: s.device.name,
          serviceUuids: services,
          serviceData: [],
          serviceSolicitationUuids: [],
        };
        this.emit(
          'discover',
          s.id,
          s.device.address.toLowerCase(),
          'public',
          true,
          advertisement,
          s.device.rssi ?? -60,
          true,
        );
      }
    };
    setImmediate(() => {
      this.emit('scanStart', !allowDuplicates);
      advertise();
    });
    clearInterval(this.#scanTimer);
    this.#scanTimer = setInterval(advertise, this.#options.advertiseEveryMs ?? 2);
  }

  stopScanning(): void {
    this.log.push('stopScanning');
    this.#scanning = false;
    clearInterval(this.#scanTimer);
    this.#scanTimer = undefined;
    setImmediate(() => this.emit('scanStop'));
  }

  connect(id: string): void {
    const s = this.#byId(id);
    this.log.push(`connect ${s?.device.address.toLowerCase()}${this.#scanning ? ' (while scanning)' : ''}`);
    if (s === undefined || s.device.connectable === false) return; // never completes
    setImmediate(() => {
      s.connected = true;
      this.emit('connect', id, null);
    });
  }

  cancelConnect(id: string): void {
    this.log.push(`cancelConnect ${this.#byId(id)?.device.address.toLowerCase()}`);
  }

  disconnect(id: string): void {
    const s = this.#byId(id);
    this.log.push(`disconnect ${s?.device.address.toLowerCase()}`);
    if (s !== undefined) setImmediate(() => this.#dropLink(s, 0x16));
  }

  updateRssi(id: string): void {
    const s = this.#byId(id);
    setImmediate(() => this.emit('rssiUpdate', id, s?.device.rssi ?? -60));
  }

  reset(): void {}

  discoverServices(id: string, uuids: string[] = []): void {
    const s = this.#byId(id)!;
    const wanted = uuids.map(norm);
    const all = Object.keys(s.device.services).map(norm);
    setImmediate(() =>
      this.emit(
        'servicesDiscover',
        id,
        all.filter((u) => wanted.length === 0 || wanted.includes(u)),
      ),
    );
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    setImmediate(() => this.emit('includedServicesDiscover', id, serviceUuid, []));
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids: string[] = []): void {
    const s = this.#byId(id)!;
    const wanted = uuids.map(norm);
    const entry = Object.entries(s.device.services).find(([k]) => norm(k) === serviceUuid);
    const chars = (entry?.[1] ?? []).map(norm).filter((u) => wanted.length === 0 || wanted.includes(u));
    setImmediate(() =>
      this.emit(
        'characteristicsDiscover',
        id,
        serviceUuid,
        chars.map((uuid) => ({ uuid, properties: ['read', 'write', 'notify', 'indicate'] })),
      ),
    );
  }

  read(id: string, serviceUuid: string, characteristicUuid: string): void {
    const s = this.#byId(id)!;
    const value = s.device.readValues?.[characteristicUuid] ?? new Uint8Array(0);
    setImmediate(() => this.emit('read', id, serviceUuid, characteristicUuid, Buffer.from(value), false));
  }

  write(id: string, serviceUuid: string, characteristicUuid: string, data: Buffer, withoutResponse: boolean): void {
    const s = this.#byId(id)!;
    setImmediate(() => {
      if (!withoutResponse) this.emit('write', id, serviceUuid, characteristicUuid);
      s.device.onWrite?.(characteristicUuid, Buffer.from(data), this.#io(s));
    });
  }

  notify(id: string, serviceUuid: string, characteristicUuid: string, enable: boolean): void {
    const s = this.#byId(id)!;
    if (enable) s.subscribed.add(characteristicUuid);
    else s.subscribed.delete(characteristicUuid);
    setImmediate(() => this.emit('notify', id, serviceUuid, characteristicUuid, enable));
  }

  discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
    setImmediate(() => this.emit('descriptorsDiscover', id, serviceUuid, characteristicUuid, []));
  }

  // ---- what tests do ----

  /** Sends a notification from a device (dropped, and counted, when noble is not subscribed). */
  notifyFrom(address: string, characteristicUuid: string, data: Uint8Array): void {
    const s = this.#devices.get(address.toLowerCase());
    if (s === undefined) throw new Error(`no fake device ${address}`);
    this.#io(s).notify(characteristicUuid, data);
  }

  /** The device drops the link (walked out of range); it advertises again at once. */
  dropConnection(address: string): void {
    const s = this.#devices.get(address.toLowerCase());
    if (s === undefined || !s.connected) throw new Error(`fake device ${address} is not connected`);
    this.#dropLink(s, 0x08);
  }

  isSubscribed(address: string, characteristicUuid: string): boolean {
    return this.#devices.get(address.toLowerCase())?.subscribed.has(norm(characteristicUuid)) ?? false;
  }

  /** Stops advertising timers (call at the end of a test). */
  close(): void {
    clearInterval(this.#scanTimer);
  }

  #io(s: DeviceState): FakeDeviceIo {
    return {
      notify: (characteristicUuid, data) => {
        const uuid = norm(characteristicUuid);
        if (!s.connected || !s.subscribed.has(uuid)) {
          this.dropped++;
          return;
        }
        this.emit('read', s.id, s.serviceOf.get(uuid), uuid, Buffer.from(data), true);
      },
    };
  }

  #dropLink(s: DeviceState, reason: number): void {
    if (!s.connected) return;
    s.connected = false;
    s.subscribed.clear();
    const id = s.id;
    if (s.device.newIdOnReconnect) {
      s.generation++;
      s.id = `${s.device.address.toLowerCase().replaceAll(':', '')}-${s.generation}`;
    }
    this.emit('disconnect', id, reason);
  }

  #byId(id: string): DeviceState | undefined {
    for (const s of this.#devices.values()) if (s.id === id) return s;
    return undefined;
  }
}
