import { canvasFont, niceTicks, tickDecimals } from './canvas-text.ts';
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import { IMU_CHANNELS, type DecodedFrames, type ImuStream, type PoseStream, type VideoStream } from '../core/stream.ts';

/**
 * Two PNG previews of one trial, for a person to look at: a contact sheet of the decoded video
 * frames (time, phase and the 2D pose over each) and a plot of each IMU's accelerometer and
 * gyroscope, with the ground-truth take-off and landing where the sample has them.
 */

// ---------------------------------------------------------------------------------------------
// Text

/** The family our shipped font is registered under; system fonts are the fallback. */
/** System families to fall back on, best first (Debian's fonts-dejavu-core, fonts-liberation); else any sans, else any. */
const TEXT_COLOUR = '#222222';
const font = canvasFont;

function sampleTitle(sample: Sample): string {
  return [sample.id, sample.label, sample.subject].filter((s) => s !== undefined && s !== '').join('  ·  ');
}

function whiteCanvas(width: number, height: number): { canvas: Canvas; ctx: SKRSContext2D } {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx };
}

function checkIntegerAtLeast(fn: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${fn}(): ${name} must be an integer >= ${min}, got ${value}`);
}

// ---------------------------------------------------------------------------------------------
// Contact sheet

export interface ContactSheetOptions {
  /** Cells per row; default 4. */
  columns?: number;
  /** Frames shown, evenly spaced over the clip, first and last included; default 12. */
  frames?: number;
  /** Integer zoom, nearest neighbour so pixels stay as decoded; default 2. */
  scale?: number;
  /** Draw the COCO-17 keypoints and skeleton; default: whether the sample has such a pose stream. */
  pose?: boolean;
}

/** Where one frame lands on the sheet: its top-left corner and size in sheet pixels. */
export interface ContactSheetCell {
  frame: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ContactSheetLayout {
  width: number;
  height: number;
  cells: ContactSheetCell[];
}

const SHEET = { margin: 8, gap: 8, title: 26, caption: 18 } as const;
/** Keypoints below this confidence are detector misses: not drawn. */
const MIN_KEYPOINT_SCORE = 0.3;
/** COCO-17 skeleton: face, arms, trunk, legs. */
const COCO17_BONES: readonly (readonly [number, number])[] = [
  [0, 1], [0, 2], [1, 3], [2, 4], [5, 7], [7, 9], [6, 8], [8, 10],
  [5, 6], [5, 11], [6, 12], [11, 12], [11, 13], [13, 15], [12, 14], [14, 16],
];
/** Odd COCO-17 indices are the athlete's left, even (but the nose) the right. */
const POSE_COLOURS = { left: '#00e5ff', right: '#ff5722', middle: '#ffeb3b' } as const;

type DecodedVideo = VideoStream & { decoded: DecodedFrames };
interface SheetSpec {
  columns: number;
  frames: number;
  scale: number;
}

/** A grid of the decoded video frames with time and phase captions, PNG bytes. */
export async function renderContactSheet(sample: Sample, options: ContactSheetOptions = {}): Promise<Buffer> {
  const video = decodedVideo(sample);
  const layout = layoutSheet(video, sheetSpec(options));
  const pose = poseToDraw(sample, video, options.pose);
  const { canvas, ctx } = whiteCanvas(layout.width, layout.height);
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(15, true);
  ctx.fillText(sampleTitle(sample), SHEET.margin, SHEET.margin + 16, layout.width - 2 * SHEET.margin);
  for (const cell of layout.cells) {
    putFrame(ctx, video.decoded, cell);
    if (pose !== undefined) drawPose(ctx, pose, cell, cell.width / video.decoded.width);
    drawCaption(ctx, sample, video, cell);
  }
  return canvas.encode('png');
}

/** Where renderContactSheet puts each frame for these options. */
export function contactSheetLayout(sample: Sample, options: ContactSheetOptions = {}): ContactSheetLayout {
  return layoutSheet(decodedVideo(sample), sheetSpec(options));
}

function sheetSpec(options: ContactSheetOptions): SheetSpec {
  const spec = { columns: options.columns ?? 4, frames: options.frames ?? 12, scale: options.scale ?? 2 };
  for (const [name, value] of Object.entries(spec)) checkIntegerAtLeast('renderContactSheet', name, value, 1);
  return spec;
}

function decodedVideo(sample: Sample): DecodedVideo {
  const videos = sample.streams.filter((s): s is VideoStream => s.kind === 'video');
  const decoded = videos.find((s): s is DecodedVideo => s.decoded !== undefined && s.t.length > 0);
  if (decoded !== undefined) return decoded;
  if (videos.length > 0) {
    throw new UserError(`renderContactSheet(): sample '${sample.id}' has no decoded video stream (its video is still on disk or empty)`,
      'Decode the video into the sample before previewing it.');
  }
  throw new UserError(`renderContactSheet(): sample '${sample.id}' has no decoded video stream (it has no video at all)`,
    'Preview its IMU streams with renderImuPlot instead.');
}

function layoutSheet(video: DecodedVideo, spec: SheetSpec): ContactSheetLayout {
  const n = video.t.length;
  const shown = Math.min(spec.frames, n);
  const columns = Math.min(spec.columns, shown);
  const rows = Math.ceil(shown / columns);
  const width = video.decoded.width * spec.scale;
  const height = video.decoded.height * spec.scale;
  const pitchX = width + SHEET.gap;
  const pitchY = height + SHEET.caption + SHEET.gap;
  const cells = Array.from({ length: shown }, (_, k) => ({
    // With shown <= n the rounded steps are >= 1 apart, so no frame repeats.
    frame: shown === 1 ? 0 : Math.round((k * (n - 1)) / (shown - 1)),
    x: SHEET.margin + (k % columns) * pitchX,
    y: SHEET.margin + SHEET.title + Math.floor(k / columns) * pitchY,
    width, height,
  }));
  return { width: 2 * SHEET.margin + columns * pitchX - SHEET.gap, height: 2 * SHEET.margin + SHEET.title + rows * pitchY - SHEET.gap, cells };
}

/** The frame's pixels, each repeated scale x scale times: exact bytes, no smoothing. */
function putFrame(ctx: SKRSContext2D, decoded: DecodedFrames, cell: ContactSheetCell): void {
  const { frames, width, height, channels } = decoded;
  const scale = cell.width / width;
  const image = ctx.createImageData(cell.width, cell.height);
  const base = cell.frame * width * height * channels;
  for (let y = 0; y < cell.height; y++) {
    const row = base + Math.floor(y / scale) * width * channels;
    for (let x = 0; x < cell.width; x++) {
      const src = row + Math.floor(x / scale) * channels;
      const dst = (y * cell.width + x) * 4;
      const r = frames[src] as number;
      image.data[dst] = r;
      image.data[dst + 1] = channels === 3 ? (frames[src + 1] as number) : r;
      image.data[dst + 2] = channels === 3 ? (frames[src + 2] as number) : r;
      image.data[dst + 3] = 255;
    }
  }
  ctx.putImageData(image, cell.x, cell.y);
}

function drawCaption(ctx: SKRSContext2D, sample: Sample, video: DecodedVideo, cell: ContactSheetCell): void {
  const phases = sample.meta['phasePerFrame'];
  const phase = Array.isArray(phases) && typeof phases[cell.frame] === 'string' ? `  ${phases[cell.frame] as string}` : '';
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(12);
  ctx.fillText(`${(video.t[cell.frame] as number).toFixed(2)} s${phase}`, cell.x, cell.y + cell.height + 13, cell.width);
}

/** A 2D COCO-17 pose stream with one entry per video frame, if it is to be drawn. */
function poseToDraw(sample: Sample, video: DecodedVideo, wanted: boolean | undefined): PoseStream | undefined {
  if (wanted === false) return undefined;
  const pose = sample.streams.find((s): s is PoseStream => s.kind === 'pose' && s.joints === 'coco17' && s.dims === 2);
  if (pose !== undefined && pose.t.length === video.t.length) return pose;
  if (wanted === undefined) return undefined;
  const found = pose === undefined ? 'it has none' : `it has ${pose.t.length} pose frames for ${video.t.length} video frames`;
  throw new UserError(`renderContactSheet(): pose: true needs a 2D COCO-17 pose stream with one entry per video frame; sample '${sample.id}': ${found}`,
    'Leave pose unset to draw it only where there is one.');
}

function drawPose(ctx: SKRSContext2D, pose: PoseStream, cell: ContactSheetCell, scale: number): void {
  const joints = 17;
  const at = (j: number): [number, number] | undefined => {
    const score = pose.score?.[cell.frame * joints + j] ?? 1;
    if (score < MIN_KEYPOINT_SCORE) return undefined;
    const i = (cell.frame * joints + j) * 2;
    return [cell.x + (pose.data[i] as number) * scale, cell.y + (pose.data[i + 1] as number) * scale];
  };
  const side = (j: number): keyof typeof POSE_COLOURS => (j === 0 ? 'middle' : j % 2 === 1 ? 'left' : 'right');
  ctx.save();
  ctx.beginPath();
  ctx.rect(cell.x, cell.y, cell.width, cell.height);
  ctx.clip();
  ctx.lineWidth = Math.max(1, scale);
  for (const [a, b] of COCO17_BONES) {
    const pa = at(a);
    const pb = at(b);
    if (pa === undefined || pb === undefined) continue;
    ctx.strokeStyle = POSE_COLOURS[side(a) === side(b) ? side(a) : 'middle'];
    ctx.beginPath();
    ctx.moveTo(pa[0], pa[1]);
    ctx.lineTo(pb[0], pb[1]);
    ctx.stroke();
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#000000';
  for (let j = 0; j < joints; j++) {
    const p = at(j);
    if (p === undefined) continue;
    ctx.fillStyle = POSE_COLOURS[side(j)];
    ctx.beginPath();
    ctx.arc(p[0], p[1], 1 + scale, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}

// ---------------------------------------------------------------------------------------------
// IMU plot

export interface ImuPlotOptions {
  /** Image width in pixels; default 1200. */
  width?: number;
}

/** Trace and event colours of the IMU plot. */
export const IMU_PLOT_COLOURS = {
  x: '#d62728', y: '#2ca02c', z: '#1f77b4', magnitude: '#333333', takeoff: '#ff7f0e', landing: '#9467bd',
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
  { label: '|a|', colour: IMU_PLOT_COLOURS.magnitude, value: (d, i) => Math.hypot(channel(0)(d, i), channel(1)(d, i), channel(2)(d, i)) },
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
    drawPanel(ctx, stream, accelerometer, { title: `${name}: accelerometer`, unit: 'acceleration (m/s²)', traces: ACC_TRACES, marks });
    drawPanel(ctx, stream, gyroscope, { title: `${name}: gyroscope`, unit: 'angular velocity (rad/s)', traces: GYRO_TRACES, marks });
  }
  return canvas.encode('png');
}

/** Where renderImuPlot puts each IMU stream's panels for these options. */
export function imuPlotLayout(sample: Sample, options: ImuPlotOptions = {}): ImuPlotLayout {
  const width = options.width ?? 1200;
  checkIntegerAtLeast('renderImuPlot', 'width', width, MIN_PLOT_WIDTH);
  const imus = sample.streams.filter((s): s is ImuStream => s.kind === 'imu');
  const streams = imus.filter((s) => s.t.length > 0);
  if (streams.length === 0) {
    throw new UserError(`renderImuPlot(): sample '${sample.id}' has no IMU stream${imus.length > 0 ? ` with samples (its ${imus.length} are empty)` : ''}`,
      'Preview its video with renderContactSheet instead.');
  }
  const panelWidth = (width - 2 * PLOT.margin - PLOT.gap) / 2;
  const area = (left: number, top: number): PlotArea => ({
    x: Math.round(left + PLOT.left), y: top + PLOT.header,
    width: Math.round(panelWidth - PLOT.left - PLOT.right), height: PLOT.row - PLOT.header - PLOT.bottom,
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
  return events.flatMap((e) => ((e.name === 'takeoff' || e.name === 'landing') && Number.isFinite(e.t) ? [{ name: e.name, t: (e.t as number) + offset }] : []));
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
  drawAxes(ctx, area, niceTicks(...tRange).filter((t) => t >= tRange[0] && t <= tRange[1]), yTicks, toX, toY, panel.unit);
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.width, area.height);
  ctx.clip();
  // A lost packet leaves a step in t longer than the sampling interval: the line breaks there.
  const maxStep = 1.5 / stream.rate;
  for (const trace of panel.traces) drawTrace(ctx, stream, trace, maxStep, toX, toY);
  drawMarks(ctx, area, panel.marks.filter((m) => m.t >= tRange[0] && m.t <= tRange[1]), toX);
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

function drawAxes(ctx: SKRSContext2D, area: PlotArea, tTicks: number[], yTicks: number[], toX: (t: number) => number, toY: (v: number) => number, unit: string): void {
  const right = area.x + area.width;
  const bottom = area.y + area.height;
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#e6e6e6';
  for (const v of yTicks) line(ctx, area.x, Math.round(toY(v)) + 0.5, right, Math.round(toY(v)) + 0.5);
  for (const t of tTicks) line(ctx, Math.round(toX(t)) + 0.5, area.y, Math.round(toX(t)) + 0.5, bottom);
  ctx.strokeStyle = '#999999';
  if ((yTicks[0] as number) < 0 && (yTicks[yTicks.length - 1] as number) > 0) line(ctx, area.x, Math.round(toY(0)) + 0.5, right, Math.round(toY(0)) + 0.5);
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
    line(ctx, area.x - 4, Math.round(toY(v)) + 0.5, area.x, Math.round(toY(v)) + 0.5);
    ctx.fillText(v.toFixed(yDecimals), area.x - 6, toY(v));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const tDecimals = tickDecimals(tTicks);
  for (const t of tTicks) {
    line(ctx, Math.round(toX(t)) + 0.5, bottom, Math.round(toX(t)) + 0.5, bottom + 4);
    ctx.fillText(t.toFixed(tDecimals), toX(t), bottom + 6);
  }
  ctx.font = font(12);
  ctx.fillText('time on the device clock (s)', area.x + area.width / 2, bottom + 22);
  ctx.translate(area.x - PLOT.left + 6, area.y + area.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(unit, 0, 0);
  ctx.restore();
}

function drawTrace(ctx: SKRSContext2D, stream: ImuStream, trace: Trace, maxStep: number, toX: (t: number) => number, toY: (v: number) => number): void {
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
    line(ctx, x, area.y, x, area.y + area.height);
    ctx.fillStyle = IMU_PLOT_COLOURS[mark.name];
    ctx.fillText(mark.name, x + 4, area.y + 12 + (k % 2) * 14);
  });
  ctx.setLineDash([]);
}

function line(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
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

