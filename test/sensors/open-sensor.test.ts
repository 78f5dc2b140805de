import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../src/core/errors.ts';
import { openSensor } from '../../sensors/open-sensor.ts';

const Open = suite('openSensor');

Open('maps serial:PATH[@BAUD][?format=] to a serial sensor', async () => {
  const a = await openSensor('serial:/dev/ttyACM0');
  assert.is(a.spec, 'serial:/dev/ttyACM0');
  assert.equal(a.status(), { connected: false, name: '/dev/ttyACM0' });
  const b = await openSensor('serial:/dev/ttyUSB0@921600?format=csv');
  assert.is(b.status().name, '/dev/ttyUSB0');
});

Open('an unknown prefix or a bad serial spec is a UserError that says what to write', async () => {
  for (const [spec, text] of [
    ['bogus:x', /unknown sensor spec 'bogus:x'/],
    ['/dev/ttyACM0', /unknown sensor spec/],
    ['serial:', /names no port/],
    ['serial:/dev/x@fast', /baud rate 'fast'/],
    ['serial:/dev/x?format=xml', /format 'xml'/],
    ['serial:/dev/x?speed=1', /unknown option 'speed'/],
  ] as const) {
    const err = await openSensor(spec).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, UserError, spec);
    assert.match((err as Error).message, text);
  }
});

Open.run();
