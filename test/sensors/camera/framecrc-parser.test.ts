import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FramecrcParser, LastLines } from '../../../sensors/camera/framecrc-parser.ts';

const HEADER =
  '#software: Lavf58.24.100\n#tb 0: 1/25\n#media_type 0: video\n#codec_id 0: ffv1\n#dimensions 0: 160x120\n#sar 0: 1/1\n';

const Parser = suite('FramecrcParser');

Parser('a packet line is a frame at pts x time base, with the header dimensions', () => {
  const p = new FramecrcParser();
  const frames = p.push(
    `${HEADER}0,          0,          0,        1,     4539, 0x4b8fff20\n0,          1,          1,        1,     4600, 0xe3ad154b\n`,
  );
  assert.equal(frames, [
    { ptsTime: 0, width: 160, height: 120 },
    { ptsTime: 0.04, width: 160, height: 120 },
  ]);
});

Parser('a line split across chunks is one frame, once it is whole', () => {
  const p = new FramecrcParser();
  assert.equal(p.push(`${HEADER}0,         12,         12,`), []);
  assert.equal(p.push('        1,     4600, 0xe3ad154b'), []);
  assert.equal(p.end(), [{ ptsTime: 0.48, width: 160, height: 120 }]);
});

Parser("uses the pts (third field), not the dts, and ignores other streams' lines", () => {
  const p = new FramecrcParser();
  const frames = p.push(
    '#tb 0: 1/1000\n#tb 1: 1/48000\n0,   -40,    0,   40,  100, 0x00000001\n1,  0, 0, 1024, 20, 0x00000002\n0,     0,   80,   40,  100, 0x00000003\n',
  );
  assert.equal(
    frames.map((f) => f.ptsTime),
    [0, 0.08],
  );
});

Parser('a packet line before the time base is a bug, said so', () => {
  assert.throws(() => new FramecrcParser().push('0, 0, 0, 1, 10, 0x1\n'), /before the '#tb 0:' line/);
});

const Tail = suite('LastLines');

Tail('keeps the last lines, carriage returns splitting progress lines', () => {
  const t = new LastLines(2);
  t.push('a\nb\r');
  t.push('c\nd');
  assert.equal(t.last(3), ['b', 'c', 'd']);
});

Parser.run();
Tail.run();
