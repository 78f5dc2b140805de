/**
 * A lab session's folder, as `motionfuse record` writes it and `motionfuse session`, the session
 * data set and `motionfuse live` read it. One contract for the writer (sensors/recorder) and the
 * readers (src/data/session), kept here because sensors/ may not import src/data.
 *
 *   <session>/session.xdf    one IMU stream per sensor (device clock, with ClockOffset chunks to
 *                            the host clock), the camera's frame timestamps (host clock), the
 *                            markers typed during the session and the sensors' gaps (host clock)
 *   <session>/video.mkv      the camera's frames as ffmpeg wrote them; frame i has the i-th sample
 *                            of the XDF stream `video`
 *   <session>/session.json   what XDF has no place for: subject, sensors and their placements,
 *                            start time, whether the recorder stopped cleanly
 *
 * Clocks. The host clock is `hostNow()` (sensors/imu-packet.ts): seconds, performance.timeOrigin +
 * performance.now(), monotonic within a session. An IMU stream's time stamps are the device's own
 * sample times in seconds; its ClockOffset chunks say host - device at a device time
 * (LSL's convention: collection time on the stream's clock, stream time + offset = host time), so
 * pyxdf's synchronisation and ours both put every stream on the host clock. The other streams are
 * on the host clock already (offset 0, no ClockOffset chunks).
 */
export const SESSION_FORMAT = 'motionfuse-session/1';

export const SESSION_FILES = { xdf: 'session.xdf', video: 'video.mkv', session: 'session.json' } as const;

/** XDF stream names and types. IMU streams are named by their sensor id and have type `IMU`. */
export const SESSION_STREAMS = {
  imuType: 'IMU',
  /** int32 frame index per sample, host time of the frame; desc: file, width, height, source. */
  video: { name: 'video', type: 'VideoFrames' },
  /** One string channel; each sample is a SessionMarker as JSON; host time of the key press. */
  markers: { name: 'markers', type: 'Markers' },
  /** One string channel; each sample is a SessionGapMarker as JSON; host time the gap was noticed. */
  gaps: { name: 'gaps', type: 'Markers' },
} as const;

/** The six IMU channels, in stream order, with their units (XDF desc/channels/channel). */
export const IMU_CHANNEL_LABELS = [
  { label: 'acc_x', unit: 'm/s^2', type: 'Acc' },
  { label: 'acc_y', unit: 'm/s^2', type: 'Acc' },
  { label: 'acc_z', unit: 'm/s^2', type: 'Acc' },
  { label: 'gyro_x', unit: 'rad/s', type: 'Gyro' },
  { label: 'gyro_y', unit: 'rad/s', type: 'Gyro' },
  { label: 'gyro_z', unit: 'rad/s', type: 'Gyro' },
] as const;

/**
 * What the markers stream holds. A labelled trial runs from a `trial-start` to the next
 * `trial-stop` (or the next `trial-start`, or the end of the recording); `note` is free text.
 */
export type SessionMarker =
  { event: 'trial-start'; label: string; subject?: string } | { event: 'trial-stop' } | { event: 'note'; text: string };

/** What the gaps stream holds: a sensor's GapEvent (sensors/imu-packet.ts) as recorded. */
export interface SessionGapMarker {
  sensorId: string;
  reason: 'sequence-jump' | 'disconnect' | 'timeout' | 'clock-reset';
  fromDeviceTime: number;
  toDeviceTime: number;
  samplesLost: number | null;
}

/** What session.json holds. Written atomically when recording starts and again when it stops. */
export interface SessionFile {
  format: typeof SESSION_FORMAT;
  id: string;
  subject?: string;
  /** Wall-clock start, ISO 8601, and the host clock at that moment (to relate the two). */
  startedAt: string;
  startedHostTime: number;
  /** Set when the recorder stopped cleanly (footers written); absent after a crash. */
  stoppedAt?: string;
  sensors: { streamName: string; sensorId: string; spec: string; placement?: string }[];
  video?: { file: string; source: string; streamName: string };
  /** Who wrote it: program, version, command-line options. */
  provenance?: Record<string, unknown>;
}
