import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { guessBleProtocol, nobleUuid } from '../../../sensors/ble/ble-uuids.ts';

const Guess = suite('guessBleProtocol');

Guess('knows our services in any spelling, and Polar and Movesense by name when they advertise none of them', () => {
  assert.is(nobleUuid('FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8'), 'fb005c8002e7f3871cad8acd2d8df0c8');
  assert.is(guessBleProtocol(['180d', 'FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8']), 'polar-pmd');
  assert.is(guessBleProtocol(['348022527185 4d5db431630e7050e8f0'.replace(' ', '')]), 'movesense-gsp');
  assert.is(guessBleProtocol(['6e400001b5a3f393e0a9e50e24dcca9e']), 'nus');
  // An H10 advertises only the heart rate service; a Movesense its 16-bit fe06.
  assert.is(guessBleProtocol(['180d'], 'Polar H10 1234ABCD'), 'polar-pmd');
  assert.is(guessBleProtocol(['fe06'], 'Movesense 212330000123'), 'movesense-gsp');
  assert.is(guessBleProtocol(['180a'], 'Kettle'), null);
});

Guess.run();
