import { basename } from 'node:path';
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { VideoPose } from '../pose/movenet-pose.ts';
import { decodeVideoFrames } from '../video/decode-video.ts';
import { evenlySpacedIndices } from '../video/frame-selection.ts';
import type { VideoProbe } from '../video/probe-video.ts';
import { putFrame, whiteCanvas } from './canvas-primitives.ts';
import { canvasFont as font, TEXT_COLOUR } from './canvas-text.ts';
import { boneSideColour, drawSkeletonOverlay, MIN_KEYPOINT_SCORE } from './skeleton-overlay.ts';

/**
 * The PNG `motionfuse pose` writes for a person to check its poses: a contact sheet of a few
 * frames evenly spaced over those estimated, decoded again at a preview size (the video's aspect
 * ratio kept), with each frame's skeleton drawn over it: points coloured by score, limbs by side,
 * both faded (limbs dashed) below MIN_KEYPOINT_SCORE.
 */

const SHEET = { cellWidth: 480, columns: 3, margin: 8, gap: 8, title: 46, caption: 20 } as const;
/** Score 0 red, 0.5 yellow, 1 green. */
const scoreColour = (score: number) => `hsl(${Math.round(120 * Math.min(1, Math.max(0, score)))}, 90%, 48%)`;

/** `count` of `poses` (MoveNet Lightning's, of `video`) over their frames, PNG bytes. */
export async function renderPosePreview(
  ffmpeg: string,
  video: string,
  probe: VideoProbe,
  poses: readonly VideoPose[],
  count: number,
): Promise<Buffer> {
  const picked = [...new Set(evenlySpacedIndices(poses.length, Math.min(count, poses.length)))].map(
    (k) => poses[k] as VideoPose,
  );
  const cellWidth = Math.min(probe.width, SHEET.cellWidth);
  const cellHeight = Math.max(1, Math.round((probe.height * cellWidth) / probe.width));
  const columns = Math.min(SHEET.columns, Math.max(1, picked.length));
  const rows = Math.ceil(picked.length / columns);
  const width = SHEET.margin * 2 + columns * cellWidth + (columns - 1) * SHEET.gap;
  const height =
    SHEET.title + SHEET.margin + rows * (cellHeight + SHEET.caption) + (rows - 1) * SHEET.gap + SHEET.margin;
  const { canvas, ctx } = whiteCanvas(width, height);
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(15, true);
  ctx.fillText(
    `${basename(video)}: MoveNet Lightning pose, ${picked.length} of ${poses.length} estimated frames`,
    SHEET.margin,
    20,
    width - 2 * SHEET.margin,
  );
  ctx.font = font(12);
  ctx.fillText(
    `points coloured by score (red 0, yellow 0.5, green 1), faded below ${MIN_KEYPOINT_SCORE}; limbs: cyan left, orange right`,
    SHEET.margin,
    38,
    width - 2 * SHEET.margin,
  );

  let k = 0;
  const frames = decodeVideoFrames(ffmpeg, video, {
    probe,
    size: { width: cellWidth, height: cellHeight },
    fit: 'crop',
    frames: { indices: picked.map((p) => p.index) },
  });
  for await (const f of frames) {
    const pose = picked[k] as VideoPose;
    const x = SHEET.margin + (k % columns) * (cellWidth + SHEET.gap);
    const y = SHEET.title + SHEET.margin + Math.floor(k / columns) * (cellHeight + SHEET.caption + SHEET.gap);
    putFrame(ctx, { frames: f.frame, width: cellWidth, height: cellHeight, channels: 3 }, 0, x, y);
    drawPose(ctx, pose, {
      x,
      y,
      width: cellWidth,
      height: cellHeight,
      sx: cellWidth / probe.width,
      sy: cellHeight / probe.height,
    });
    ctx.fillStyle = TEXT_COLOUR;
    ctx.font = font(12);
    ctx.fillText(
      `frame ${pose.index}   t ${pose.t.toFixed(3)} s   mean score ${meanScore(pose).toFixed(2)}`,
      x,
      y + cellHeight + 15,
      cellWidth,
    );
    k++;
  }
  return canvas.encode('png');
}

/** Every keypoint, sure ones solid, the rest faded (limbs dashed); `sx`, `sy` take the video's pixels to the cell's. */
function drawPose(
  ctx: SKRSContext2D,
  pose: VideoPose,
  cell: { x: number; y: number; width: number; height: number; sx: number; sy: number },
): void {
  const score = (j: number) => pose.scores[j] as number;
  const unit = Math.max(1.5, cell.width / 160);
  drawSkeletonOverlay(ctx, 'coco17', cell, {
    lineCap: 'round',
    at: (j) => [
      cell.x + (pose.keypoints[2 * j] as number) * cell.sx,
      cell.y + (pose.keypoints[2 * j + 1] as number) * cell.sy,
    ],
    bone: (a, b) => {
      const sure = Math.min(score(a), score(b)) >= MIN_KEYPOINT_SCORE;
      return {
        colour: boneSideColour('coco17', a, b),
        alpha: sure ? 0.95 : 0.3,
        width: sure ? unit * 1.5 : unit,
        dash: sure ? [] : [unit * 2, unit * 2],
      };
    },
    joint: (j) => {
      const sure = score(j) >= MIN_KEYPOINT_SCORE;
      return { colour: scoreColour(score(j)), alpha: sure ? 1 : 0.35, radius: sure ? unit * 2 : unit * 1.4 };
    },
  });
}

function meanScore(pose: VideoPose): number {
  return pose.scores.length === 0 ? Number.NaN : pose.scores.reduce((s, x) => s + x, 0) / pose.scores.length;
}
