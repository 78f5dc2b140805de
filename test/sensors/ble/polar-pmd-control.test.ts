import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describePmdSettings,
  parsePmdResponse,
  parsePmdSettings,
  pmdGetSettingsRequest,
  pmdStartRequest,
  pmdStatusText,
  pmdStopRequest,
} from '../../../sensors/ble/polar-pmd-control.ts';

const Requests = suite('PMD control point requests');

Requests('writes ACC at 200 Hz, 16 bit, +-8 g as the documented example', () => {
  const bytes = pmdStartRequest(2, { sampleRate: 200, resolution: 16, range: 8 });
  assert.is(bytes.toString('hex'), '02020001c80001011000020108 00'.replaceAll(' ', ''));
});

Requests('writes get-settings and stop as [opcode][type]', () => {
  assert.is(pmdGetSettingsRequest(5).toString('hex'), '0105');
  assert.is(pmdStopRequest(2).toString('hex'), '0302');
});

const Responses = suite('PMD control point responses');

Responses('parses a get-settings response into setting id -> values', () => {
  // F0 01 02 00 00 | 00 02 C8 00 34 00 | 01 01 10 00 | 02 02 08 00 10 00
  const r = parsePmdResponse(
    Uint8Array.from([0xf0, 1, 2, 0, 0, 0, 2, 0xc8, 0, 0x34, 0, 1, 1, 0x10, 0, 2, 2, 8, 0, 16, 0]),
  );
  assert.ok(r);
  assert.equal([r.opcode, r.measurementType, r.status, r.more], [1, 2, 0, false]);
  const settings = parsePmdSettings(r.parameters);
  assert.equal(settings.get(0), [200, 52]);
  assert.equal(settings.get(1), [16]);
  assert.equal(settings.get(2), [8, 16]);
  assert.is(describePmdSettings(settings), 'sample rate (Hz) 200, 52; resolution (bits) 16; range 8, 16');
});

Responses('reads the FACTOR of a start response as float32', () => {
  // 0.06103515625 = 2000 / 32768 = 0x3D7A0000
  const r = parsePmdResponse(Uint8Array.from([0xf0, 2, 5, 0, 0, 5, 1, 0x00, 0x00, 0x7a, 0x3d]));
  assert.equal(parsePmdSettings(r!.parameters).get(5), [0.06103515625]);
});

Responses('gives error statuses readable names and no parameters', () => {
  const r = parsePmdResponse(Uint8Array.from([0xf0, 2, 2, 8]));
  assert.is(r!.status, 8);
  assert.is(r!.parameters.length, 0);
  assert.is(pmdStatusText(8), 'invalid sample rate');
  assert.is(pmdStatusText(13), 'device in charger');
  assert.is(parsePmdResponse(Uint8Array.from([0x01, 0x02])), null);
});

Requests.run();
Responses.run();
