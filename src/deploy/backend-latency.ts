import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Latency } from './measure-latency.ts';

/** The Node backends latency is measured on; each runs in its own process. */
export const NODE_LATENCY_BACKENDS = [
  { name: 'wasm+native', backend: 'wasm', env: {} },
  { name: 'wasm', backend: 'wasm', env: { MOTIONFUSE_NATIVE: 'off' } },
  { name: 'cpu', backend: 'cpu', env: {} },
] as const;

export interface BackendLatency {
  backend: string;
  /** What the backend said it is (SIMD, threads, the native kernels), or why it did not run. */
  detail: string;
  ok: boolean;
  /** By model folder. */
  results: Record<string, Latency>;
}

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Batch-1 latency of each model folder on each Node backend, one child process per backend (a
 * process has one tfjs backend, and whether the native kernels load is decided as it starts). A
 * backend that fails is reported with its error, not thrown.
 */
export async function nodeBackendLatency(dirs: readonly string[], runs: number): Promise<BackendLatency[]> {
  const out: BackendLatency[] = [];
  for (const b of NODE_LATENCY_BACKENDS) {
    const request = JSON.stringify({ backend: b.backend, dirs, runs });
    const { code, stdout, stderr } = await runChild(
      ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'deploy', 'latency-child.ts'), request],
      { ...process.env, ...b.env, MOTIONFUSE_BACKEND: '' },
    );
    const line = stdout.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{')) {
      out.push({ backend: b.name, ok: false, detail: lastLine(stderr) || `exit ${code}`, results: {} });
      continue;
    }
    const parsed = JSON.parse(line) as { detail?: string; results: Record<string, Latency> };
    out.push({ backend: b.name, ok: true, detail: parsed.detail ?? '', results: parsed.results });
  }
  return out;
}

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
