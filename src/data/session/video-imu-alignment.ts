import { motionEnergy, videoImuOffset } from '../../sync/video-imu-offset.ts';
import { readFrameRange } from './read-frame-range.ts';
import type { SessionData, SessionImu, SessionVideo } from './read-session.ts';

/** The residual offset between a session's camera and one of its IMUs, with how sure it is. */
export interface VideoImuAlignment {
  /** The IMU stream compared with, and where it was worn. */
  sensor: string;
  placement?: string;
  /** Seconds to add to the video's session times to put them on the IMU's (src/sync's convention). */
  offset: number;
  /** 0..1: how sharp and unique the correlation peak is (below ~0.2: do not trust the offset). */
  confidence: number;
  correlation: number;
  /** Seconds of the session compared, from the first frame. */
  seconds: number;
}

export interface AlignVideoOptions {
  /** Seconds from the first frame to compare (default 30: a jump or clap at the start is what makes it sharp). */
  seconds?: number;
  /** Width the frames are decoded at, grey (default 80 px: motion energy needs no detail). */
  width?: number;
}

/**
 * Cross-correlates the camera's frame-difference motion energy with an IMU's acceleration
 * (src/sync/video-imu-offset.ts) over the first seconds of a session. The IMU compared is the
 * pelvis one where there is one: the body's centre moves with the whole picture, while a wrist's
 * or ankle's acceleration matches the frame's motion less well (on the synthetic athletes the
 * pelvis came within a frame, the limbs were off by 0.1-0.4 s). Null when the session has no
 * video or no IMU.
 */
export async function alignVideoToImu(
  session: SessionData,
  ffmpeg: string,
  options: AlignVideoOptions = {},
): Promise<VideoImuAlignment | null> {
  const video = session.streams.find((s): s is SessionVideo => s.kind === 'video');
  const imus = session.streams.filter((s): s is SessionImu => s.kind === 'imu' && s.t.length > 1);
  const imu = imus.find((s) => s.placement === 'pelvis') ?? imus[0];
  if (video === undefined || imu === undefined || video.t.length < 3) return null;
  const seconds = options.seconds ?? 30;
  const start = video.t[0] as number;
  let count = 0;
  while (count < video.t.length && (video.t[count] as number) <= start + seconds) count++;
  const last = video.frame[count - 1] as number;
  const width = options.width ?? 80;
  const height = Math.max(2, 2 * Math.round((width * video.height) / video.width / 2));
  const { frames } = await readFrameRange(ffmpeg, video.file, 0, last, { width, height }, { grey: true, scale: true });
  // Frames the file has beyond what the stamps name are not used; stamps index the file's frames.
  const picked = new Uint8Array(count * width * height);
  for (let i = 0; i < count; i++) {
    const f = video.frame[i] as number;
    picked.set(frames.subarray(f * width * height, (f + 1) * width * height), i * width * height);
  }
  const energy = motionEnergy(picked, count, width, height, 1);
  const acc = new Float32Array(imu.t.length * 3);
  for (let i = 0; i < imu.t.length; i++) for (let c = 0; c < 3; c++) acc[3 * i + c] = imu.data[6 * i + c] as number;
  const result = videoImuOffset({ t: video.t.slice(0, count), energy }, { t: imu.t, acc });
  return {
    sensor: imu.name,
    ...(imu.placement !== undefined ? { placement: imu.placement } : {}),
    offset: result.offset,
    confidence: result.confidence,
    correlation: result.correlation,
    seconds: (video.t[count - 1] as number) - start,
  };
}
