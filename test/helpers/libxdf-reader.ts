import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool, whichTool } from '../../src/core/run-tool.ts';

/**
 * libxdf, the C++ XDF reader by the XDF maintainers (Debian: `apt-get install libxdf-dev g++`), as
 * a reference reader for our files: test/helpers/libxdf-dump.cpp loads a file with it and prints
 * what it read as JSON. The program is compiled once per version of its source and of xdf.h, and
 * cached under MOTIONFUSE_CACHE or node_modules/.cache/motionfuse.
 */

/** One stream as libxdf reads it (Xdf::Stream, /usr/include/xdf.h). */
export interface LibxdfStream {
  name: string;
  type: string;
  channel_format: string;
  channel_count: number;
  nominal_srate: number;
  /** desc/channels/channel, each child element's name and text. */
  channels: Record<string, string>[];
  /** From the StreamFooter. */
  sample_count: number;
  /** Recomputed by libxdf from the (synchronised) time stamps. */
  first_timestamp: number | null;
  last_timestamp: number | null;
  /** Numeric streams: the time stamps with the clock offsets already added (Xdf::syncTimeStamps). */
  time_stamps: number[];
  /** Numeric streams: [channel][sample], as float (libxdf keeps every format in floats). */
  time_series: number[][];
  clock_times: number[];
  clock_values: number[];
  /** String streams: each sample's text and (synchronised) time stamp (Xdf::eventMap). */
  events: { text: string; time: number }[];
}

export interface LibxdfFile {
  version: number;
  /** What load_xdf printed while loading. */
  log: string;
  streams: LibxdfStream[];
}

export interface LibxdfReader {
  /** The program's path. */
  path: string;
  read(xdfPath: string): Promise<LibxdfFile>;
}

const SOURCE = fileURLToPath(new URL('./libxdf-dump.cpp', import.meta.url));
const HEADER_DIRS = ['/usr/include', '/usr/local/include'];

/** The compiled reader, or why there is none (no C++ compiler or no libxdf headers): the tests then skip, saying so. */
export async function libxdfReader(): Promise<LibxdfReader | { missing: string }> {
  const cxx =
    process.env['CXX'] !== undefined && process.env['CXX'] !== '' ? process.env['CXX'] : await whichTool('g++');
  if (cxx === undefined) return { missing: 'no C++ compiler (apt-get install g++)' };
  const header = HEADER_DIRS.map((d) => join(d, 'xdf.h')).find((p) => existsSync(p));
  if (header === undefined)
    return { missing: `libxdf is not installed: no xdf.h in ${HEADER_DIRS.join(' or ')} (apt-get install libxdf-dev)` };
  const hash = createHash('sha256')
    .update(await readFile(SOURCE))
    .update(await readFile(header))
    .digest('hex')
    .slice(0, 16);
  const cache = resolve(process.env['MOTIONFUSE_CACHE'] ?? join('node_modules', '.cache', 'motionfuse'), 'libxdf-dump');
  const path = join(cache, `libxdf-dump-${hash}`);
  if (!existsSync(path)) {
    await mkdir(cache, { recursive: true });
    // Built beside its final name and renamed, so that parallel test files never run half a binary.
    const partial = `${path}.${process.pid}.tmp`;
    try {
      await runTool(cxx, ['-std=c++17', '-O1', '-o', partial, SOURCE, '-lxdf'], { timeoutMs: 120_000 });
      await rename(partial, path);
    } finally {
      await rm(partial, { force: true });
    }
  }
  return {
    path,
    async read(xdfPath: string): Promise<LibxdfFile> {
      const { stdout } = await runTool(path, [xdfPath], { timeoutMs: 30_000 });
      return JSON.parse(stdout) as LibxdfFile;
    },
  };
}
