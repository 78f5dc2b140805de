import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream } from '../../src/core/stream.ts';
import { generateSubject, generateTake, SYNTHETIC_DEFAULTS } from '../../src/data/synthetic/synthetic-take.ts';
import {
  IMU_PLOT_COLOURS,
  imuPlotLayout,
  renderImuPlot,
  type ImuPlotRow,
  type PlotArea,
} from '../../src/report/imu-plot.ts';
import { countPixels, decodePng, isDark, near, type Pixels } from '../helpers/png-pixels.ts';
import { rejects } from '../helpers/rejects.ts';

/** The IMU plot of a real synthetic take, and of hand-made IMU samples, decoded back to pixels. */
const options = { ...SYNTHETIC_DEFAULTS, duration: 1 };
const trial = generateTake(options, generateSubject(options, 0), 'jump', 0);

/** A hand-made IMU sample: constant channels (acc 4, -4, 0; gyro 1, -1, 0.5) at the given times, 100 Hz. */
function flatImu(times: number[], events: Sample['events'] = []): Sample {
  const data = new Float32Array(times.length * 6);
  for (let i = 0; i < times.length; i++) data.set([4, -4, 0, 1, -1, 0.5], i * 6);
  const stream = imuStream({ rate: 100, t: Float64Array.from(times), data, sensorId: 'dev1', placement: 'wrist' });
  return { id: 'flat', label: 'test', streams: [stream], events, meta: {} };
}
const everySample = Array.from({ length: 200 }, (_, i) => i / 100);
/** Columns of the plot area holding a pixel near `colour`, as time on the x axis (which spans t[0] to t[n - 1]). */
function columnsWith(img: Pixels, area: PlotArea, colour: string): number[] {
  const hit = near(colour);
  const out: number[] = [];
  for (let x = area.x + 2; x < area.x + area.width - 2; x++)
    if (countPixels(img, x, area.y + 2, x + 1, area.y + area.height - 2, hit) > 0) out.push(x);
  return out;
}
/** The column of the plot area with the most pixels near `colour`. */
function busiestColumn(img: Pixels, area: PlotArea, colour: string): number {
  const hit = near(colour);
  let best = -1;
  let most = 0;
  for (let x = area.x + 2; x < area.x + area.width - 2; x++) {
    const n = countPixels(img, x, area.y + 2, x + 1, area.y + area.height - 2, hit);
    if (n > most) [best, most] = [x, n];
  }
  return best;
}
const xOf = (area: PlotArea, t: number, t0: number, t1: number) => area.x + ((t - t0) / (t1 - t0)) * area.width;

const Plot = suite('renderImuPlot');
Plot("one row of an accelerometer and a gyroscope panel per IMU; the PNG has the layout's size", async () => {
  const layout = imuPlotLayout(trial, { width: 900 });
  const img = await decodePng(await renderImuPlot(trial, { width: 900 }));
  assert.equal([img.width, img.height], [900, layout.height]);
  assert.equal(
    layout.rows.map((r) => r.stream.sensorId),
    ['S01-wrist', 'S01-ankle', 'S01-pelvis'],
  );
  layout.rows.forEach((row, r) => {
    assert.ok(
      row.accelerometer.x + row.accelerometer.width < row.gyroscope.x,
      `row ${r}: accelerometer left of gyroscope`,
    );
    assert.ok(row.gyroscope.x + row.gyroscope.width <= 900, `row ${r}: gyroscope inside the image`);
    const next = layout.rows[r + 1];
    if (next !== undefined)
      assert.ok(
        next.accelerometer.y > row.accelerometer.y + row.accelerometer.height + 40,
        `row ${r + 1} below row ${r}`,
      );
  });
  assert.ok(
    layout.height > (layout.rows[2] as ImuPlotRow).accelerometer.y + 200 && layout.height < 900,
    `height ${layout.height}`,
  );
});
Plot(
  'every panel of a real trial shows each of its traces; take-off and landing only where the sample has them',
  async () => {
    // A 1 s trial ends before its take-off: these flight times lie inside every sensor's span after its offset.
    const flight: Sample = {
      ...trial,
      events: [...(trial.events ?? []), { name: 'takeoff', t: 0.5 }, { name: 'landing', t: 0.8 }],
    };
    const layout = imuPlotLayout(flight);
    const img = await decodePng(await renderImuPlot(flight));
    const withoutEvents = await decodePng(await renderImuPlot({ ...trial, events: undefined }));
    for (const row of layout.rows) {
      const panels = [
        {
          area: row.accelerometer,
          name: 'accelerometer',
          colours: [IMU_PLOT_COLOURS.x, IMU_PLOT_COLOURS.y, IMU_PLOT_COLOURS.z, IMU_PLOT_COLOURS.magnitude],
        },
        {
          area: row.gyroscope,
          name: 'gyroscope',
          colours: [IMU_PLOT_COLOURS.x, IMU_PLOT_COLOURS.y, IMU_PLOT_COLOURS.z],
        },
      ];
      for (const { area, name, colours } of panels) {
        for (const colour of colours) {
          const n = countPixels(
            img,
            area.x + 2,
            area.y + 2,
            area.x + area.width - 2,
            area.y + area.height - 2,
            near(colour),
          );
          assert.ok(n > 40, `${row.stream.sensorId} ${name}: ${n} pixels of ${colour}`);
        }
        for (const colour of [IMU_PLOT_COLOURS.takeoff, IMU_PLOT_COLOURS.landing]) {
          assert.ok(columnsWith(img, area, colour).length > 0, `${row.stream.sensorId} ${name}: ${colour} event line`);
          assert.equal(
            columnsWith(withoutEvents, area, colour),
            [],
            `${row.stream.sensorId} ${name}: no ${colour} without events`,
          );
        }
      }
    }
    const title = countPixels(img, 0, 0, img.width, (layout.rows[0] as ImuPlotRow).accelerometer.y - 30, isDark);
    assert.ok(title > 150, `${title} dark pixels in the title band`);
  },
);
Plot('a gap in t (lost packets) breaks the line instead of bridging it', async () => {
  const gapped = everySample.filter((t) => t < 0.805 || t > 1.195);
  for (const [times, bridged] of [
    [gapped, false],
    [everySample, true],
  ] as const) {
    const area = imuPlotLayout(flatImu([...times])).rows[0]?.accelerometer as PlotArea;
    const red = columnsWith(await decodePng(await renderImuPlot(flatImu([...times]))), area, IMU_PLOT_COLOURS.x);
    const x = (t: number) => xOf(area, t, 0, 1.99);
    assert.ok(red.some((c) => c < x(0.5)) && red.some((c) => c > x(1.5)), 'the line is drawn on both sides');
    const inGap = red.filter((c) => c > x(0.82) && c < x(1.18)).length;
    if (bridged) assert.ok(inGap >= x(1.18) - x(0.82) - 2, `${inGap} red columns without a gap`);
    else assert.is(inGap, 0, 'red columns inside the gap');
  }
});
Plot("take-off and landing are dashed lines at event time plus the sensor's clock offset, on both panels", async () => {
  const events = [
    { name: 'takeoff', t: 0.3 },
    { name: 'landing', t: 0.6 },
  ];
  const cases = [
    { offset: [{ name: 'clock-offset/dev1', value: 0.5, unit: 's' }], shift: 0.5 },
    { offset: [{ name: 'clock-offset/other', value: 0.5, unit: 's' }], shift: 0 },
  ];
  for (const { offset, shift } of cases) {
    const sample = flatImu(everySample, [...events, ...offset]);
    const img = await decodePng(await renderImuPlot(sample));
    const row = imuPlotLayout(sample).rows[0] as ImuPlotRow;
    for (const area of [row.accelerometer, row.gyroscope]) {
      for (const e of events) {
        const want = xOf(area, e.t + shift, 0, 1.99);
        const got = busiestColumn(img, area, IMU_PLOT_COLOURS[e.name as 'takeoff' | 'landing']);
        assert.ok(
          Math.abs(got - want) <= 1.5,
          `${e.name} (shift ${shift} s): column ${got}, expected ${want.toFixed(1)}`,
        );
      }
    }
  }
});
Plot('a sample with no IMU stream, or only empty ones, and a bad width are errors that say so', async () => {
  const videoOnly: Sample = { ...trial, streams: trial.streams.filter((s) => s.kind !== 'imu') };
  await rejects(renderImuPlot(videoOnly), /renderImuPlot\(\): sample 'S01-jump-t01' has no IMU stream/);
  await rejects(renderImuPlot(flatImu([])), /renderImuPlot\(\): sample 'flat' has no IMU stream with samples/);
  await rejects(renderImuPlot(trial, { width: 100 }), /renderImuPlot\(\): width must be an integer >= 480, got 100/);
});
Plot.run();
