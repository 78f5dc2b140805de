import type { Sample } from '../core/sample.ts';

/**
 * The width and height (pixels) of a sample's decoded video: the frame that its pose keypoints are
 * measured in, and that geometric augmentations transform. Undefined when the sample has neither
 * video nor pose. Without video, the pose stream's own `meta.width` and `meta.height` (a synthetic
 * take rendered without frames says them). Errors (naming `fn`): a video still on disk (its frames
 * cannot be transformed), videos of different sizes, or pose keypoints with no frame size at all.
 */
export function sampleFrameSize(sample: Sample, fn: string): { width: number; height: number } | undefined {
  let size: { width: number; height: number } | undefined;
  for (const stream of sample.streams) {
    if (stream.kind !== 'video') continue;
    if (stream.decoded === undefined) {
      throw new Error(
        `${fn}(): sample '${sample.id}' has a video still on disk (${stream.source?.path}); decode its frames before augmenting`,
      );
    }
    const { width, height } = stream.decoded;
    if (size !== undefined && (size.width !== width || size.height !== height)) {
      throw new Error(
        `${fn}(): sample '${sample.id}' has videos of ${size.width}x${size.height} and ${width}x${height}; pose keypoints need one frame size`,
      );
    }
    size = { width, height };
  }
  const pose = sample.streams.find((s) => s.kind === 'pose');
  if (size === undefined && pose !== undefined) {
    const { width, height } = pose.meta;
    if (typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0) return { width, height };
    throw new Error(
      `${fn}(): sample '${sample.id}' has pose keypoints but no decoded video (nor meta.width and meta.height) to give the frame size they are measured in`,
    );
  }
  return size;
}
