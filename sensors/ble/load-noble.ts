import { createRequire } from 'node:module';
import { UserError, errorMessage } from '../../src/core/errors.ts';
import type { NobleLike } from './noble-api.ts';

/**
 * Loads noble only when BLE is asked for: on Linux `require('@abandonware/noble')` opens an HCI
 * socket at once and throws where the kernel has no Bluetooth (EAFNOSUPPORT), so nothing else of
 * motionfuse may load it eagerly. `bindings` (a test's fake HCI binding) goes through noble's own
 * `with-bindings` entry, so the real noble code runs over it.
 */
export function loadNoble(bindings?: object): NobleLike {
  const require = createRequire(import.meta.url);
  if (bindings !== undefined) {
    const withBindings = require('@abandonware/noble/with-bindings') as (b: object) => NobleLike;
    return withBindings(bindings);
  }
  try {
    return require('@abandonware/noble') as NobleLike;
  } catch (err) {
    throw bluetoothLoadError(err);
  }
}

const REAL_NODE = '$(readlink -f "$(which node)")';
const PERMISSION_HINT =
  `grant the real node binary raw-socket rights: sudo setcap cap_net_raw+eip ${REAL_NODE} ` +
  '(setcap on a symlink or a version-manager shim does nothing), or run as root';

/** Why noble could not even load, as a UserError that says what to do. */
export function bluetoothLoadError(err: unknown): UserError {
  const code = (err as { code?: string }).code;
  const text = errorMessage(err);
  if (code === 'EAFNOSUPPORT' || /EAFNOSUPPORT|Address family not supported/.test(text)) {
    return new UserError(
      'BLE is unavailable: this kernel has no Bluetooth socket support (no adapter, or a container or VM without one)',
      'run on a machine with a Bluetooth adapter (`btmgmt info` lists it), or give the container the host network and the hci device; serial sensors still work',
      { cause: err },
    );
  }
  if (code === 'EPERM' || code === 'EACCES') {
    return new UserError('BLE is not permitted: opening the HCI socket was refused', PERMISSION_HINT, { cause: err });
  }
  if (/Cannot find module|bluetooth_hci_socket\.node/.test(text)) {
    return new UserError(
      'BLE is unavailable: the HCI socket addon (@abandonware/bluetooth-hci-socket) is not built',
      'install python3, make and a C++ compiler, then run `npm rebuild @abandonware/bluetooth-hci-socket`',
      { cause: err },
    );
  }
  return new UserError(`BLE is unavailable: ${text.split('\n')[0] ?? text}`, 'run `motionfuse doctor` for details', {
    cause: err,
  });
}

/** A noble adapter state other than poweredOn, as a UserError that says what to do. */
export function bluetoothStateError(state: string): UserError {
  switch (state) {
    case 'unauthorized':
      return new UserError('BLE is not permitted: the adapter state is "unauthorized"', PERMISSION_HINT);
    case 'unsupported':
      return new UserError(
        'BLE is unavailable: the adapter does not support Bluetooth Low Energy',
        'use a Bluetooth 4.0+ adapter; pick it with NOBLE_HCI_DEVICE_ID=<n> when there are several',
      );
    case 'poweredOff':
      return new UserError(
        'BLE is unavailable: the Bluetooth adapter is powered off',
        'power it on (`bluetoothctl power on`, or `rfkill unblock bluetooth`)',
      );
    default:
      return new UserError(
        `BLE is unavailable: the adapter stayed in state "${state}"`,
        'check the adapter with `btmgmt info`; stop bluetoothd if it holds the adapter',
      );
  }
}
