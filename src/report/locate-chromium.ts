import { UserError } from '../core/errors.ts';
import { runTool, whichTool } from '../core/run-tool.ts';

export interface ChromiumBinary {
  path: string;
  version: string;
}

/** Names to look for on PATH, in order: Debian's package first. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/**
 * Finds a Chromium for rendering and checking HTML reports headlessly (driven by playwright-core):
 * MOTIONFUSE_CHROMIUM if set, else the first of CHROMIUM_NAMES on PATH.
 */
export async function locateChromium(): Promise<ChromiumBinary> {
  const fromEnv = process.env['MOTIONFUSE_CHROMIUM'];
  const path = fromEnv !== undefined && fromEnv !== '' ? fromEnv : await firstOnPath();
  if (path === undefined) {
    throw new UserError(
      `no Chromium found on PATH (looked for ${CHROMIUM_NAMES.join(', ')})`,
      'Install it (Debian: `apt-get install chromium`) or set MOTIONFUSE_CHROMIUM to its path.',
    );
  }
  try {
    const { stdout } = await runTool(path, ['--version'], { timeoutMs: 20_000 });
    return { path, version: stdout.trim() };
  } catch (err) {
    throw new UserError(`Chromium at ${path} does not run`, 'Check the installation, or set MOTIONFUSE_CHROMIUM.', {
      cause: err,
    });
  }
}

async function firstOnPath(): Promise<string | undefined> {
  for (const name of CHROMIUM_NAMES) {
    const found = await whichTool(name);
    if (found !== undefined) return found;
  }
  return undefined;
}
