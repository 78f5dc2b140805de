import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { probeSerial } from '../../../sensors/serial/probe-serial.ts';

const Probe = suite('probeSerial');
Probe('lists ports: from udev where it is, else every serial device name in /dev', async () => {
  const probe = await probeSerial();
  assert.ok(probe.bindingLoaded, probe.problem);
  assert.ok(probe.ports !== undefined, `no list: ${probe.problem}`);
  if (probe.fromDeviceNames) {
    const expected = readdirSync('/dev')
      .filter((n) => /^tty(ACM|USB|AMA|S)\d+$/.test(n))
      .map((n) => `/dev/${n}`)
      .sort();
    assert.equal(probe.ports.map((p) => p.path).sort(), expected);
    assert.match(probe.problem ?? '', /udevadm/);
  }
});
Probe.run();
