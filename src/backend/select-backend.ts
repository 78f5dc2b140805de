import * as tf from '@tensorflow/tfjs';
import { BACKEND_PREFERENCES, type BackendPreference } from './backend-preference.ts';
import { UserError, errorMessage } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { registerWasmTrainingKernels } from './wasm-kernels/register.ts';
import { registerReductionGradients } from './reduction-gradients.ts';

/**
 * Chooses the TensorFlow.js backend: the native TensorFlow binding (tfjs-node-gpu, then
 * tfjs-node) when one is installed and loads, else WASM with our training kernels, else the
 * pure-JS CPU backend. MOTIONFUSE_BACKEND or the CLI's --backend names one instead. Every
 * candidate tried is reported with why it was or was not taken.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendAttempt {
  /** 'tfjs-node-gpu', 'tfjs-node', 'wasm' or 'cpu'. */
  candidate: string;
  ok: boolean;
  reason: string;
}

export interface BackendChoice {
  /** The tfjs backend name now active. */
  name: BackendName;
  /** Which package provides it ('tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'). */
  candidate: string;
  /** Why this one: e.g. 'first that loaded' or 'requested by MOTIONFUSE_BACKEND'. */
  reason: string;
  attempts: BackendAttempt[];
}

const log = createLogger('backend');

interface Candidate {
  candidate: string;
  backend: BackendName;
  load(): Promise<string>;
}

const CANDIDATES: readonly Candidate[] = [
  { candidate: 'tfjs-node-gpu', backend: 'tensorflow', load: () => loadNative('@tensorflow/tfjs-node-gpu') },
  { candidate: 'tfjs-node', backend: 'tensorflow', load: () => loadNative('@tensorflow/tfjs-node') },
  { candidate: 'wasm', backend: 'wasm', load: loadWasm },
  { candidate: 'cpu', backend: 'cpu', load: async () => 'pure JavaScript, always available, slowest' },
];

/** Parses a preference from a flag or the environment; unknown names list the valid ones. */
export function parseBackendPreference(value: string, source: string): BackendPreference {
  if ((BACKEND_PREFERENCES as readonly string[]).includes(value)) return value as BackendPreference;
  throw new UserError(`${source}: unknown backend '${value}'`, `Use one of: ${BACKEND_PREFERENCES.join(', ')}.`);
}

/**
 * Activates a backend. `preference` comes from the CLI flag; when it is absent, from
 * MOTIONFUSE_BACKEND; when that is absent too, 'auto'.
 */
export async function selectBackend(preference?: BackendPreference): Promise<BackendChoice> {
  registerReductionGradients();
  let source = '--backend';
  let wanted = preference;
  if (wanted === undefined) {
    const env = process.env['MOTIONFUSE_BACKEND'];
    if (env !== undefined && env !== '') {
      wanted = parseBackendPreference(env, 'MOTIONFUSE_BACKEND');
      source = 'MOTIONFUSE_BACKEND';
    } else {
      wanted = 'auto';
    }
  }
  const pool = wanted === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.backend === wanted);
  const attempts: BackendAttempt[] = [];
  for (const c of pool) {
    const attempt = await tryCandidate(c);
    attempts.push(attempt);
    if (attempt.ok) {
      const reason =
        wanted === 'auto'
          ? attempts.length === 1
            ? 'preferred backend, loaded'
            : `first that loaded (${attempts
                .filter((a) => !a.ok)
                .map((a) => a.candidate)
                .join(', ')} unavailable)`
          : `requested by ${source}=${wanted}`;
      const choice: BackendChoice = { name: c.backend, candidate: c.candidate, reason, attempts };
      log.info(`using ${c.candidate} (${reason})`);
      for (const a of attempts) log.debug(`${a.candidate}: ${a.ok ? 'ok' : 'unavailable'}: ${a.reason}`);
      return choice;
    }
  }
  throw new UserError(
    `no usable TensorFlow.js backend for ${source}=${wanted}: ${attempts.map((a) => `${a.candidate}: ${a.reason}`).join('; ')}`,
    wanted === 'auto'
      ? 'Reinstall with `npm ci`; run `motionfuse doctor` for details.'
      : 'Drop the setting to let motionfuse choose, or run `motionfuse doctor`.',
  );
}

async function tryCandidate(c: Candidate): Promise<BackendAttempt> {
  let detail: string;
  try {
    detail = await c.load();
  } catch (err) {
    return { candidate: c.candidate, ok: false, reason: describeLoadError(err) };
  }
  // tf.setBackend logs and returns false when the backend's factory throws; keep it quiet and report it ourselves.
  let ok: boolean;
  try {
    ok = await tf.setBackend(c.backend);
  } catch (err) {
    return { candidate: c.candidate, ok: false, reason: `failed to initialise: ${errorMessage(err)}` };
  }
  if (!ok || tf.getBackend() !== c.backend) {
    return { candidate: c.candidate, ok: false, reason: 'failed to initialise (tf.setBackend returned false)' };
  }
  return { candidate: c.candidate, ok: true, reason: detail };
}

async function loadNative(pkg: string): Promise<string> {
  await import(pkg);
  if (tf.findBackendFactory('tensorflow') === null) {
    throw new Error(
      `${pkg} loaded but registered its backend with another copy of @tensorflow/tfjs-core; run \`npm dedupe\``,
    );
  }
  return `${pkg} native binding loaded`;
}

async function loadWasm(): Promise<string> {
  await import('@tensorflow/tfjs-backend-wasm');
  const { added, replaced, native } = registerWasmTrainingKernels();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `WebAssembly (SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}), training kernels added by motionfuse: ${added.join(', ')}${replaced.length > 0 ? `; replaced with faster ones: ${replaced.join(', ')}` : ''}; native kernels: ${native.used ? native.reason : `off (${native.reason})`}`;
}

function describeLoadError(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  const message = errorMessage(err);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    const m = /Cannot find (?:package|module) '([^']+)'/.exec(message);
    const what = m?.[1] ?? 'the package';
    if (/tfjs-node/.test(what)) {
      return `not installed (${what.replace(/^.*node_modules\//, '')} is an optional dependency; its install script downloads libtensorflow, which did not complete here)`;
    }
    return `not installed (${what})`;
  }
  if (/libtensorflow|\.so|dlopen|cudart|cudnn/i.test(message))
    return `native library failed to load: ${firstLine(message)}`;
  return firstLine(message);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
