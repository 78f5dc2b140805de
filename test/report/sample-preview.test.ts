import { createCanvas, loadImage } from '@napi-rs/canvas';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sample } from '../../src/core/sample.ts';
import { imuStream, type VideoStream } from '../../src/core/stream.ts';
import { generateSubject, generateTake, SYNTHETIC_DEFAULTS } from '../../src/data/synthetic/synthetic-take.ts';
import {
  contactSheetLayout, IMU_PLOT_COLOURS, imuPlotLayout, renderContactSheet, renderImuPlot, type ContactSheetCell, type ImuPlotRow, type PlotArea,
} from '../../src/report/sample-preview.ts';

/** The previews of a real synthetic trial, decoded back to pixels. */
const options = { ...SYNTHETIC_DEFAULTS, duration: 1 };
const trial = generateTake(options, generateSubject(options, 0), 'jump', 0);
const video = trial.streams.find((s) => s.kind === 'video') as VideoStream & { decoded: NonNullable<VideoStream['decoded']> };
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

interface Pixels {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}
async function decodePng(png: Buffer): Promise<Pixels> {
  assert.equal(Array.from(png.subarray(0, 8)), PNG_SIGNATURE, 'PNG signature');
  const image = await loadImage(png);
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, rgba: ctx.getImageData(0, 0, image.width, image.height).data };
}
const rgbAt = (img: Pixels, x: number, y: number): number[] => {
  const i = (y * img.width + x) * 4;
  return [img.rgba[i] as number, img.rgba[i + 1] as number, img.rgba[i + 2] as number];
};
/** Pixels in [x0, x1) x [y0, y1) that pass `test`. */
function countPixels(img: Pixels, x0: number, y0: number, x1: number, y1: number, test: (rgb: number[]) => boolean): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(rgbAt(img, x, y))) n++;
  return n;
}
const isDark = (rgb: number[]) => Math.max(...rgb) < 110;
const near = (hex: string) => {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return (rgb: number[]) => rgb.reduce((sum, c, i) => sum + Math.abs(c - (want[i] as number)), 0) <= 30;
};
async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

const Sheet = suite('renderContactSheet');
Sheet('picks frames evenly, first and last included, in a grid of scaled cells; the PNG has the layout\'s size', async () => {
  const layout = contactSheetLayout(trial, { columns: 3, frames: 6, scale: 2 });
  assert.equal(layout.cells.map((c) => c.frame), [0, 6, 12, 17, 23, 29]);
  assert.equal([...new Set(layout.cells.map((c) => c.x))].length, 3);
  assert.equal([...new Set(layout.cells.map((c) => c.y))].length, 2);
  for (const c of layout.cells) assert.equal([c.width, c.height], [224, 224]);
  const img = await decodePng(await renderContactSheet(trial, { columns: 3, frames: 6, scale: 2, pose: false }));
  assert.equal([img.width, img.height], [layout.width, layout.height]);
  assert.ok(layout.width >= 3 * 224 && layout.width < 3 * 224 + 80, `width ${layout.width}`);

  const defaults = contactSheetLayout(trial);
  assert.is(defaults.cells.length, 12);
  assert.equal([...new Set(defaults.cells.map((c) => c.x))].length, 4);
  assert.equal([defaults.cells[0]?.frame, defaults.cells[11]?.frame, defaults.cells[0]?.width], [0, 29, 224]);
});
Sheet('each cell holds its frame\'s pixels exactly, each repeated scale x scale times', async () => {
  const scale = 3;
  const layout = contactSheetLayout(trial, { frames: 4, scale });
  const img = await decodePng(await renderContactSheet(trial, { frames: 4, scale, pose: false }));
  const { frames, width, height } = video.decoded;
  for (const cell of [layout.cells[1], layout.cells[3]] as ContactSheetCell[]) {
    const middle = rgbAt(img, cell.x + cell.width / 2, cell.y + cell.height / 2);
    const src = ((cell.frame * height + height / 2) * width + width / 2) * 3;
    assert.equal(middle, Array.from(frames.subarray(src, src + 3)), `frame ${cell.frame}, middle pixel`);
    let wrong = 0;
    for (let y = 0; y < cell.height; y++) {
      for (let x = 0; x < cell.width; x++) {
        const s = ((cell.frame * height + Math.floor(y / scale)) * width + Math.floor(x / scale)) * 3;
        const got = rgbAt(img, cell.x + x, cell.y + y);
        if (got[0] !== frames[s] || got[1] !== frames[s + 1] || got[2] !== frames[s + 2]) wrong++;
      }
    }
    assert.is(wrong, 0, `frame ${cell.frame}: pixels that differ from the frame`);
  }
});
Sheet('the title and every caption are drawn as dark text on white', async () => {
  const layout = contactSheetLayout(trial, { columns: 2, frames: 4 });
  const img = await decodePng(await renderContactSheet(trial, { columns: 2, frames: 4 }));
  const first = layout.cells[0] as ContactSheetCell;
  const title = countPixels(img, 0, 0, img.width, first.y, isDark);
  assert.ok(title > 150, `${title} dark pixels in the title band`);
  layout.cells.forEach((cell, k) => {
    const below = layout.cells[k + 2]?.y ?? img.height;
    const caption = countPixels(img, cell.x, cell.y + cell.height, cell.x + cell.width, below, isDark);
    assert.ok(caption > 80, `${caption} dark pixels under cell ${k}`);
  });
  // The gutter between the two columns stays white.
  const gutter = countPixels(img, first.x + first.width + 1, first.y, (layout.cells[1] as ContactSheetCell).x - 1, first.y + first.height, (rgb) => rgb.some((c) => c !== 255));
  assert.is(gutter, 0);
});
Sheet('the pose overlay marks confident keypoints of the cell\'s frame and stays inside the cells', async () => {
  const layout = contactSheetLayout(trial, { frames: 4 });
  const plain = await decodePng(await renderContactSheet(trial, { frames: 4, pose: false }));
  const posed = await decodePng(await renderContactSheet(trial, { frames: 4 }));
  const pose = trial.streams.find((s) => s.kind === 'pose');
  assert.ok(pose !== undefined && pose.kind === 'pose' && pose.score !== undefined);
  let marked = 0;
  for (const cell of layout.cells) {
    for (let j = 0; j < 17; j++) {
      if ((pose.score[cell.frame * 17 + j] as number) < 0.3) continue;
      const x = Math.floor(cell.x + (pose.data[(cell.frame * 17 + j) * 2] as number) * 2);
      const y = Math.floor(cell.y + (pose.data[(cell.frame * 17 + j) * 2 + 1] as number) * 2);
      assert.not.equal(rgbAt(posed, x, y), rgbAt(plain, x, y), `frame ${cell.frame}, keypoint ${j} at (${x}, ${y})`);
      marked++;
    }
  }
  assert.ok(marked > 40, `${marked} keypoints checked`);
  const insideACell = (x: number, y: number) => layout.cells.some((c) => x >= c.x && x < c.x + c.width && y >= c.y && y < c.y + c.height);
  let outside = 0;
  for (let y = 0; y < plain.height; y++) {
    for (let x = 0; x < plain.width; x++) {
      if (!insideACell(x, y) && rgbAt(plain, x, y).some((c, i) => c !== rgbAt(posed, x, y)[i])) outside++;
    }
  }
  assert.is(outside, 0, 'pixels changed by the overlay outside the cells');
});
Sheet('a sample without decoded video, and bad options, are errors that say so', async () => {
  const imuOnly: Sample = { ...trial, streams: trial.streams.filter((s) => s.kind !== 'video') };
  await rejects(renderContactSheet(imuOnly), /renderContactSheet\(\): sample 'S01-jump-t01' has no decoded video stream/);
  await rejects(renderContactSheet(trial, { columns: 0 }), /renderContactSheet\(\): columns must be an integer >= 1, got 0/);
  await rejects(renderContactSheet(trial, { scale: 1.5 }), /renderContactSheet\(\): scale must be an integer >= 1, got 1.5/);
  const noPose: Sample = { ...trial, streams: trial.streams.filter((s) => s.kind !== 'pose') };
  await rejects(renderContactSheet(noPose, { pose: true }), /pose: true needs a 2D COCO-17 pose stream/);
  await decodePng(await renderContactSheet(noPose, { frames: 1 }));
});
Sheet.run();

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
  for (let x = area.x + 2; x < area.x + area.width - 2; x++) if (countPixels(img, x, area.y + 2, x + 1, area.y + area.height - 2, hit) > 0) out.push(x);
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
Plot('one row of an accelerometer and a gyroscope panel per IMU; the PNG has the layout\'s size', async () => {
  const layout = imuPlotLayout(trial, { width: 900 });
  const img = await decodePng(await renderImuPlot(trial, { width: 900 }));
  assert.equal([img.width, img.height], [900, layout.height]);
  assert.equal(layout.rows.map((r) => r.stream.sensorId), ['S01-wrist', 'S01-ankle', 'S01-pelvis']);
  layout.rows.forEach((row, r) => {
    assert.ok(row.accelerometer.x + row.accelerometer.width < row.gyroscope.x, `row ${r}: accelerometer left of gyroscope`);
    assert.ok(row.gyroscope.x + row.gyroscope.width <= 900, `row ${r}: gyroscope inside the image`);
    const next = layout.rows[r + 1];
    if (next !== undefined) assert.ok(next.accelerometer.y > row.accelerometer.y + row.accelerometer.height + 40, `row ${r + 1} below row ${r}`);
  });
  assert.ok(layout.height > (layout.rows[2] as ImuPlotRow).accelerometer.y + 200 && layout.height < 900, `height ${layout.height}`);
});
Plot('every panel of a real trial shows each of its traces; take-off and landing only where the sample has them', async () => {
  // A 1 s trial ends before its take-off: these flight times lie inside every sensor's span after its offset.
  const flight: Sample = { ...trial, events: [...(trial.events ?? []), { name: 'takeoff', t: 0.5 }, { name: 'landing', t: 0.8 }] };
  const layout = imuPlotLayout(flight);
  const img = await decodePng(await renderImuPlot(flight));
  const withoutEvents = await decodePng(await renderImuPlot({ ...trial, events: undefined }));
  for (const row of layout.rows) {
    const panels = [
      { area: row.accelerometer, name: 'accelerometer', colours: [IMU_PLOT_COLOURS.x, IMU_PLOT_COLOURS.y, IMU_PLOT_COLOURS.z, IMU_PLOT_COLOURS.magnitude] },
      { area: row.gyroscope, name: 'gyroscope', colours: [IMU_PLOT_COLOURS.x, IMU_PLOT_COLOURS.y, IMU_PLOT_COLOURS.z] },
    ];
    for (const { area, name, colours } of panels) {
      for (const colour of colours) {
        const n = countPixels(img, area.x + 2, area.y + 2, area.x + area.width - 2, area.y + area.height - 2, near(colour));
        assert.ok(n > 40, `${row.stream.sensorId} ${name}: ${n} pixels of ${colour}`);
      }
      for (const colour of [IMU_PLOT_COLOURS.takeoff, IMU_PLOT_COLOURS.landing]) {
        assert.ok(columnsWith(img, area, colour).length > 0, `${row.stream.sensorId} ${name}: ${colour} event line`);
        assert.equal(columnsWith(withoutEvents, area, colour), [], `${row.stream.sensorId} ${name}: no ${colour} without events`);
      }
    }
  }
  const title = countPixels(img, 0, 0, img.width, (layout.rows[0] as ImuPlotRow).accelerometer.y - 30, isDark);
  assert.ok(title > 150, `${title} dark pixels in the title band`);
});
Plot('a gap in t (lost packets) breaks the line instead of bridging it', async () => {
  const gapped = everySample.filter((t) => t < 0.805 || t > 1.195);
  for (const [times, bridged] of [[gapped, false], [everySample, true]] as const) {
    const area = imuPlotLayout(flatImu([...times])).rows[0]?.accelerometer as PlotArea;
    const red = columnsWith(await decodePng(await renderImuPlot(flatImu([...times]))), area, IMU_PLOT_COLOURS.x);
    const x = (t: number) => xOf(area, t, 0, 1.99);
    assert.ok(red.some((c) => c < x(0.5)) && red.some((c) => c > x(1.5)), 'the line is drawn on both sides');
    const inGap = red.filter((c) => c > x(0.82) && c < x(1.18)).length;
    if (bridged) assert.ok(inGap >= x(1.18) - x(0.82) - 2, `${inGap} red columns without a gap`);
    else assert.is(inGap, 0, 'red columns inside the gap');
  }
});
Plot('take-off and landing are dashed lines at event time plus the sensor\'s clock offset, on both panels', async () => {
  const events = [{ name: 'takeoff', t: 0.3 }, { name: 'landing', t: 0.6 }];
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
        assert.ok(Math.abs(got - want) <= 1.5, `${e.name} (shift ${shift} s): column ${got}, expected ${want.toFixed(1)}`);
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
