/**
 * The part of @abandonware/noble's API that the BLE central uses, typed structurally: noble's own
 * index.d.ts types the module's functions, not an instance made by `with-bindings`, and tests run
 * the real noble over an injected binding (test/sensors/ble/fake-hci-binding.ts).
 */
export type Listener = (...args: any[]) => void;

interface Emitter {
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
}

export interface NobleLike extends Emitter {
  /** 'unknown' | 'resetting' | 'unsupported' | 'unauthorized' | 'poweredOff' | 'poweredOn'. */
  readonly state: string;
  startScanning(serviceUuids: string[], allowDuplicates: boolean, callback?: (error?: Error | null) => void): void;
  stopScanning(callback?: () => void): void;
}

export interface AdvertisementLike {
  localName?: string;
  serviceUuids?: string[];
}

export interface PeripheralLike extends Emitter {
  readonly id: string;
  readonly address: string;
  readonly rssi: number;
  readonly state: string;
  readonly advertisement: AdvertisementLike;
  connect(callback: (error?: Error | string | null) => void): void;
  cancelConnect(): void;
  disconnect(callback?: () => void): void;
  discoverServices(uuids: string[], callback: (error: Error | string | null, services: ServiceLike[]) => void): void;
}

export interface ServiceLike {
  readonly uuid: string;
  discoverCharacteristics(
    uuids: string[],
    callback: (error: Error | string | null, characteristics: CharacteristicLike[]) => void,
  ): void;
}

export interface CharacteristicLike extends Emitter {
  readonly uuid: string;
  readonly properties: string[];
  read(callback: (error: Error | string | null, data: Buffer) => void): void;
  write(data: Buffer, withoutResponse: boolean, callback: (error?: Error | string | null) => void): void;
  subscribe(callback: (error?: Error | string | null) => void): void;
  unsubscribe(callback: (error?: Error | string | null) => void): void;
}
