import { availableParallelism, cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../backend/select-backend.ts';
import { runTool } from '../core/run-tool.ts';
import { featureCacheDir } from '../inputs/feature-cache.ts';
import { PACKAGE } from './package-info.ts';

/** The project's git commit (and whether the working tree has changes), where it is a git checkout. */
export async function gitCommit(): Promise<{ commit: string; dirty: boolean } | undefined> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  try {
    const head = await runTool('git', ['-C', root, 'rev-parse', 'HEAD'], { timeoutMs: 10_000 });
    const status = await runTool('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], {
      timeoutMs: 10_000,
    });
    return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
  } catch {
    return undefined;
  }
}

/** What a run records about where it ran: versions, backend, machine, commit. */
export async function runEnvironment(backend: BackendChoice): Promise<Record<string, unknown>> {
  return {
    motionfuse: PACKAGE.version,
    git: (await gitCommit()) ?? null,
    node: process.version,
    tfjs: tf.version.tfjs,
    backend: backend.candidate,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/**
 * Where runs keep their input sets (content-addressed, shared by runs) and the code version in
 * their keys, so that another version of the code prepares its own.
 */
export async function inputSetCache(): Promise<{ cacheDir: string; codeVersion: string }> {
  const git = await gitCommit();
  return {
    cacheDir: resolve(featureCacheDir(), '..', 'input-sets'),
    codeVersion: `${PACKAGE.version}+${git?.commit ?? 'release'}${git?.dirty === true ? '-dirty' : ''}`,
  };
}
