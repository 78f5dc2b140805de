import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mapDeviceClock } from '../../../src/data/session/map-device-clock.ts';

const Map = suite('mapDeviceClock');

Map('a clock that goes back starts a new segment with its own offsets', () => {
  // Device 100..100.4, then reset to 0..0.4; host = device + 900 before, device + 1100.5 after.
  const device = Float64Array.of(100, 100.1, 100.2, 100.3, 100.4, 0, 0.1, 0.2, 0.3, 0.4);
  const offsets = [
    { time: 100, value: 900 },
    { time: 100.4, value: 900 },
    { time: 0.1, value: 1100.5 },
    { time: 0.3, value: 1100.5 },
  ];
  const m = mapDeviceClock(device, offsets, [], 'S');
  assert.equal(
    m.segments.map((s) => [s.start, s.end, s.source]),
    [
      [0, 5, 'offsets'],
      [5, 10, 'offsets'],
    ],
  );
  assert.ok(Math.abs((m.host[4] as number) - 1000.4) < 1e-9);
  assert.ok(Math.abs((m.host[5] as number) - 1100.5) < 1e-9);
  assert.equal(m.warnings, []);
});

Map('a forward jump is a new segment only where a clock-reset marker records it', () => {
  const device = Float64Array.of(0, 1, 2, 500, 501);
  const offsets = [
    { time: 0, value: 10 },
    { time: 2, value: 10 },
    { time: 500, value: -488 },
  ];
  const resets = [{ fromDeviceTime: 2, toDeviceTime: 500, hostTime: 12.9 }];
  const m = mapDeviceClock(device, offsets, resets, 'S');
  assert.equal(
    m.segments.map((s) => [s.start, s.end]),
    [
      [0, 3],
      [3, 5],
    ],
  );
  assert.equal(Array.from(m.host), [10, 11, 12, 12, 13]);
});

Map('a segment without offsets is placed by its reset marker, with a warning; with neither it is left out', () => {
  const device = Float64Array.of(5, 6, 1, 2);
  const reset = { fromDeviceTime: 6, toDeviceTime: 1, hostTime: 20.003 };
  const placed = mapDeviceClock(device, [{ time: 5, value: 13 }], [reset], 'S');
  assert.equal(Array.from(placed.host), [18, 19, 20.003, 21.003]);
  assert.is(placed.segments[1]?.source, 'reset-marker');
  assert.match(
    placed.warnings.join('\n'),
    /S: samples 2-3 have no clock offset recorded; placed by the clock-reset marker/,
  );
  const lost = mapDeviceClock(device, [{ time: 5, value: 13 }], [], 'S');
  assert.ok(Number.isNaN(lost.host[2]) && Number.isNaN(lost.host[3]));
  assert.match(
    lost.warnings.join('\n'),
    /S: samples 2-3 have no clock offset recorded and cannot be placed on the host clock; left out/,
  );
});

Map('offsets go to the segment whose device times hold them, even across a small marked jump', () => {
  // 100 Hz; the device clock jumps 30 ms ahead against the host between 0.02 and 0.06 (a reset
  // the recorder marked): host = device + 10, then device + 9.97.
  const device = Float64Array.of(0, 0.01, 0.02, 0.06, 0.07);
  const offsets = [
    { time: 0, value: 10 },
    { time: 0.02, value: 10 },
    { time: 0.06, value: 9.97 },
    { time: 0.07, value: 9.97 },
    { time: 99, value: 1 },
  ];
  const m = mapDeviceClock(device, offsets, [{ fromDeviceTime: 0.02, toDeviceTime: 0.06, hostTime: 10.03 }], 'S');
  assert.equal(
    m.segments.map((s) => [s.start, s.end, s.fit?.points]),
    [
      [0, 3, 2],
      [3, 5, 2],
    ],
  );
  for (const [i, h] of [
    [2, 10.02],
    [3, 10.03],
    [4, 10.04],
  ] as const)
    assert.ok(Math.abs((m.host[i] as number) - h) < 1e-9, `${m.host[i]}`);
  assert.equal(m.warnings, ['S: 1 clock offset(s) at device times that no segment of samples holds; not used']);
});

Map('a reset marker across which the device time runs on is no reset: one segment, wild offsets left out', () => {
  // Packets buffered before the recording began arrive in a burst: the recorder's first offsets are
  // off by a second and it marked a reset, but the device's clock ran on (host = device + 50).
  const device = Float64Array.from({ length: 100 }, (_, i) => i / 10);
  const offsets = [
    { time: 0.5, value: 51.04 },
    { time: 1.5, value: 49.31 },
    ...Array.from({ length: 8 }, (_, k) => ({ time: 2 + k, value: 50 + (k % 2) * 2e-4 })),
  ];
  const m = mapDeviceClock(device, offsets, [{ fromDeviceTime: 1.9, toDeviceTime: 2, hostTime: 52.5 }], 'S');
  assert.equal(
    m.segments.map((s) => [s.start, s.end, s.fit?.points]),
    [[0, 100, 8]],
  );
  assert.ok(Math.abs((m.host[0] as number) - 50.0001) < 2e-4, `${m.host[0]}`);
});

Map('a reset back into the same device times is told apart by the jump of the offset', () => {
  // 10..12 s, then back to 11..12 s with the host 5 s later: host = device + 100, then + 105.
  const device = Float64Array.of(10, 11, 12, 11, 12);
  const offsets = [
    { time: 10, value: 100 },
    { time: 12, value: 100 },
    { time: 11, value: 105 },
    { time: 12, value: 105 },
  ];
  const m = mapDeviceClock(device, offsets, [], 'S');
  assert.equal(Array.from(m.host), [110, 111, 112, 116, 117]);
});

Map.run();
