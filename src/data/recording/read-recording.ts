import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { readJsonFile } from '../../core/read-json-file.ts';
import { JOINT_SETS, type JointSet } from '../../core/joint-sets.ts';
import type { Sample } from '../../core/sample.ts';
import { imuStream, poseStream, videoStream, PLACEMENTS, type Placement, type Stream } from '../../core/stream.ts';
import { readXdf, type XdfStream } from '../../formats/xdf/xdf-reader.ts';
import { readVideoFrames } from '../../video/lossless-video.ts';
import { RECORDING_FILES, RECORDING_FORMAT, type TakeFile } from './recording-layout.ts';

export interface ReadRecordingOptions {
  /** Decode the video now (needs `ffmpeg`); otherwise the video stream is a lazy file reference. */
  decodeVideo?: boolean;
  ffmpeg?: string;
}

/**
 * Reads a folder in the recording layout back into a Sample: the streams in the order they were
 * written, with the XDF's timestamps (each on its own clock, as recorded). Problems name the file.
 * XDF warnings (a recording cut by a crash) are kept in `meta.warnings`.
 */
export async function readRecording(dir: string, options: ReadRecordingOptions = {}): Promise<Sample> {
  const takePath = join(dir, RECORDING_FILES.take);
  const take = await readTakeFile(takePath);
  const xdfPath = join(dir, RECORDING_FILES.xdf);
  let xdf;
  try {
    xdf = await readXdf(xdfPath);
  } catch (err) {
    throw new UserError(
      `cannot read ${xdfPath}: ${err instanceof Error ? err.message : String(err)}`,
      'The recording is incomplete or damaged.',
      { cause: err },
    );
  }
  const byName = new Map(xdf.streams.map((s) => [s.info.name, s]));
  const streams: Stream[] = [];
  for (const entry of take.streams) {
    const x = byName.get(entry.xdf);
    if (x === undefined)
      throw new UserError(
        `${xdfPath} has no stream '${entry.xdf}', which ${takePath} lists`,
        'The recording is incomplete or damaged.',
      );
    if (entry.kind === 'imu') streams.push(imuFromXdf(x, entry.meta, xdfPath));
    else if (entry.kind === 'pose') streams.push(poseFromXdf(x, entry.meta, xdfPath));
    else streams.push(await videoFromXdf(x, entry.meta, dir, options));
  }
  const meta = xdf.warnings.length > 0 ? { ...take.meta, warnings: xdf.warnings } : take.meta;
  const sample: Sample = { id: take.id, label: take.label, streams, events: take.events, meta };
  if (take.subject !== undefined) sample.subject = take.subject;
  return sample;
}

async function readTakeFile(path: string): Promise<TakeFile> {
  const parsed = await readJsonFile(path, {
    unreadable: 'Is this a recording folder (session.xdf, take.json)?',
    invalid: 'The recording is damaged.',
  });
  const t = parsed as Partial<TakeFile>;
  if (t.format !== RECORDING_FORMAT)
    throw new UserError(`${path}: format is ${JSON.stringify(t.format)}, expected '${RECORDING_FORMAT}'`);
  for (const field of ['id', 'label'] as const) {
    if (typeof t[field] !== 'string') throw new UserError(`${path}: field '${field}' must be a string`);
  }
  if (!Array.isArray(t.streams)) throw new UserError(`${path}: field 'streams' must be a list`);
  return { events: [], meta: {}, ...t } as TakeFile;
}

function imuFromXdf(x: XdfStream, meta: Record<string, unknown>, file: string): Stream {
  const placement = String(x.info.desc['placement'] ?? '');
  if (!(PLACEMENTS as readonly string[]).includes(placement))
    throw new UserError(
      `${file}: IMU stream '${x.info.name}' has placement '${placement}', not one of ${PLACEMENTS.join(', ')}`,
    );
  if (!(x.values instanceof Float32Array) || x.info.channelCount !== 6)
    throw new UserError(`${file}: IMU stream '${x.info.name}' must be 6 float32 channels`);
  return imuStream({
    rate: x.info.nominalSrate,
    t: x.timestamps,
    data: x.values,
    sensorId: x.info.name,
    placement: placement as Placement,
    meta,
  });
}

function poseFromXdf(x: XdfStream, meta: Record<string, unknown>, file: string): Stream {
  const joints = String(x.info.desc['joints'] ?? '') as JointSet;
  const dims = Number(x.info.desc['dims']);
  const hasScore = String(x.info.desc['score']) === 'true';
  const count = Object.hasOwn(JOINT_SETS, joints) ? JOINT_SETS[joints].names.length : undefined;
  if (count === undefined || (dims !== 2 && dims !== 3) || !(x.values instanceof Float32Array))
    throw new UserError(
      `${file}: pose stream '${x.info.name}' has an unknown layout (joints '${joints}', dims ${dims})`,
    );
  const per = dims + (hasScore ? 1 : 0);
  if (x.info.channelCount !== count * per)
    throw new UserError(
      `${file}: pose stream '${x.info.name}' has ${x.info.channelCount} channels, expected ${count * per}`,
    );
  const n = x.timestamps.length;
  const data = new Float32Array(n * count * dims);
  const score = hasScore ? new Float32Array(n * count) : undefined;
  for (let i = 0; i < n * count; i++) {
    for (let d = 0; d < dims; d++) data[i * dims + d] = x.values[i * per + d] as number;
    if (score !== undefined) score[i] = x.values[i * per + dims] as number;
  }
  return poseStream({
    rate: x.info.nominalSrate,
    t: x.timestamps,
    joints,
    dims,
    data,
    ...(score === undefined ? {} : { score }),
    meta,
  });
}

async function videoFromXdf(
  x: XdfStream,
  meta: Record<string, unknown>,
  dir: string,
  options: ReadRecordingOptions,
): Promise<Stream> {
  const path = join(dir, String(x.info.desc['file'] ?? RECORDING_FILES.video));
  const n = x.timestamps.length;
  if (options.decodeVideo !== true)
    return videoStream({
      rate: x.info.nominalSrate,
      t: x.timestamps,
      source: { path, startFrame: 0, endFrame: n },
      meta,
    });
  if (options.ffmpeg === undefined) throw new Error('readRecording(): decodeVideo needs options.ffmpeg');
  const channels = Number(x.info.desc['colour_channels']) === 1 ? 1 : 3;
  const decoded = await readVideoFrames(options.ffmpeg, path, {
    width: Number(x.info.desc['width']),
    height: Number(x.info.desc['height']),
    channels,
  });
  const frames = decoded.frames.length / (decoded.width * decoded.height * channels);
  if (frames !== n)
    throw new UserError(
      `${path} has ${frames} frames, but the recording's frame timestamps number ${n}`,
      'The video and session.xdf do not belong together, or one is damaged.',
    );
  return videoStream({ rate: x.info.nominalSrate, t: x.timestamps, decoded, meta });
}
