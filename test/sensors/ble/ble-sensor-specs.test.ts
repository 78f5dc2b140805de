import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMovesenseSensor, createNusSensor, createPolarSensor } from '../../../sensors/ble/ble-sensor-specs.ts';
import { openSensor } from '../../../sensors/open-sensor.ts';

const Specs = suite('BLE sensor specs');

Specs('opens polar:, movesense: and nus: specs through openSensor (nothing connects before start())', async () => {
  for (const spec of [
    'polar:A0:9E:1A:12:34:56?rate=52&gyro=off',
    'movesense:0c:8c:dc:22:54:15?rate=208',
    'nus:d4:3b:04:aa:bb:cc',
  ]) {
    const source = await openSensor(spec);
    assert.is(source.spec.split(':')[0], spec.split(':')[0]);
    assert.equal(source.status(), { connected: false });
  }
});

Specs('names what is wrong in a spec', () => {
  assert.throws(() => createPolarSensor('A0:9E:1A', 'polar:A0:9E:1A', {}), /'A0:9E:1A' is not a BLE address/);
  assert.throws(() => createPolarSensor('a0:9e:1a:12:34:56?gyro=maybe', 'x', {}), /gyro 'maybe' is not on or off/);
  assert.throws(
    () => createPolarSensor('a0:9e:1a:12:34:56?rate=fast', 'x', {}),
    /rate 'fast' is not a positive whole number/,
  );
  assert.throws(() => createMovesenseSensor('0c:8c:dc:22:54:15?rate=100', 'x', {}), /IMU6 rate 100 Hz is not offered/);
  assert.throws(() => createNusSensor('d4:3b:04:aa:bb:cc?rate=1', 'x', {}), /unknown option 'rate'/);
});

Specs.run();
