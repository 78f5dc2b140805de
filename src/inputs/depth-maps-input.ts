import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import type { DecodedFrames, VideoStream } from '../core/stream.ts';
import { depthMotionMaps } from '../video/depth-motion-maps.ts';
import type { InputSpec } from './input-spec.ts';

/**
 * The depth motion maps input of a sample, [size x size x 3] (front, side, top; each 0..1), from
 * its depth video: the video stream an adapter marks with `meta.modality: 'depth'` (UTD-MHAD's
 * Kinect depth, 8-bit grey, 0 = no reading).
 */
export function depthMapsInput(sample: Sample, spec: NonNullable<InputSpec['depthMaps']>): Float32Array {
  return depthMotionMaps(depthVideoOf(sample), spec.size);
}

/** The decoded frames of the sample's depth video; a UserError naming the sample when it has none. */
export function depthVideoOf(sample: Sample): DecodedFrames {
  const stream = sample.streams.find((s): s is VideoStream => s.kind === 'video' && s.meta['modality'] === 'depth');
  if (stream === undefined)
    throw new UserError(
      `sample ${sample.id} has no depth video (a video stream whose meta.modality is 'depth') for its depth motion maps`,
      'Use a data set with depth video (utd-mhad with depth among dataset.modalities), or a model without the depthMaps modality.',
    );
  if (stream.decoded === undefined)
    throw new UserError(
      `sample ${sample.id}: its depth video is not decoded`,
      'Depth motion maps are computed from decoded depth frames; the data set should give them decoded.',
    );
  return stream.decoded;
}
