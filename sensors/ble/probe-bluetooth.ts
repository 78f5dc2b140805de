import { createRequire } from 'node:module';
import { errorMessage } from '../../src/core/errors.ts';

export interface BluetoothProbe {
  /** An HCI socket opened: BLE wearables can be scanned for. */
  available: boolean;
  /** Adapters the kernel reports (hci0, ...), when the socket opened. */
  adapters?: { devId: number; devUp: boolean }[];
  problem?: string;
}

/**
 * Checks whether BLE wearables can be reached, the way noble reaches them on Linux: by opening a
 * raw HCI socket through @abandonware/bluetooth-hci-socket. This is done directly rather than by
 * loading noble, which opens the socket on load and throws the failure asynchronously, out of
 * reach of a caller. A machine without Bluetooth (a container, a server) reports why.
 */
export function probeBluetooth(): BluetoothProbe {
  let Socket: new () => { getDeviceList(): { devId: number; devUp: boolean }[] };
  try {
    const require = createRequire(import.meta.url);
    Socket = require('@abandonware/bluetooth-hci-socket') as typeof Socket;
  } catch (err) {
    const text = errorMessage(err);
    if (
      /Cannot find module .*bluetooth_hci_socket\.node|Cannot find module '@abandonware\/bluetooth-hci-socket'/.test(
        text,
      )
    ) {
      return {
        available: false,
        problem:
          'the HCI socket addon (@abandonware/bluetooth-hci-socket) is not built: npm compiles it at install time with node-gyp, which needs python3, make and a C++ compiler; install those and run `npm rebuild @abandonware/bluetooth-hci-socket`',
      };
    }
    return { available: false, problem: `HCI socket binding failed to load: ${text.split('\n')[0]}` };
  }
  let socket: InstanceType<typeof Socket>;
  try {
    socket = new Socket();
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'EAFNOSUPPORT'
        ? 'the kernel has no Bluetooth socket support here (no adapter, or a container without it)'
        : code === 'EPERM' || code === 'EACCES'
          ? 'permission denied (grant CAP_NET_RAW: sudo setcap cap_net_raw+eip $(eval readlink -f $(which node)))'
          : 'see the error';
    return { available: false, problem: `cannot open an HCI socket: ${errorMessage(err)}: ${why}` };
  }
  try {
    const adapters = socket.getDeviceList().map((d) => ({ devId: d.devId, devUp: d.devUp }));
    if (adapters.length === 0)
      return { available: false, adapters, problem: 'HCI socket opened but no Bluetooth adapter is present' };
    return { available: true, adapters };
  } catch (err) {
    return { available: false, problem: `listing adapters failed: ${errorMessage(err)}` };
  }
}
