import { BleCentral, sharedBleCentral, type ScanFilter } from './ble-central.ts';
import { guessBleProtocol, type BleProtocolName } from './ble-uuids.ts';
import { loadNoble } from './load-noble.ts';

export interface BleDeviceInfo {
  name: string | null;
  /** Lower-case colon-separated address, as a `polar:`/`movesense:`/`nus:` spec takes it. */
  address: string;
  /** Signal strength in dBm of the last advertisement heard. */
  rssi: number;
  /** Our protocol the device speaks, guessed from its advertised services (or name); null: none. */
  protocol: BleProtocolName | null;
  /** The spec that `motionfuse sensors stream` takes for it, when the protocol is known. */
  spec: string | null;
  serviceUuids: string[];
}

export interface ScanBleOptions extends ScanFilter {
  /** How long to listen, in milliseconds (default 4000). */
  durationMs?: number;
  /** A noble binding to use instead of the system adapter (tests). */
  bindings?: object;
}

const SPEC_PREFIX: Record<BleProtocolName, string> = { 'polar-pmd': 'polar', 'movesense-gsp': 'movesense', nus: 'nus' };

/**
 * Lists the BLE devices advertising nearby, strongest first, with the protocol guessed from their
 * advertised services. Rejects with a UserError that says what to do where BLE is unavailable
 * (no Bluetooth in the kernel) or not permitted (Linux without CAP_NET_RAW).
 */
export async function scanBle(options: ScanBleOptions = {}): Promise<BleDeviceInfo[]> {
  const { durationMs = 4000, bindings, ...filter } = options;
  let central: BleCentral;
  if (bindings === undefined) central = await sharedBleCentral();
  else {
    central = new BleCentral(loadNoble(bindings));
    await central.ready();
  }
  const found = await central.scan(filter, { durationMs });
  return found
    .map((p) => {
      const serviceUuids = p.advertisement.serviceUuids ?? [];
      const name = p.advertisement.localName ?? null;
      const protocol = guessBleProtocol(serviceUuids, name ?? undefined);
      const address = p.address.toLowerCase();
      return {
        name,
        address,
        rssi: p.rssi,
        protocol,
        spec: protocol === null ? null : `${SPEC_PREFIX[protocol]}:${address}`,
        serviceUuids,
      };
    })
    .sort((a, b) => b.rssi - a.rssi);
}
