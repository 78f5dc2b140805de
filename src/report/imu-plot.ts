import type { SKRSContext2D } from '@napi-rs/canvas';
import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS, type ImuStream } from '../core/stream.ts';
import { strokeLine, whiteCanvas } from './canvas-primitives.ts';
import { canvasFont as font, niceTicks, sampleTitle, TEXT_COLOUR, tickDecimals } from './canvas-text.ts';

/**
 * A PNG of one sample's IMUs for a person to look at: per IMU a row of two panels, accelerometer
 * and gyroscope against the device's own clock, with the ground-truth take-off and landing where
 * the sample has them.
 */

export interface ImuPlotOptions {
  /** Image width in pixels; default 1200. */
  width?: number;
}

/** Trace and event colours of the IMU plot. */
export const IMU_PLOT_COLOURS = {
  x: '#d62728',
  y: '#2ca02c',
  z: '#1f77b4',
  magnitude: '#333333',
  takeoff: '#ff7f0e',
  landing: '#9467bd',
} as const;

/** A plot area (inside the axes) in image pixels; its x axis spans the stream's first to last time. */
export interface PlotArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ImuPlotRow {
  stream: ImuStream;
  accelerometer: PlotArea;
  gyroscope: PlotArea;
}

export interface ImuPlotLayout {
  width: number;
  height: number;
  rows: ImuPlotRow[];
}

/** Title band, then per IMU a row: panel header (title, legend), plot area, tick labels and axis label. */
const PLOT = { margin: 12, gap: 24, title: 30, row: 250, header: 24, left: 62, right: 8, bottom: 42 } as const;
const MIN_PLOT_WIDTH = 480;

interface Trace {
  label: string;
  colour: string;
  value: (data: Float32Array, i: number) => number;
}
const channel = (c: number) => (data: Float32Array, i: number) => data[i * IMU_CHANNELS + c] as number;
const ACC_TRACES: Trace[] = [
  { label: 'x', colour: IMU_PLOT_COLOURS.x, value: channel(0) },
  { label: 'y', colour: IMU_PLOT_COLOURS.y, value: channel(1) },
  { label: 'z', colour: IMU_PLOT_COLOURS.z, value: channel(2) },
  {
    label: '|a|',
    colour: IMU_PLOT_COLOURS.magnitude,
    value: (d, i) => Math.hypot(channel(0)(d, i), channel(1)(d, i), channel(2)(d, i)),
  },
];
const GYRO_TRACES: Trace[] = [
  { label: 'x', colour: IMU_PLOT_COLOURS.x, value: channel(3) },
  { label: 'y', colour: IMU_PLOT_COLOURS.y, value: channel(4) },
  { label: 'z', colour: IMU_PLOT_COLOURS.z, value: channel(5) },
];

interface EventMark {
  name: 'takeoff' | 'landing';
  /** On the device's clock. */
  t: number;
}

/** Per IMU stream, accelerometer and gyroscope against device time, PNG bytes. */
export async function renderImuPlot(sample: Sample, options: ImuPlotOptions = {}): Promise<Buffer> {
  const layout = imuPlotLayout(sample, options);
  const { canvas, ctx } = whiteCanvas(layout.width, layout.height);
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(15, true);
  ctx.fillText(sampleTitle(sample), PLOT.margin, PLOT.margin + 16, layout.width - 2 * PLOT.margin);
  for (const { stream, accelerometer, gyroscope } of layout.rows) {
    const marks = eventMarks(sample, stream.sensorId);
    const name = `${stream.sensorId} (${stream.placement})`;
    drawPanel(ctx, stream, accelerometer, {
      title: `${name}: accelerometer`,
      unit: 'acceleration (m/s²)',
      traces: ACC_TRACES,
      marks,
    });
    drawPanel(ctx, stream, gyroscope, {
      title: `${name}: gyroscope`,
      unit: 'angular velocity (rad/s)',
      traces: GYRO_TRACES,
      marks,
    });
  }
  return canvas.encode('png');
}

/** Where renderImuPlot puts each IMU stream's panels for these options. */
export function imuPlotLayout(sample: Sample, options: ImuPlotOptions = {}): ImuPlotLayout {
  const width = options.width ?? 1200;
  if (!Number.isInteger(width) || width < MIN_PLOT_WIDTH)
    throw new Error(`renderImuPlot(): width must be an integer >= ${MIN_PLOT_WIDTH}, got ${width}`);
  const imus = sample.streams.filter((s): s is ImuStream => s.kind === 'imu');
  const streams = imus.filter((s) => s.t.length > 0);
  if (streams.length === 0) {
    throw new UserError(
      `renderImuPlot(): sample '${sample.id}' has no IMU stream${imus.length > 0 ? ` with samples (its ${imus.length} are empty)` : ''}`,
      'Preview its video with renderContactSheet instead.',
    );
  }
  const panelWidth = (width - 2 * PLOT.margin - PLOT.gap) / 2;
  const area = (left: number, top: number): PlotArea => ({
    x: Math.round(left + PLOT.left),
    y: top + PLOT.header,
    width: Math.round(panelWidth - PLOT.left - PLOT.right),
    height: PLOT.row - PLOT.header - PLOT.bottom,
  });
  const rows = streams.map((stream, r) => {
    const top = PLOT.margin + PLOT.title + r * PLOT.row;
    return { stream, accelerometer: area(PLOT.margin, top), gyroscope: area(PLOT.margin + panelWidth + PLOT.gap, top) };
  });
  return { width, height: PLOT.margin + PLOT.title + rows.length * PLOT.row, rows };
}

/** Take-off and landing moved onto this sensor's clock by its clock-offset event, where there is one. */
function eventMarks(sample: Sample, sensorId: string): EventMark[] {
  const events = sample.events ?? [];
  const offset = events.find((e) => e.name === `clock-offset/${sensorId}` && Number.isFinite(e.value))?.value ?? 0;
  return events.flatMap((e) =>
    (e.name === 'takeoff' || e.name === 'landing') && Number.isFinite(e.t)
      ? [{ name: e.name, t: (e.t as number) + offset }]
      : [],
  );
}

interface PanelSpec {
  title: string;
  unit: string;
  traces: Trace[];
  marks: EventMark[];
}

function drawPanel(ctx: SKRSContext2D, stream: ImuStream, area: PlotArea, panel: PanelSpec): void {
  const n = stream.t.length;
  const tRange = paddedRange(stream.t[0] as number, stream.t[n - 1] as number);
  const yTicks = niceTicks(...valueRange(stream, panel.traces));
  const yRange: [number, number] = [yTicks[0] as number, yTicks[yTicks.length - 1] as number];
  const toX = (t: number) => area.x + ((t - tRange[0]) / (tRange[1] - tRange[0])) * area.width;
  const toY = (v: number) => area.y + area.height - ((v - yRange[0]) / (yRange[1] - yRange[0])) * area.height;

  drawHeader(ctx, area, panel);
  drawAxes(
    ctx,
    area,
    niceTicks(...tRange).filter((t) => t >= tRange[0] && t <= tRange[1]),
    yTicks,
    toX,
    toY,
    panel.unit,
  );
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.width, area.height);
  ctx.clip();
  // A lost packet leaves a step in t longer than the sampling interval: the line breaks there.
  const maxStep = 1.5 / stream.rate;
  for (const trace of panel.traces) drawTrace(ctx, stream, trace, maxStep, toX, toY);
  drawMarks(
    ctx,
    area,
    panel.marks.filter((m) => m.t >= tRange[0] && m.t <= tRange[1]),
    toX,
  );
  ctx.restore();
}

/** The panel's title on the left and its legend on the right, above the plot area. */
function drawHeader(ctx: SKRSContext2D, area: PlotArea, panel: PanelSpec): void {
  const baseline = area.y - 8;
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(13, true);
  ctx.fillText(panel.title, area.x - PLOT.left + 4, baseline);
  ctx.font = font(12);
  let x = area.x + area.width;
  for (const trace of [...panel.traces].reverse()) {
    x -= ctx.measureText(trace.label).width;
    ctx.fillStyle = TEXT_COLOUR;
    ctx.fillText(trace.label, x, baseline);
    x -= 22;
    ctx.strokeStyle = trace.colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, baseline - 4);
    ctx.lineTo(x + 16, baseline - 4);
    ctx.stroke();
    x -= 10;
  }
}

function drawAxes(
  ctx: SKRSContext2D,
  area: PlotArea,
  tTicks: number[],
  yTicks: number[],
  toX: (t: number) => number,
  toY: (v: number) => number,
  unit: string,
): void {
  const right = area.x + area.width;
  const bottom = area.y + area.height;
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#e6e6e6';
  for (const v of yTicks) strokeLine(ctx, area.x, Math.round(toY(v)) + 0.5, right, Math.round(toY(v)) + 0.5);
  for (const t of tTicks) strokeLine(ctx, Math.round(toX(t)) + 0.5, area.y, Math.round(toX(t)) + 0.5, bottom);
  ctx.strokeStyle = '#999999';
  if ((yTicks[0] as number) < 0 && (yTicks[yTicks.length - 1] as number) > 0)
    strokeLine(ctx, area.x, Math.round(toY(0)) + 0.5, right, Math.round(toY(0)) + 0.5);
  ctx.strokeStyle = TEXT_COLOUR;
  ctx.strokeRect(area.x - 0.5, area.y - 0.5, area.width + 1, area.height + 1);

  // Tick and axis labels change the text alignment: restored at the end.
  ctx.save();
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(11);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yDecimals = tickDecimals(yTicks);
  for (const v of yTicks) {
    strokeLine(ctx, area.x - 4, Math.round(toY(v)) + 0.5, area.x, Math.round(toY(v)) + 0.5);
    ctx.fillText(v.toFixed(yDecimals), area.x - 6, toY(v));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const tDecimals = tickDecimals(tTicks);
  for (const t of tTicks) {
    strokeLine(ctx, Math.round(toX(t)) + 0.5, bottom, Math.round(toX(t)) + 0.5, bottom + 4);
    ctx.fillText(t.toFixed(tDecimals), toX(t), bottom + 6);
  }
  ctx.font = font(12);
  ctx.fillText('time on the device clock (s)', area.x + area.width / 2, bottom + 22);
  ctx.translate(area.x - PLOT.left + 6, area.y + area.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(unit, 0, 0);
  ctx.restore();
}

function drawTrace(
  ctx: SKRSContext2D,
  stream: ImuStream,
  trace: Trace,
  maxStep: number,
  toX: (t: number) => number,
  toY: (v: number) => number,
): void {
  ctx.strokeStyle = trace.colour;
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let penDown = false;
  for (let i = 0; i < stream.t.length; i++) {
    const v = trace.value(stream.data, i);
    if (!Number.isFinite(v)) {
      penDown = false;
      continue;
    }
    const t = stream.t[i] as number;
    const continues = penDown && t - (stream.t[i - 1] as number) <= maxStep;
    if (continues) ctx.lineTo(toX(t), toY(v));
    else ctx.moveTo(toX(t), toY(v));
    penDown = true;
  }
  ctx.stroke();
}

/** Dashed vertical lines, labelled at the top; alternate labels drop a line so neighbours do not overlap. */
function drawMarks(ctx: SKRSContext2D, area: PlotArea, marks: EventMark[], toX: (t: number) => number): void {
  ctx.lineWidth = 1.5;
  ctx.setLineDash([6, 4]);
  ctx.font = font(11);
  marks.forEach((mark, k) => {
    const x = Math.round(toX(mark.t)) + 0.5;
    ctx.strokeStyle = IMU_PLOT_COLOURS[mark.name];
    strokeLine(ctx, x, area.y, x, area.y + area.height);
    ctx.fillStyle = IMU_PLOT_COLOURS[mark.name];
    ctx.fillText(mark.name, x + 4, area.y + 12 + (k % 2) * 14);
  });
  ctx.setLineDash([]);
}

/** Smallest and largest finite value of the traces; a flat or empty signal gets a range around it. */
function valueRange(stream: ImuStream, traces: Trace[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const trace of traces) {
    for (let i = 0; i < stream.t.length; i++) {
      const v = trace.value(stream.data, i);
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return lo > hi ? [-1, 1] : paddedRange(lo, hi);
}

function paddedRange(lo: number, hi: number): [number, number] {
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}
