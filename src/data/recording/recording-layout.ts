/**
 * The project's recording layout: one folder per session or take, the same for the sensor
 * recorder and the synthetic generator, so everything downstream reads one format.
 *
 *   <session>/session.xdf  IMU streams (device clock), pose, the video's frame timestamps and
 *                          ground-truth markers, in XDF (read by pyxdf, MNE, EEGLAB)
 *   <session>/video.mkv    the camera's frames, lossless (FFV1); frame i has the i-th timestamp
 *                          of the XDF stream `video`
 *   <session>/take.json   label, subject, ground truth and metadata that XDF has no place for
 */
export const RECORDING_FORMAT = 'motionfuse-recording/1';

export const RECORDING_FILES = { xdf: 'session.xdf', video: 'video.mkv', take: 'take.json' } as const;

/** XDF stream names and types of the non-IMU streams (IMU streams are named by sensor id). */
export const XDF_STREAMS = {
  video: { name: 'video', type: 'VideoFrames' },
  pose: { name: 'pose', type: 'Pose2D' },
  markers: { name: 'ground-truth', type: 'Markers' },
  imuType: 'IMU',
} as const;

/** The IMU channel labels and units, shared with the session layout. */
export { IMU_CHANNEL_LABELS } from '../../formats/session/session-layout.ts';

/** What take.json holds. */
export interface TakeFile {
  format: typeof RECORDING_FORMAT;
  id: string;
  label: string;
  subject?: string;
  events: { name: string; t?: number; value?: number; unit?: string }[];
  meta: Record<string, unknown>;
  /** Per stream, in the sample's order: its XDF stream name, kind and the stream's own metadata. */
  streams: { xdf: string; kind: 'video' | 'pose' | 'imu'; meta: Record<string, unknown> }[];
  /** Who wrote it (generator name, version, options), where known. */
  provenance?: Record<string, unknown>;
}
