import { createRequire } from 'node:module';
import { access, constants } from 'node:fs/promises';
import { UserError } from '../core/errors.ts';
import { runTool, whichTool } from '../core/run-tool.ts';

export interface FfmpegBinary {
  path: string;
  /** Where it came from: 'MOTIONFUSE_FFMPEG', '@ffmpeg-installer/ffmpeg' or 'PATH'. */
  source: string;
  /** First line of `ffmpeg -version`. */
  version: string;
}

/**
 * Finds the ffmpeg to use: MOTIONFUSE_FFMPEG if set (a user's own build), else the static binary
 * that the `@ffmpeg-installer/ffmpeg` dependency ships for this platform, else `ffmpeg` on PATH.
 * The binary is run once (`-version`) to prove it executes.
 */
export async function locateFfmpeg(): Promise<FfmpegBinary> {
  const tried: string[] = [];
  const fromEnv = process.env['MOTIONFUSE_FFMPEG'];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { path: fromEnv, source: 'MOTIONFUSE_FFMPEG', version: await ffmpegVersion(fromEnv, 'MOTIONFUSE_FFMPEG') };
  }
  const shipped = shippedFfmpegPath();
  if (shipped.path !== undefined) {
    try {
      await access(shipped.path, constants.X_OK);
      return {
        path: shipped.path,
        source: '@ffmpeg-installer/ffmpeg',
        version: await ffmpegVersion(shipped.path, '@ffmpeg-installer/ffmpeg'),
      };
    } catch (err) {
      tried.push(`@ffmpeg-installer/ffmpeg: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else {
    tried.push(`@ffmpeg-installer/ffmpeg: ${shipped.error}`);
  }
  const onPath = await whichTool('ffmpeg');
  if (onPath !== undefined) return { path: onPath, source: 'PATH', version: await ffmpegVersion(onPath, 'PATH') };
  tried.push('PATH: no ffmpeg');
  throw new UserError(
    `ffmpeg not found (${tried.join('; ')})`,
    'Run `npm install` (it installs @ffmpeg-installer/ffmpeg), or set MOTIONFUSE_FFMPEG to an ffmpeg binary.',
  );
}

function shippedFfmpegPath(): { path?: string; error?: string } {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@ffmpeg-installer/ffmpeg') as { path: string };
    return { path: mod.path };
  } catch (err) {
    // The package throws when no binary exists for this platform.
    return { error: err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err) };
  }
}

async function ffmpegVersion(path: string, source: string): Promise<string> {
  try {
    const { stdout } = await runTool(path, ['-hide_banner', '-version'], { timeoutMs: 10_000 });
    return stdout.split('\n')[0]?.trim() ?? '';
  } catch (err) {
    throw new UserError(
      `ffmpeg from ${source} (${path}) does not run`,
      'Check that the file is an executable ffmpeg for this platform.',
      { cause: err },
    );
  }
}
