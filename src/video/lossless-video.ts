import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { runToolBinary } from '../core/run-tool.ts';
import { UserError } from '../core/errors.ts';
import type { DecodedFrames } from '../core/stream.ts';

/**
 * Lossless video files for frames we generate or record: FFV1 (the archival codec, intra-only,
 * so any frame decodes alone) in Matroska. Decoding gives back exactly the frames encoded, and
 * with ffmpeg's bit-exact flags and one thread the same frames give the same bytes, so a data
 * set on disk is reproducible file by file.
 */
export const LOSSLESS_VIDEO_CODEC = 'ffv1';

/** Writes `video` to `path` (atomically: a temporary file beside it, renamed when complete). */
export async function writeLosslessVideo(
  ffmpeg: string,
  path: string,
  video: DecodedFrames,
  fps: number,
): Promise<void> {
  const n = video.frames.length / (video.width * video.height * video.channels);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(
      `writeLosslessVideo(): ${video.frames.length} bytes are not whole ${video.width}x${video.height}x${video.channels} frames`,
    );
  if (!(fps > 0)) throw new Error(`writeLosslessVideo(): fps must be > 0, got ${fps}`);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    video.channels === 3 ? 'rgb24' : 'gray',
    '-s',
    `${video.width}x${video.height}`,
    '-r',
    String(fps),
    '-i',
    'pipe:0',
    '-c:v',
    LOSSLESS_VIDEO_CODEC,
    '-level',
    '3',
    '-g',
    '1',
    '-threads',
    '1',
    '-pix_fmt',
    video.channels === 3 ? 'gbrp' : 'gray',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-map_metadata',
    '-1',
    '-f',
    'matroska',
    temporary,
  ];
  try {
    await runToolBinary(ffmpeg, args, { input: video.frames, timeoutMs: 120_000 });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/**
 * Decodes a whole video to RGB (or grey) frames of a known size (never rescaled: a file of
 * another size fails the whole-frames check). A file ffmpeg cannot read, or
 * one whose size is not a whole number of such frames, is a UserError naming the file.
 */
export async function readVideoFrames(
  ffmpeg: string,
  path: string,
  size: { width: number; height: number; channels: 1 | 3 },
): Promise<DecodedFrames> {
  let bytes: Buffer;
  try {
    ({ stdout: bytes } = await runToolBinary(
      ffmpeg,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-i',
        path,
        '-f',
        'rawvideo',
        '-pix_fmt',
        size.channels === 3 ? 'rgb24' : 'gray',
        'pipe:1',
      ],
      { timeoutMs: 120_000 },
    ));
  } catch (err) {
    throw new UserError(`cannot decode video ${path}`, 'The file is missing or damaged; regenerate or re-record it.', {
      cause: err,
    });
  }
  const frameBytes = size.width * size.height * size.channels;
  if (bytes.length === 0 || bytes.length % frameBytes !== 0) {
    throw new UserError(
      `video ${path} decoded to ${bytes.length} bytes, not whole ${size.width}x${size.height} frames`,
      'The file is damaged or is not the video this recording names.',
    );
  }
  return {
    frames: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    width: size.width,
    height: size.height,
    channels: size.channels,
  };
}
