import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeImuFrame } from '../../../sensors/framed/encode-imu-frame.ts';
import { guessSerialProtocol, sniffSerialPort } from '../../../sensors/serial/sniff-serial-port.ts';
import { sampleFrame } from '../../helpers/imu-frames.ts';

const Guess = suite('guessSerialProtocol');

Guess('tells framed, CSV, silent and unknown bytes apart', () => {
  const frame = encodeImuFrame(sampleFrame());
  assert.is(guessSerialProtocol(Uint8Array.from([1, 2, ...frame, 3])), 'framed');
  assert.is(guessSerialProtocol(new TextEncoder().encode('0.1,0,0,1,0,0\n1000,0,0,1,0,0,0\n')), 'csv');
  assert.is(guessSerialProtocol(new Uint8Array(0)), 'silent');
  assert.is(guessSerialProtocol(new TextEncoder().encode('hello\nworld\n')), 'unknown');
});

Guess('a port that cannot be opened is reported, not thrown', async () => {
  const sniff = await sniffSerialPort('/nonexistent/ttyQ', 10);
  assert.is(sniff.path, '/nonexistent/ttyQ');
  assert.match(sniff.problem ?? '', /No such file/i);
});

Guess.run();
