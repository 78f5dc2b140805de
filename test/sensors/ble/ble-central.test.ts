import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BleCentral } from '../../../sensors/ble/ble-central.ts';
import { loadNoble } from '../../../sensors/ble/load-noble.ts';
import { UserError } from '../../../src/core/errors.ts';
import { rejects } from '../../helpers/rejects.ts';
import { fakeNusBoard } from './fake-devices.ts';
import { FakeHciBinding } from './fake-hci-binding.ts';
import { waitUntil } from './wait-until.ts';

const A = 'aa:aa:aa:aa:aa:01';
const B = 'aa:aa:aa:aa:aa:02';

const Central = suite('BleCentral');

Central('says how to grant permission when the adapter is "unauthorized"', async () => {
  const binding = new FakeHciBinding({ state: 'unauthorized', devices: [] });
  const central = new BleCentral(loadNoble(binding));
  try {
    await central.ready(500);
    assert.unreachable('ready() resolved');
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as UserError).message, /BLE is not permitted: the adapter state is "unauthorized"/);
    assert.match((err as UserError).hint!, /sudo setcap cap_net_raw\+eip \$\(readlink -f "\$\(which node\)"\)/);
    assert.match((err as UserError).hint!, /or run as root/);
  }
  binding.close();
});

Central('cancels a connect that does not complete in time, then connects the next device in the queue', async () => {
  const binding = new FakeHciBinding({ devices: [{ ...fakeNusBoard(A), connectable: false }, fakeNusBoard(B)] });
  const central = new BleCentral(loadNoble(binding));
  await central.ready();
  const a = await central.find(A, 500);
  const b = await central.find(B, 500);
  const results = await Promise.allSettled([central.connect(a, 30), central.connect(b, 500)]);
  assert.is(results[0].status, 'rejected');
  assert.match(
    String((results[0] as PromiseRejectedResult).reason),
    /connecting to BLE device aa:aa:aa:aa:aa:01 timed out after 0\.0 s/,
  );
  assert.is(results[1].status, 'fulfilled');
  // One connect at a time: B's connect waited for A's to be cancelled; none ran during a scan.
  const radio = binding.log.filter((l) => l.startsWith('connect') || l.startsWith('cancel'));
  assert.equal(radio, [`connect ${A}`, `cancelConnect ${A}`, `connect ${B}`]);
  binding.close();
});

Central('stops scanning before it connects', async () => {
  const binding = new FakeHciBinding({ devices: [fakeNusBoard(A)] });
  const central = new BleCentral(loadNoble(binding));
  await central.ready();
  const scan = central.scan({}, { durationMs: 50 });
  const a = central.known(A) ?? (await central.find(A, 500));
  await central.connect(a, 500);
  await scan;
  assert.ok(!binding.log.some((l) => l.includes('while scanning')), binding.log.join(', '));
  binding.close();
});

Central('keys devices by address when noble makes a new peripheral object on reconnect', async () => {
  const binding = new FakeHciBinding({ devices: [{ ...fakeNusBoard(A), newIdOnReconnect: true }] });
  const central = new BleCentral(loadNoble(binding));
  await central.ready();
  const first = await central.find(A.toUpperCase(), 500);
  await central.connect(first, 500);
  binding.dropConnection(A);
  await waitUntil(() => first.state === 'disconnected', 'the disconnect');
  const second = await central.find(A, 500);
  assert.is.not(second, first);
  assert.is.not(second.id, first.id);
  assert.is(second.address, first.address);
  assert.is(central.known(A), second);
  await central.connect(second, 500);
  assert.is(second.state, 'connected');
  binding.close();
});

Central('says when a device does not advertise', async () => {
  const binding = new FakeHciBinding({ devices: [] });
  const central = new BleCentral(loadNoble(binding));
  await central.ready();
  await rejects(central.find(A, 20), /BLE device aa:aa:aa:aa:aa:01 was not found within 0\.0 s/);
  binding.close();
});

Central.run();
