import { UserError } from '../../core/errors.ts';
import { runToolBinary } from '../../core/run-tool.ts';
import type { DecodedFrames } from '../../core/stream.ts';

/**
 * Decodes frames [first, last] (indices in the file, inclusive) of a video to RGB, by ffmpeg's
 * `select` filter on the frame number (not on time: a camera's frame times are in the session's
 * XDF, not in the file), stopping after the last. A file that gives another count is a UserError
 * naming it.
 */
export async function readFrameRange(
  ffmpeg: string,
  path: string,
  first: number,
  last: number,
  size: { width: number; height: number },
  /** grey: one channel; scale: frames scaled to `size` (else `size` must be the file's). */
  options: { grey?: boolean; scale?: boolean } = {},
): Promise<DecodedFrames> {
  const channels = options.grey === true ? 1 : 3;
  const scale = options.scale === true ? `,scale=${size.width}:${size.height}` : '';
  const count = last - first + 1;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || count < 1)
    throw new Error(`readFrameRange(): frames [${first}, ${last}] are not a range of frame indices`);
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
        '-vf',
        `select=between(n\\,${first}\\,${last})${scale}`,
        '-vsync',
        '0',
        '-frames:v',
        String(count),
        '-f',
        'rawvideo',
        '-pix_fmt',
        channels === 3 ? 'rgb24' : 'gray',
        'pipe:1',
      ],
      { timeoutMs: 120_000 },
    ));
  } catch (err) {
    throw new UserError(`cannot decode video ${path}`, 'The file is missing or damaged.', { cause: err });
  }
  const frameBytes = size.width * size.height * channels;
  if (bytes.length !== count * frameBytes)
    throw new UserError(
      `video ${path} gave ${bytes.length / frameBytes} frames of ${size.width}x${size.height} for frames ${first}-${last}, expected ${count}`,
      'The video is shorter than its frame timestamps say (cut by a crash?) or is not the one session.xdf names.',
    );
  return {
    frames: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    width: size.width,
    height: size.height,
    channels,
  };
}
