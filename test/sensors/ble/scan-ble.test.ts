import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scanBle } from '../../../sensors/ble/scan-ble.ts';
import { fakeMovesense, fakeNusBoard, fakePolar, NUS_SERVICE } from './fake-devices.ts';
import { FakeHciBinding } from './fake-hci-binding.ts';

const devices = () => [
  { ...fakePolar({ address: 'A0:9E:1A:00:00:01' }), rssi: -70 },
  { ...fakeMovesense('0C:8C:DC:00:00:02'), rssi: -50 },
  { ...fakeNusBoard('D4:3B:04:00:00:03'), rssi: -40 },
  { address: '11:22:33:44:55:66', name: 'Kettle', rssi: -80, advertisedServices: ['180a'], services: {} },
];

const Scan = suite('scanBle');

Scan('lists what advertises, strongest first, with the protocol guessed from the advertised services', async () => {
  const binding = new FakeHciBinding({ devices: devices() });
  const found = await scanBle({ bindings: binding, durationMs: 30 });
  assert.equal(
    found.map((d) => [d.address, d.name, d.rssi, d.protocol, d.spec]),
    [
      ['d4:3b:04:00:00:03', 'motionfuse-imu', -40, 'nus', 'nus:d4:3b:04:00:00:03'],
      ['0c:8c:dc:00:00:02', 'Movesense 212330000123', -50, 'movesense-gsp', 'movesense:0c:8c:dc:00:00:02'],
      ['a0:9e:1a:00:00:01', 'Polar Sense B5A1C2D3', -70, 'polar-pmd', 'polar:a0:9e:1a:00:00:01'],
      ['11:22:33:44:55:66', 'Kettle', -80, null, null],
    ],
  );
  binding.close();
});

Scan('filters by name prefix, advertised service and address', async () => {
  const binding = new FakeHciBinding({ devices: devices() });
  assert.equal(
    (await scanBle({ bindings: binding, durationMs: 20, namePrefix: 'Polar' })).map((d) => d.protocol),
    ['polar-pmd'],
  );
  assert.equal(
    (await scanBle({ bindings: binding, durationMs: 20, serviceUuids: [NUS_SERVICE] })).map((d) => d.protocol),
    ['nus'],
  );
  assert.equal(
    (await scanBle({ bindings: binding, durationMs: 20, address: '0C:8C:DC:00:00:02' })).map((d) => d.protocol),
    ['movesense-gsp'],
  );
  binding.close();
});

Scan.run();
