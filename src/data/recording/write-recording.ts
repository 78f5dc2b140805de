import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/atomic-file.ts';
import type { Sample } from '../../core/sample.ts';
import type { ImuStream, PoseStream, VideoStream } from '../../core/stream.ts';
import { writeXdfFile, type XdfStreamData } from '../../formats/xdf/encode-xdf.ts';
import { LOSSLESS_VIDEO_CODEC, writeLosslessVideo } from '../../video/lossless-video.ts';
import {
  IMU_CHANNEL_LABELS,
  RECORDING_FILES,
  RECORDING_FORMAT,
  XDF_STREAMS,
  type TakeFile,
} from './recording-layout.ts';

export interface WriteRecordingOptions {
  /** ffmpeg binary (locateFfmpeg); needed when the sample has decoded video. */
  ffmpeg?: string;
  provenance?: Record<string, unknown>;
}

/**
 * Writes a sample in the recording layout (recording-layout.ts) to folder `dir`, which must not
 * exist. Everything is written into `<dir>.partial` first and renamed into place at the end, so
 * `dir` exists only when complete: an interrupted run leaves no half take that looks whole, and a
 * failed write removes what it wrote.
 */
export async function writeRecording(dir: string, sample: Sample, options: WriteRecordingOptions = {}): Promise<void> {
  if (await exists(dir)) throw new Error(`writeRecording(): ${dir} already exists`);
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    const videos = sample.streams.filter((s): s is VideoStream => s.kind === 'video');
    if (videos.length > 1)
      throw new Error(`writeRecording(): sample ${sample.id} has ${videos.length} video streams; the layout holds one`);
    const xdf: XdfStreamData[] = [];
    const streams: TakeFile['streams'] = [];
    for (const stream of sample.streams) {
      if (stream.kind === 'video') {
        xdf.push(await writeVideo(partial, stream, options.ffmpeg));
        streams.push({ xdf: XDF_STREAMS.video.name, kind: 'video', meta: stream.meta });
      } else if (stream.kind === 'pose') {
        xdf.push(poseXdf(stream));
        streams.push({ xdf: XDF_STREAMS.pose.name, kind: 'pose', meta: stream.meta });
      } else {
        xdf.push(imuXdf(stream));
        streams.push({ xdf: stream.sensorId, kind: 'imu', meta: stream.meta });
      }
    }
    const timed = (sample.events ?? []).filter((e) => e.t !== undefined);
    if (timed.length > 0) xdf.push(markersXdf(timed));
    // Streams are found again by name: two of one name could not be told apart.
    const names = xdf.map((x) => x.info.name);
    const clash = names.find((n, i) => names.indexOf(n) !== i);
    if (clash !== undefined)
      throw new Error(
        `writeRecording(): sample ${sample.id} has two streams named '${clash}' (IMU streams are named by sensorId)`,
      );
    await writeXdfFile(join(partial, RECORDING_FILES.xdf), xdf);
    const take: TakeFile = {
      format: RECORDING_FORMAT,
      id: sample.id,
      label: sample.label,
      events: sample.events ?? [],
      meta: sample.meta,
      streams,
    };
    if (sample.subject !== undefined) take.subject = sample.subject;
    if (options.provenance !== undefined) take.provenance = options.provenance;
    await writeJsonAtomic(join(partial, RECORDING_FILES.take), take);
    await rename(partial, dir);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

async function writeVideo(dir: string, stream: VideoStream, ffmpeg: string | undefined): Promise<XdfStreamData> {
  if (stream.decoded === undefined)
    throw new Error('writeRecording(): only decoded video can be written (this stream is a lazy file reference)');
  if (ffmpeg === undefined) throw new Error('writeRecording(): the sample has video; pass options.ffmpeg');
  const { width, height, channels } = stream.decoded;
  await writeLosslessVideo(ffmpeg, join(dir, RECORDING_FILES.video), stream.decoded, stream.rate);
  return {
    info: {
      name: XDF_STREAMS.video.name,
      type: XDF_STREAMS.video.type,
      channelCount: 1,
      nominalSrate: stream.rate,
      channelFormat: 'int32',
      desc: {
        file: RECORDING_FILES.video,
        codec: LOSSLESS_VIDEO_CODEC,
        width,
        height,
        colour_channels: channels,
        channels: { channel: [{ label: 'frame', unit: 'index' }] },
      },
    },
    timestamps: stream.t,
    values: Int32Array.from({ length: stream.t.length }, (_, i) => i),
  };
}

/** Pose as one sample per frame: x, y (, z) and the score of each joint in turn. */
function poseXdf(stream: PoseStream): XdfStreamData {
  const n = stream.t.length;
  const joints = stream.data.length / Math.max(1, n * stream.dims);
  const per = stream.dims + (stream.score === undefined ? 0 : 1);
  const values = new Float32Array(n * joints * per);
  for (let f = 0; f < n; f++) {
    for (let j = 0; j < joints; j++) {
      const o = (f * joints + j) * per;
      for (let d = 0; d < stream.dims; d++) values[o + d] = stream.data[(f * joints + j) * stream.dims + d] as number;
      if (stream.score !== undefined) values[o + stream.dims] = stream.score[f * joints + j] as number;
    }
  }
  const axes = ['x', 'y', 'z'].slice(0, stream.dims);
  const channel = Array.from({ length: joints }, (_, j) => [
    ...axes.map((a) => ({ label: `j${j}_${a}`, unit: 'pixels' })),
    ...(stream.score === undefined ? [] : [{ label: `j${j}_score`, unit: 'probability' }]),
  ]).flat();
  return {
    info: {
      name: XDF_STREAMS.pose.name,
      type: stream.dims === 2 ? XDF_STREAMS.pose.type : 'Pose3D',
      channelCount: joints * per,
      nominalSrate: stream.rate,
      channelFormat: 'float32',
      desc: { joints: stream.joints, dims: stream.dims, score: stream.score !== undefined, channels: { channel } },
    },
    timestamps: stream.t,
    values,
  };
}

function imuXdf(stream: ImuStream): XdfStreamData {
  return {
    info: {
      name: stream.sensorId,
      type: XDF_STREAMS.imuType,
      channelCount: 6,
      nominalSrate: stream.rate,
      channelFormat: 'float32',
      sourceId: stream.sensorId,
      desc: {
        placement: stream.placement,
        clock: typeof stream.meta['clock'] === 'string' ? stream.meta['clock'] : 'session',
        channels: { channel: IMU_CHANNEL_LABELS.map((c) => ({ ...c })) },
      },
    },
    timestamps: stream.t,
    values: stream.data,
  };
}

/** Timed ground truth as markers: the event's name, then its value and unit where it has one. */
function markersXdf(events: NonNullable<Sample['events']>): XdfStreamData {
  const sorted = [...events].sort((a, b) => (a.t as number) - (b.t as number));
  return {
    info: {
      name: XDF_STREAMS.markers.name,
      type: XDF_STREAMS.markers.type,
      channelCount: 1,
      nominalSrate: 0,
      channelFormat: 'string',
    },
    timestamps: Float64Array.from(sorted, (e) => e.t as number),
    values: sorted.map((e) =>
      e.value === undefined ? e.name : `${e.name} ${e.value}${e.unit === undefined ? '' : ` ${e.unit}`}`,
    ),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
