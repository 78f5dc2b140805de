import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { selectBackend } from '../backend/select-backend.ts';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { JUMP_PLACEMENTS, type JumpPlacement, type JumpTrace } from '../biomech/detect-jumps.ts';
import { jumpTraceOf } from '../biomech/jump-trace.ts';
import { errorMessage, UserError } from '../core/errors.ts';
import type { ImuStream, Placement, PoseStream } from '../core/stream.ts';
import { readRecording } from '../data/recording/read-recording.ts';
import { RECORDING_FILES } from '../data/recording/recording-layout.ts';
import { parseImuCsv, type ImuCsvOptions } from '../formats/imu-csv.ts';
import { parseSisfallFile, parseSisfallName } from '../formats/sisfall-file.ts';
import { estimateVideoPoses, loadMoveNetPose, videoPoseStream, type MoveNetPose } from '../pose/movenet-pose.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { probeVideo } from '../video/probe-video.ts';

/**
 * What `motionfuse jumps` reads: a SisFall trial (`D19_SA01_R01.txt`), a CSV export, a recording
 * folder (session.xdf + take.json: one trace per IMU stream), a video clip (keypoints by MoveNet,
 * no IMU: a `ClipJumpSource`), or a folder of any of these, walked in name order. A file that
 * cannot be read is listed with the reason; the others go on.
 */
export interface JumpSource {
  /** The file (and `#sensor` for a recording's stream). */
  file: string;
  placement: JumpPlacement;
  trace: JumpTrace;
  /** Units and where they came from (CSV), the SisFall activity code, ... */
  note?: string;
  /** A recording's keypoints, for joint angles at take-off and landing. */
  pose?: PoseStream;
  /** The IMU's clock minus the pose's (a recording's `clock-offset/<sensor>` event), s. */
  clockOffset?: number;
}

/** A video clip: the athlete's COCO-17 keypoints in every frame (MoveNet Lightning, video pixels). */
export interface ClipJumpSource {
  file: string;
  pose: PoseStream;
  note: string;
}

export const isClipSource = (source: JumpSource | ClipJumpSource): source is ClipJumpSource => !('trace' in source);

/** Files read as video clips. */
export const CLIP_EXTENSIONS = ['.mp4', '.avi', '.mov', '.mkv'];

export interface SourceOptions extends ImuCsvOptions {
  /** Overrides the placement a file states (SisFall: waist; recordings: the stream's). */
  placement?: JumpPlacement;
  /** Backend for the pose model (clips only; default as `selectBackend`). */
  backend?: BackendPreference;
}

/** Where a stream's placement has no jump defaults of its own, the nearest that has. */
const NEAREST: Partial<Record<Placement, JumpPlacement>> = {
  shank: 'ankle',
  foot: 'ankle',
  'upper-arm': 'wrist',
  chest: 'waist',
  back: 'waist',
  head: 'waist',
};

export function jumpPlacementOf(placement: Placement): JumpPlacement {
  return (JUMP_PLACEMENTS as readonly string[]).includes(placement)
    ? (placement as JumpPlacement)
    : (NEAREST[placement] ?? 'waist');
}

export async function readJumpSources(
  path: string,
  options: SourceOptions,
): Promise<{ sources: (JumpSource | ClipJumpSource)[]; skipped: { file: string; reason: string }[] }> {
  const sources: (JumpSource | ClipJumpSource)[] = [];
  const skipped: { file: string; reason: string }[] = [];
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new UserError(
      `cannot read ${path}: ${errorMessage(err)}`,
      'Give a SisFall trial, a CSV export, a recording folder, a video clip or a folder of them.',
    );
  }
  // The pose model loads with the first clip, once.
  let estimator: Promise<MoveNetPose> | undefined;
  const model = () => (estimator ??= selectBackend(options.backend).then(() => loadMoveNetPose()));
  const visit = async (p: string, isDir: boolean): Promise<void> => {
    try {
      if (isDir) {
        const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
        if (entries.some((e) => e.name === RECORDING_FILES.xdf)) {
          sources.push(...(await readRecordingSources(p, options)));
          return;
        }
        for (const e of entries) {
          if (e.isDirectory()) await visit(join(p, e.name), true);
          else if (e.isFile() && ['.txt', '.csv', ...CLIP_EXTENSIONS].includes(extname(e.name).toLowerCase()))
            await visit(join(p, e.name), false);
        }
        return;
      }
      sources.push(
        CLIP_EXTENSIONS.includes(extname(p).toLowerCase())
          ? await readClipSource(p, model)
          : await readFileSource(p, options),
      );
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      skipped.push({ file: p, reason: err.message });
    }
  };
  try {
    await visit(path, info.isDirectory());
  } finally {
    if (estimator !== undefined) (await estimator.catch(() => undefined))?.dispose();
  }
  return { sources, skipped };
}

/** A clip's keypoints in every frame; an unreadable or damaged file is a UserError (skipped in a folder). */
async function readClipSource(file: string, model: () => Promise<MoveNetPose>): Promise<ClipJumpSource> {
  const ffmpeg = await locateFfmpeg();
  const probe = await probeVideo(ffmpeg.path, file);
  const poses = [];
  for await (const pose of estimateVideoPoses(await model(), ffmpeg.path, file, { probe })) poses.push(pose);
  if (poses.length < 4)
    throw new UserError(`${file}: ${poses.length} frame(s), too few for jumps`, 'Give a clip of a few seconds.');
  return {
    file,
    pose: videoPoseStream(poses, probe.fps, { width: probe.width, height: probe.height }),
    note: `video ${probe.width}x${probe.height}, ${Number(probe.fps.toFixed(3))} fps, ${poses.length} frames, MoveNet pose`,
  };
}

async function readFileSource(file: string, options: SourceOptions): Promise<JumpSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${errorMessage(err)}`, 'Check the path and its permissions.');
  }
  if (extname(file).toLowerCase() === '.csv') {
    const csv = parseImuCsv(text, file, options);
    const trace: JumpTrace =
      csv.gyro === undefined ? { t: csv.t, acc: csv.acc } : { t: csv.t, acc: csv.acc, gyro: csv.gyro };
    const units = `acc ${csv.units.acc}, time ${csv.units.time}${csv.units.gyro === undefined ? '' : `, gyro ${csv.units.gyro}`}`;
    return { file, placement: options.placement ?? 'waist', trace, note: units };
  }
  const trial = parseSisfallFile(text, file);
  const name = parseSisfallName(basename(file));
  return {
    file,
    placement: options.placement ?? 'waist',
    trace: { t: trial.t, acc: trial.acc, gyro: trial.gyro },
    note: name === null ? 'SisFall format' : `SisFall ${name.activity}`,
  };
}

async function readRecordingSources(dir: string, options: SourceOptions): Promise<JumpSource[]> {
  const sample = await readRecording(dir);
  const imus = sample.streams.filter((s): s is ImuStream => s.kind === 'imu' && s.t.length > 0);
  if (imus.length === 0) throw new UserError(`${dir}: the recording has no IMU stream`, 'Record with an IMU attached.');
  const pose = sample.streams.find((s): s is PoseStream => s.kind === 'pose' && s.t.length > 1);
  return imus.map((s) => {
    const source: JumpSource = {
      file: `${dir}#${s.sensorId}`,
      placement: options.placement ?? jumpPlacementOf(s.placement),
      trace: jumpTraceOf(s),
      note: `recording, ${s.placement}`,
    };
    if (pose !== undefined) {
      source.pose = pose;
      source.clockOffset =
        sample.events?.find((e) => e.name === `clock-offset/${s.sensorId}` && Number.isFinite(e.value))?.value ?? 0;
    }
    return source;
  });
}
