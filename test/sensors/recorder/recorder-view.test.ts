import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { recorderStatusLine, renderRecorderView } from '../../../sensors/recorder/recorder-view.ts';
import type { RecorderSnapshot } from '../../../sensors/recorder/recording-summary.ts';

const SNAPSHOT: RecorderSnapshot = {
  dir: '/lab/s01',
  elapsed: 125.4,
  sensors: [
    {
      sensorId: '/dev/ttyACM0#0',
      streamName: '/dev/ttyACM0#0',
      placement: 'wrist',
      spec: 'serial:/dev/ttyACM0',
      nominalRate: 200,
      samples: 25_080,
      lost: 10,
      gaps: 1,
      clockResets: 0,
      rate: 199.5,
      fit: { origin: 100, offset: 1.7e9, drift: 42e-6, points: 2500, spread: 0.0004 },
      offsetChange: 0.00523,
    },
  ],
  unassignedGaps: 0,
  video: { source: '/dev/video0', frames: 3762, fps: 30, running: true },
  trial: { label: 'jump', seconds: 3.2 },
  markers: 4,
  xdfBytes: 3 * 1024 * 1024,
  videoBytes: 0,
};

const View = suite('renderRecorderView');

View(
  'shows per sensor rate, samples, gaps, lost, clock offset change (ms), drift (ppm), jitter (ms); video; the trial; the keys',
  () => {
    const text = renderRecorderView(SNAPSHOT, ['jump', 'sprint']).join('\n');
    assert.match(text, /recording \/lab\/s01 {2}02:05 {2}xdf 3\.0 MiB/);
    assert.match(text, /\/dev\/ttyACM0#0\s+wrist\s+199\.5\s+25080\s+1\s+10\s+5\.23\s+42\.0\s+0\.40/);
    assert.match(text, /video \/dev\/video0 {2}3762 frames {2}30\.0 fps/);
    assert.match(text, /trial: jump {2}00:03/);
    assert.match(text, /keys: 1 jump {2}2 sprint {2}space\/s stop trial {2}n note {2}q stop recording/);
  },
);

View('while a note is typed, the last line shows it', () => {
  assert.match(renderRecorderView(SNAPSHOT, [], 'left foo').at(-1) as string, /^note: left foo_/);
});

View('the plain status line names each sensor by its placement', () => {
  assert.is(
    recorderStatusLine(SNAPSHOT),
    '[02:05] wrist 200Hz 25080 (1 gaps, 10 lost); video 3762 frames; trial jump 3.2 s; 3.0 MiB',
  );
});

View.run();
