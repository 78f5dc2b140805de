import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeImuFrame } from '../../../sensors/framed/encode-imu-frame.ts';
import { FrameParser } from '../../../sensors/framed/frame-parser.ts';
import type { ImuFrame } from '../../../sensors/framed/imu-frame.ts';
import { sampleFrame } from '../../helpers/imu-frames.ts';

const frames = [0, 1, 2].map((i) => encodeImuFrame(sampleFrame({ firstSample: i * 2, sensorId: i })));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const firsts = (list: ImuFrame[]) => list.map((f) => f.firstSample);

const Parser = suite('FrameParser');

Parser('decodes three frames whatever two chunks they are split into', () => {
  const stream = concat(...frames);
  for (let cut = 0; cut <= stream.length; cut++) {
    const parser = new FrameParser();
    const got = [...parser.push(stream.subarray(0, cut)), ...parser.push(stream.subarray(cut))];
    assert.equal(firsts(got), [0, 2, 4], `cut at ${cut}`);
    assert.is(parser.stats().bytesDropped, 0);
  }
});

Parser('decodes byte by byte, keeping the partial frame between chunks', () => {
  const parser = new FrameParser();
  const got: ImuFrame[] = [];
  for (const b of concat(...frames)) got.push(...parser.push(Uint8Array.of(b)));
  assert.equal(firsts(got), [0, 2, 4]);
  assert.is(parser.pendingBytes, 0);
});

Parser('garbage between frames costs no frame, and its bytes are counted', () => {
  const noise = Uint8Array.from([0x00, 0xa5, 0x13, 0xa5, 0x5a, 0x07, 0xff]);
  const parser = new FrameParser();
  const got = parser.push(concat(noise, frames[0]!, noise, frames[1]!, noise, frames[2]!));
  assert.equal(firsts(got), [0, 2, 4]);
  assert.is(parser.stats().bytesDropped, 3 * noise.length);
  assert.is(parser.stats().badHeader, 3); // a5 5a 07: version 7
});

Parser('a torn frame costs only itself', () => {
  for (const keep of [1, 2, 10, 30, frames[1]!.length - 1]) {
    const parser = new FrameParser();
    const got = parser.push(concat(frames[0]!, frames[1]!.subarray(0, keep), frames[2]!));
    assert.equal(firsts(got), [0, 4], `torn after ${keep} bytes`);
    assert.is(parser.stats().bytesDropped, keep);
  }
});

Parser('a false magic whose header claims 64 samples delays but does not drop the frames behind it', () => {
  const claim = Uint8Array.from([0xa5, 0x5a, 1, 0, 3, 64]); // 25 + 64 * 12 + 2 = 795 bytes claimed
  const parser = new FrameParser();
  const stream = concat(
    claim,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
    ...frames,
  );
  const got = parser.push(stream);
  assert.is(got.length, 39);
  assert.is(parser.stats().badCrc, 1);
  assert.is(parser.stats().bytesDropped, claim.length);
});

Parser('reset forgets a partial frame', () => {
  const parser = new FrameParser();
  parser.push(frames[0]!.subarray(0, 20));
  parser.reset();
  assert.equal(firsts(parser.push(frames[1]!)), [2]);
  assert.is(parser.stats().bytesDropped, 20);
});

Parser.run();
