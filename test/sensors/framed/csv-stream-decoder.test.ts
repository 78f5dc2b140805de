import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvStreamDecoder } from '../../../sensors/framed/csv-stream-decoder.ts';
import type { GapEvent, ImuPacket } from '../../../sensors/imu-packet.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

const Decoder = suite('CsvStreamDecoder');

Decoder('turns g and deg/s into m/s^2 and rad/s, one packet per run of lines', () => {
  const d = new CsvStreamDecoder('csv0');
  const events = d.push(bytes('0,1000,1,0,-2,180,0,-90\n1,6000,0,0,0,0,0,0\n'), 3);
  assert.is(events.length, 1);
  const p = events[0] as ImuPacket;
  assert.is(p.firstSample, 0);
  assert.equal(Array.from(p.deviceTime), [0.001, 0.006]);
  assert.ok(Math.abs((p.acc[0] as number) - 9.80665) < 1e-5);
  assert.ok(Math.abs((p.acc[2] as number) + 19.6133) < 1e-4);
  assert.ok(Math.abs((p.gyro[0] as number) - Math.PI) < 1e-6);
  assert.ok(Math.abs((p.gyro[2] as number) + Math.PI / 2) < 1e-6);
});

Decoder('a jump of the counter column is a gap with its exact count', () => {
  const d = new CsvStreamDecoder('csv0');
  const events = d.push(bytes('0,0,0,0,1,0,0,0\n1,5000,0,0,1,0,0,0\n5,25000,0,0,1,0,0,0\n'), 1);
  assert.equal(
    events.map((e) => e.kind),
    ['imu', 'gap', 'imu'],
  );
  assert.is((events[1] as GapEvent).samplesLost, 3);
  assert.is((events[2] as ImuPacket).firstSample, 5);
});

Decoder('lines without a counter are numbered on arrival', () => {
  const d = new CsvStreamDecoder('csv0');
  d.push(bytes('0,0,0,1,0,0,0\n5000,0,0,1,0,0,0\n'), 1);
  const [p] = d.push(bytes('10000,0,0,1,0,0,0\n'), 2) as ImuPacket[];
  assert.is(p?.firstSample, 2);
});

Decoder.run();
