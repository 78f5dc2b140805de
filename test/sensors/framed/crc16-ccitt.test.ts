import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { crc16Ccitt } from '../../../sensors/framed/crc16-ccitt.ts';

const Crc = suite('crc16Ccitt');

Crc('has the CRC-16/CCITT-FALSE check value 0x29B1 for "123456789"', () => {
  assert.is(crc16Ccitt(new TextEncoder().encode('123456789')), 0x29b1);
});

Crc('is the initial value 0xFFFF over no bytes, and continues a running CRC', () => {
  const bytes = new TextEncoder().encode('123456789');
  assert.is(crc16Ccitt(bytes, 0, 0), 0xffff);
  assert.is(crc16Ccitt(bytes, 4, 9, crc16Ccitt(bytes, 0, 4)), 0x29b1);
});

Crc('of a single 0x00 byte is 0xE1F0 (worked by hand from poly 0x1021)', () => {
  assert.is(crc16Ccitt(new Uint8Array([0])), 0xe1f0);
});

Crc.run();
