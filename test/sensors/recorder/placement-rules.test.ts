import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../src/core/errors.ts';
import { PlacementRules } from '../../../sensors/recorder/placement-rules.ts';

const Rules = suite('PlacementRules');

Rules('an exact id wins over an ending, and the longest ending over a shorter one', () => {
  const r = PlacementRules.parse(['#1=ankle', '/dev/ttyACM0#1=thigh', '/dev/ttyACM1#1=pelvis', '#0=wrist']);
  assert.is(r.placementOf('/dev/ttyACM1#1'), 'pelvis');
  assert.is(r.placementOf('/dev/ttyUSB0#1'), 'ankle');
  assert.is(r.placementOf('/dev/ttyUSB0#0', 'chest'), 'wrist');
  assert.equal(r.unused(), ['/dev/ttyACM0#1']);
});

Rules('without a rule the device says where it is worn, or nothing does', () => {
  const r = new PlacementRules();
  assert.is(r.placementOf('polar:A0:9E', 'chest'), 'chest');
  assert.is(r.placementOf('polar:A0:9E'), undefined);
});

Rules('a malformed or repeated option is a UserError naming it', () => {
  assert.throws(
    () => PlacementRules.parse(['wrist']),
    (e: unknown) => e instanceof UserError && /--placement 'wrist' is not SENSOR=PLACE/.test(e.message),
  );
  assert.throws(() => PlacementRules.parse(['#0=']), /is not SENSOR=PLACE/);
  assert.throws(() => PlacementRules.parse(['#0=wrist', '#0=ankle']), /names #0 twice/);
});

Rules.run();
