import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bluetoothLoadError, bluetoothStateError, loadNoble } from '../../../sensors/ble/load-noble.ts';
import { probeBluetooth } from '../../../sensors/ble/probe-bluetooth.ts';
import { UserError } from '../../../src/core/errors.ts';

const errno = (code: string, message: string): Error => Object.assign(new Error(message), { code });

const Load = suite('loadNoble');

Load('explains a kernel without Bluetooth (EAFNOSUPPORT, as noble throws on load)', () => {
  const err = bluetoothLoadError(errno('EAFNOSUPPORT', 'EAFNOSUPPORT, Address family not supported by protocol'));
  assert.instance(err, UserError);
  assert.match(err.message, /BLE is unavailable: this kernel has no Bluetooth socket support/);
  assert.match(err.hint!, /serial sensors still work/);
});

Load('explains a refused HCI socket with setcap on the real node binary', () => {
  const err = bluetoothLoadError(errno('EPERM', 'Operation not permitted'));
  assert.match(err.message, /BLE is not permitted/);
  assert.match(err.hint!, /setcap cap_net_raw\+eip \$\(readlink -f "\$\(which node\)"\)/);
  assert.match(err.hint!, /symlink or a version-manager shim/);
});

Load('explains an unbuilt HCI addon and adapter states', () => {
  assert.match(
    bluetoothLoadError(new Error("Cannot find module '../build/Release/bluetooth_hci_socket.node'")).hint!,
    /npm rebuild @abandonware\/bluetooth-hci-socket/,
  );
  assert.match(bluetoothStateError('poweredOff').hint!, /bluetoothctl power on/);
  assert.match(bluetoothStateError('unsupported').message, /does not support Bluetooth Low Energy/);
});

Load('turns the system noble failing to load into a UserError where there is no Bluetooth', () => {
  // Where an HCI socket opens, loading noble would hold the adapter and keep the process alive.
  const probe = probeBluetooth();
  if (probe.available) {
    console.log('  skip: this machine has Bluetooth, so noble would load');
    return;
  }
  assert.throws(
    () => loadNoble(),
    (err: unknown) => err instanceof UserError && /^BLE is (unavailable|not permitted)/.test(err.message),
  );
});

Load.run();
