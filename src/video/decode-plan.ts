import { selectionFilterGraph } from './ffmpeg-filters.ts';
import { selectedFrameIndices, type FrameSelection } from './frame-selection.ts';
import type { VideoProbe } from './probe-video.ts';

/**
 * What a decode asks ffmpeg for, worked out from its options (checked here, errors naming
 * decodeVideoFrames' argument) and, where it has one, the file's probe.
 */

/** The frames and their size; decodeVideoFrames' and decodeClip's options extend it. */
export interface FrameRequest {
  /** Output size (a number: square); default the probed size, unscaled. */
  size?: { width: number; height: number } | number;
  /** How the aspect ratio is kept when it differs from `size`'s: 'crop' (fill, centre crop; default) or 'pad' (fit, black bars). */
  fit?: 'crop' | 'pad';
  /** Default 'all'. */
  frames?: FrameSelection;
}

export interface DecodePlan {
  width: number;
  height: number;
  /** What the caller gets, in order. */
  indices: number[];
  /** Distinct indices, ascending: what ffmpeg outputs. */
  decoded: number[];
  filter: string;
}

/** The decode of `request` from a file with this probe. */
export function planDecode(probe: VideoProbe, request: FrameRequest): DecodePlan {
  const { width, height } = outputSize(request.size, probe);
  const fit = checkedFit(request.fit);
  const indices = selectedFrameIndices(probe.frameCount, request.frames);
  const decoded = indices.filter((i, j) => j === 0 || i !== indices[j - 1]);
  return { width, height, indices, decoded, filter: selectionFilterGraph(decoded, probe, width, height, fit) };
}

export function checkedFit(fit: FrameRequest['fit']): 'crop' | 'pad' {
  const value = fit ?? 'crop';
  if (value !== 'crop' && value !== 'pad')
    throw new Error(`decodeVideoFrames(): fit must be 'crop' or 'pad', got '${String(value)}'`);
  return value;
}

/** `size` checked, or the source's size when not given. */
export function outputSize(
  size: FrameRequest['size'],
  source: { width: number; height: number },
): { width: number; height: number } {
  if (size === undefined) return { width: source.width, height: source.height };
  const { width, height } = typeof size === 'number' ? { width: size, height: size } : size;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 16384)
      throw new Error(
        `decodeVideoFrames(): size ${typeof size === 'number' ? '' : `${name} `}must be a whole number of pixels 1-16384, got ${value}`,
      );
  }
  return { width, height };
}
