import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeImuFrame } from '../../../sensors/framed/encode-imu-frame.ts';
import { FramedStreamDecoder } from '../../../sensors/framed/framed-stream-decoder.ts';
import type { GapEvent, ImuPacket, SensorEvent } from '../../../sensors/imu-packet.ts';
import { sampleFrame } from '../../helpers/imu-frames.ts';

const Decoder = suite('FramedStreamDecoder');
const frame = (sensorId: number, firstSample: number) => encodeImuFrame(sampleFrame({ sensorId, firstSample }));

Decoder('keeps one sequence per sensor id on the carrier, across the u32 wrap', () => {
  const d = new FramedStreamDecoder('port');
  const events: SensorEvent[] = [];
  // Sensor 0 wraps without loss; sensor 1 loses one 2-sample frame.
  for (const f of [frame(0, 2 ** 32 - 2), frame(1, 10), frame(0, 0), frame(1, 14), frame(0, 2)])
    events.push(...d.push(f, 1));
  const packets = events.filter((e): e is ImuPacket => e.kind === 'imu');
  assert.equal(
    packets.map((p) => [p.sensorId, p.firstSample]),
    [
      ['port#0', 2 ** 32 - 2],
      ['port#1', 10],
      ['port#0', 2 ** 32],
      ['port#1', 14],
      ['port#0', 2 ** 32 + 2],
    ],
  );
  const gaps = events.filter((e): e is GapEvent => e.kind === 'gap');
  assert.equal(
    gaps.map((g) => [g.sensorId, g.reason, g.samplesLost]),
    [['port#1', 'sequence-jump', 2]],
  );
});

Decoder('after a disconnect each sensor closes one disconnect gap, and a torn frame is forgotten', () => {
  const d = new FramedStreamDecoder('port');
  d.push(frame(0, 0), 1);
  d.push(frame(1, 0), 1);
  d.push(frame(0, 2).subarray(0, 30), 1);
  d.disconnected(2);
  const events = [...d.push(frame(0, 8), 3), ...d.push(frame(1, 2), 3)];
  assert.equal(
    events
      .filter((e): e is GapEvent => e.kind === 'gap')
      .map((g) => [g.sensorId, g.reason, g.samplesLost, g.fromHostTime]),
    [
      ['port#0', 'disconnect', 6, 2],
      ['port#1', 'disconnect', 0, 2],
    ],
  );
  assert.is(d.stats().bytesDropped, 30);
});

Decoder.run();
