import type { SKRSContext2D } from '@napi-rs/canvas';
import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import type { DecodedFrames, PoseStream, VideoStream } from '../core/stream.ts';
import { putFrame, whiteCanvas } from './canvas-primitives.ts';
import { canvasFont as font, sampleTitle, TEXT_COLOUR } from './canvas-text.ts';
import { boneSideColour, drawSkeletonOverlay, jointSideColour, MIN_KEYPOINT_SCORE } from './skeleton-overlay.ts';

/**
 * A PNG of one sample's decoded video for a person to look at: a grid of frames evenly spaced
 * over the clip, each with its time and phase, and the 2D pose over it where the sample has one.
 */

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
    putFrame(ctx, video.decoded, cell.frame, cell.x, cell.y, cell.width / video.decoded.width);
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
  for (const [name, value] of Object.entries(spec)) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`renderContactSheet(): ${name} must be an integer >= 1, got ${value}`);
  }
  return spec;
}

function decodedVideo(sample: Sample): DecodedVideo {
  const videos = sample.streams.filter((s): s is VideoStream => s.kind === 'video');
  const decoded = videos.find((s): s is DecodedVideo => s.decoded !== undefined && s.t.length > 0);
  if (decoded !== undefined) return decoded;
  if (videos.length > 0) {
    throw new UserError(
      `renderContactSheet(): sample '${sample.id}' has no decoded video stream (its video is still on disk or empty)`,
      'Decode the video into the sample before previewing it.',
    );
  }
  throw new UserError(
    `renderContactSheet(): sample '${sample.id}' has no decoded video stream (it has no video at all)`,
    'Preview its IMU streams with renderImuPlot instead.',
  );
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
    width,
    height,
  }));
  return {
    width: 2 * SHEET.margin + columns * pitchX - SHEET.gap,
    height: 2 * SHEET.margin + SHEET.title + rows * pitchY - SHEET.gap,
    cells,
  };
}

function drawCaption(ctx: SKRSContext2D, sample: Sample, video: DecodedVideo, cell: ContactSheetCell): void {
  const phases = sample.meta['phasePerFrame'];
  const phase =
    Array.isArray(phases) && typeof phases[cell.frame] === 'string' ? `  ${phases[cell.frame] as string}` : '';
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(12);
  ctx.fillText(
    `${(video.t[cell.frame] as number).toFixed(2)} s${phase}`,
    cell.x,
    cell.y + cell.height + 13,
    cell.width,
  );
}

/** A 2D COCO-17 pose stream with one entry per video frame, if it is to be drawn. */
function poseToDraw(sample: Sample, video: DecodedVideo, wanted: boolean | undefined): PoseStream | undefined {
  if (wanted === false) return undefined;
  const pose = sample.streams.find((s): s is PoseStream => s.kind === 'pose' && s.joints === 'coco17' && s.dims === 2);
  if (pose !== undefined && pose.t.length === video.t.length) return pose;
  if (wanted === undefined) return undefined;
  const found =
    pose === undefined ? 'it has none' : `it has ${pose.t.length} pose frames for ${video.t.length} video frames`;
  throw new UserError(
    `renderContactSheet(): pose: true needs a 2D COCO-17 pose stream with one entry per video frame; sample '${sample.id}': ${found}`,
    'Leave pose unset to draw it only where there is one.',
  );
}

/** The cell's frame's keypoints and bones, coloured by side; those the detector missed are left out. */
function drawPose(ctx: SKRSContext2D, pose: PoseStream, cell: ContactSheetCell, scale: number): void {
  const joints = 17;
  drawSkeletonOverlay(ctx, 'coco17', cell, {
    at: (j) => {
      const score = pose.score?.[cell.frame * joints + j] ?? 1;
      if (score < MIN_KEYPOINT_SCORE) return undefined;
      const i = (cell.frame * joints + j) * 2;
      return [cell.x + (pose.data[i] as number) * scale, cell.y + (pose.data[i + 1] as number) * scale];
    },
    bone: (a, b) => ({ colour: boneSideColour('coco17', a, b), width: Math.max(1, scale) }),
    joint: (j) => ({ colour: jointSideColour('coco17', j), radius: 1 + scale }),
  });
}
