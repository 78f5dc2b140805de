import type { SKRSContext2D } from '@napi-rs/canvas';
import { JOINT_SETS, type JointSet } from '../core/joint-sets.ts';

/**
 * One frame's skeleton drawn over a picture of it (the sample preview's contact sheet, the pose
 * command's preview): bones first, then each joint as a dot outlined in black, all clipped to the
 * frame's cell so a keypoint guessed outside the frame does not spill onto its neighbours. The
 * caller says where each joint is and how each bone and joint looks.
 */

/** Keypoints a detector scores below this are misses: drawings leave them out or fade them. */
export const MIN_KEYPOINT_SCORE = 0.3;

/** The athlete's left, right, and what joins them or lies between (face, shoulders, hips). */
export const SKELETON_SIDE_COLOURS = { left: '#00e5ff', right: '#ff5722', middle: '#ffeb3b' } as const;

export interface BoneLook {
  colour: string;
  width: number;
  /** Default 1. */
  alpha?: number;
  /** Dash pattern; default solid. */
  dash?: number[];
}

export interface JointLook {
  /** Fill of the dot. */
  colour: string;
  radius: number;
  /** Default 1. */
  alpha?: number;
}

export interface SkeletonLook {
  /** Where joint j is drawn, in canvas pixels; undefined leaves it, and its bones, out. */
  at(j: number): [number, number] | undefined;
  bone(a: number, b: number): BoneLook;
  joint(j: number): JointLook;
  /** Line ends; default the canvas's own ('butt'). */
  lineCap?: 'butt' | 'round' | 'square';
}

export interface OverlayClip {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A joint's colour by its side of the body. */
export function jointSideColour(set: JointSet, j: number): string {
  return SKELETON_SIDE_COLOURS[JOINT_SETS[set].sides[j] ?? 'middle'];
}

/** A bone's colour: its joints' side, or the middle's where their sides differ (shoulders, hips, nose to eyes). */
export function boneSideColour(set: JointSet, a: number, b: number): string {
  const { sides } = JOINT_SETS[set];
  return SKELETON_SIDE_COLOURS[sides[a] === sides[b] ? (sides[a] ?? 'middle') : 'middle'];
}

/** Draws the skeleton; the context's state is as it was afterwards. */
export function drawSkeletonOverlay(ctx: SKRSContext2D, set: JointSet, clip: OverlayClip, look: SkeletonLook): void {
  const { names, bones } = JOINT_SETS[set];
  ctx.save();
  ctx.beginPath();
  ctx.rect(clip.x, clip.y, clip.width, clip.height);
  ctx.clip();
  if (look.lineCap !== undefined) ctx.lineCap = look.lineCap;
  for (const [a, b] of bones) {
    const pa = look.at(a);
    const pb = look.at(b);
    if (pa === undefined || pb === undefined) continue;
    const bone = look.bone(a, b);
    ctx.globalAlpha = bone.alpha ?? 1;
    ctx.strokeStyle = bone.colour;
    ctx.lineWidth = bone.width;
    ctx.setLineDash(bone.dash ?? []);
    ctx.beginPath();
    ctx.moveTo(pa[0], pa[1]);
    ctx.lineTo(pb[0], pb[1]);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#000000';
  for (let j = 0; j < names.length; j++) {
    const p = look.at(j);
    if (p === undefined) continue;
    const joint = look.joint(j);
    ctx.globalAlpha = joint.alpha ?? 1;
    ctx.fillStyle = joint.colour;
    ctx.beginPath();
    ctx.arc(p[0], p[1], joint.radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}
