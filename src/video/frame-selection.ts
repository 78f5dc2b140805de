/**
 * Which frames of a clip a decode takes: every frame, every n-th, a list, or a count spread
 * evenly. Pure arithmetic on frame indices, checked against the clip's frame count.
 */
export type FrameSelection =
  /** Every frame. */
  | 'all'
  /** Frames 0, n, 2n, ... */
  | { every: number }
  /** These frames, in non-decreasing order; a repeated index yields the frame again (a copy). */
  | { indices: readonly number[] }
  /** `count` frames evenly spread: frame floor((j + 0.5) N / count) for j = 0..count-1 (repeats when count > N). */
  | { count: number };

/** The frame indices `selection` names in a clip of `frameCount` frames (checked; errors name the argument). */
export function selectedFrameIndices(frameCount: number, selection: FrameSelection = 'all'): number[] {
  if (selection === 'all') return Array.from({ length: frameCount }, (_, i) => i);
  if (typeof selection === 'object' && selection !== null) {
    if ('every' in selection) {
      const { every } = selection;
      if (!Number.isInteger(every) || every < 1)
        throw new Error(`decodeVideoFrames(): frames.every must be a whole number >= 1, got ${every}`);
      return Array.from({ length: Math.ceil(frameCount / every) }, (_, j) => j * every);
    }
    if ('count' in selection) {
      const { count } = selection;
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`decodeVideoFrames(): frames.count must be a whole number >= 1, got ${count}`);
      return evenlySpacedIndices(frameCount, count);
    }
    if ('indices' in selection) {
      const indices = Array.from(selection.indices);
      indices.forEach((i, j) => {
        if (!Number.isInteger(i) || i < 0 || i >= frameCount)
          throw new Error(
            `decodeVideoFrames(): frames.indices[${j}] = ${i} is not a frame of this ${frameCount}-frame clip`,
          );
        if (j > 0 && i < (indices[j - 1] as number))
          throw new Error(
            `decodeVideoFrames(): frames.indices must not decrease, but [${j}] = ${i} follows ${indices[j - 1]}`,
          );
      });
      return indices;
    }
  }
  throw new Error(
    `decodeVideoFrames(): frames must be 'all', { every }, { indices } or { count }, got ${JSON.stringify(selection)}`,
  );
}

/** `count` indices evenly spread over `frameCount` frames: the middle of each of `count` equal parts. */
export function evenlySpacedIndices(frameCount: number, count: number): number[] {
  return Array.from({ length: count }, (_, j) => Math.floor(((j + 0.5) * frameCount) / count));
}
