import type { SKRSContext2D } from '@napi-rs/canvas';
import type { DecodedClip } from '../video/decode-clip.ts';
import type { KeyFrameSelection } from '../video/keyframes.ts';
import { strokeLine, whiteCanvas } from './canvas-primitives.ts';
import { canvasFont as font, niceTicks, TEXT_COLOUR, tickDecimals } from './canvas-text.ts';

/**
 * A PNG of how key frames were chosen, for a person to check (`motionfuse keyframes`): the frame
 * differences D_i over the clip, the threshold, and the frames chosen.
 */

/** Text, grid, the D_i curve, the threshold line and the key-frame marks. */
export const KEYFRAME_PLOT_COLOURS = {
  text: TEXT_COLOUR,
  grid: '#e6e6e6',
  d: '#1f77b4',
  threshold: '#d62728',
  key: '#ff7f0e',
} as const;
const PLOT = { width: 1100, height: 460, left: 72, right: 24, top: 64, bottom: 56 } as const;

export interface KeyFramePlotLabels {
  /** The video, in the title. */
  title: string;
  /** How the threshold was set, in the subtitle. */
  threshold: string;
}

/**
 * D_i (`selection.differences`) against the time of frame i+1, the threshold as a dashed line,
 * the key frames as orange marks, PNG bytes.
 */
export async function renderKeyFramePlot(
  clip: DecodedClip,
  selection: KeyFrameSelection,
  labels: KeyFramePlotLabels,
): Promise<Buffer> {
  const { differences } = selection;
  const { canvas, ctx } = whiteCanvas(PLOT.width, PLOT.height);
  const area = {
    x: PLOT.left,
    y: PLOT.top,
    width: PLOT.width - PLOT.left - PLOT.right,
    height: PLOT.height - PLOT.top - PLOT.bottom,
  };
  const t = clip.timestamps;
  const t0 = t[0] as number;
  const t1 = Math.max(t[t.length - 1] as number, t0 + 1e-3);
  let top = Number.isFinite(selection.threshold) ? selection.threshold : 0;
  for (const d of differences) top = Math.max(top, d);
  const yTicks = niceTicks(0, top > 0 ? top * 1.05 : 1);
  const tTicks = niceTicks(t0, t1, 10).filter((v) => v >= t0 - 1e-9 && v <= t1 + 1e-9);
  const yMax = yTicks[yTicks.length - 1] as number;
  const toX = (v: number) => area.x + ((v - t0) / (t1 - t0)) * area.width;
  const toY = (v: number) => area.y + area.height - (v / yMax) * area.height;

  ctx.fillStyle = KEYFRAME_PLOT_COLOURS.text;
  ctx.font = font(15, true);
  ctx.fillText(
    `${labels.title}: frame differences at ${clip.frames.width}x${clip.frames.height} (${t.length} frames)`,
    12,
    22,
    PLOT.width - 24,
  );
  ctx.font = font(12);
  ctx.fillText(`${labels.threshold}; key frames: ${selection.indices.join(', ')}`, 12, 42, PLOT.width - 24);

  // Grid, frame, ticks.
  ctx.lineWidth = 1;
  ctx.strokeStyle = KEYFRAME_PLOT_COLOURS.grid;
  for (const v of yTicks)
    strokeLine(ctx, area.x, Math.round(toY(v)) + 0.5, area.x + area.width, Math.round(toY(v)) + 0.5);
  for (const v of tTicks)
    strokeLine(ctx, Math.round(toX(v)) + 0.5, area.y, Math.round(toX(v)) + 0.5, area.y + area.height);
  ctx.strokeStyle = KEYFRAME_PLOT_COLOURS.text;
  ctx.strokeRect(area.x - 0.5, area.y - 0.5, area.width + 1, area.height + 1);
  ctx.save();
  ctx.fillStyle = KEYFRAME_PLOT_COLOURS.text;
  ctx.font = font(11);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yDecimals = tickDecimals(yTicks);
  for (const v of yTicks) ctx.fillText(v.toFixed(yDecimals), area.x - 6, toY(v));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const tDecimals = tickDecimals(tTicks);
  for (const v of tTicks) ctx.fillText(v.toFixed(tDecimals), toX(v), area.y + area.height + 6);
  ctx.font = font(12);
  ctx.fillText('time of frame i+1 (s)', area.x + area.width / 2, area.y + area.height + 26);
  ctx.translate(18, area.y + area.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('D_i: RMS change, grey levels', 0, 0);
  ctx.restore();

  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.width, area.height);
  ctx.clip();
  // Key frames: a vertical line at each one's time.
  ctx.strokeStyle = KEYFRAME_PLOT_COLOURS.key;
  ctx.lineWidth = 1;
  for (const index of new Set(selection.indices)) {
    const x = Math.round(toX(t[clip.indices.indexOf(index)] as number)) + 0.5;
    strokeLine(ctx, x, area.y, x, area.y + area.height);
  }
  // D_i.
  ctx.strokeStyle = KEYFRAME_PLOT_COLOURS.d;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  differences.forEach((d, i) =>
    i === 0 ? ctx.moveTo(toX(t[i + 1] as number), toY(d)) : ctx.lineTo(toX(t[i + 1] as number), toY(d)),
  );
  ctx.stroke();
  // Threshold.
  if (Number.isFinite(selection.threshold)) {
    ctx.strokeStyle = KEYFRAME_PLOT_COLOURS.threshold;
    ctx.setLineDash([7, 5]);
    strokeLine(ctx, area.x, toY(selection.threshold), area.x + area.width, toY(selection.threshold));
    ctx.setLineDash([]);
  }
  // Key frames on the curve (frame 0, which has no D, on the time axis).
  ctx.fillStyle = KEYFRAME_PLOT_COLOURS.key;
  ctx.strokeStyle = '#000000';
  for (const index of new Set(selection.indices)) {
    const x = toX(t[clip.indices.indexOf(index)] as number);
    const y = index === 0 ? area.y + area.height - 5 : toY(differences[index - 1] as number);
    ctx.beginPath();
    ctx.arc(x, y, 4.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
  drawLegend(ctx, area.x + area.width, area.y - 8);
  return canvas.encode('png');
}

function drawLegend(ctx: SKRSContext2D, right: number, baseline: number): void {
  ctx.font = font(12);
  let x = right;
  const entries: [string, (x: number) => void][] = [
    [
      'key frame',
      (at) => {
        ctx.fillStyle = KEYFRAME_PLOT_COLOURS.key;
        ctx.strokeStyle = '#000000';
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.arc(at + 8, baseline - 4, 4.5, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      },
    ],
    [
      'threshold T',
      (at) => {
        ctx.strokeStyle = KEYFRAME_PLOT_COLOURS.threshold;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([7, 5]);
        strokeLine(ctx, at, baseline - 4, at + 16, baseline - 4);
        ctx.setLineDash([]);
      },
    ],
    [
      'D_i',
      (at) => {
        ctx.strokeStyle = KEYFRAME_PLOT_COLOURS.d;
        ctx.lineWidth = 2;
        strokeLine(ctx, at, baseline - 4, at + 16, baseline - 4);
      },
    ],
  ];
  for (const [label, mark] of entries) {
    x -= ctx.measureText(label).width;
    ctx.fillStyle = KEYFRAME_PLOT_COLOURS.text;
    ctx.fillText(label, x, baseline);
    x -= 22;
    mark(x);
    x -= 14;
  }
}
