import type { Sample } from '../core/sample.ts';
import type { ImuStream, PoseStream, Stream, VideoStream } from '../core/stream.ts';

/** One function per stream kind; a kind left out passes through as it is. */
export interface StreamMappers {
  video?: (stream: VideoStream) => VideoStream;
  pose?: (stream: PoseStream) => PoseStream;
  imu?: (stream: ImuStream) => ImuStream;
}

/**
 * A new Sample whose streams are mapped by kind. Streams (and sample fields) an augmentation does
 * not change are shared with the input, not copied: augmentations never write into their input,
 * so sharing is safe and spares copying megabytes of frames for an IMU-only change.
 */
export function mapStreams(sample: Sample, mappers: StreamMappers): Sample {
  const streams = sample.streams.map((stream): Stream => {
    if (stream.kind === 'video') return mappers.video ? mappers.video(stream) : stream;
    if (stream.kind === 'pose') return mappers.pose ? mappers.pose(stream) : stream;
    return mappers.imu ? mappers.imu(stream) : stream;
  });
  return { ...sample, streams };
}
