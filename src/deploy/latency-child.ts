// Entry of a child process that times exported models on one backend (run by backend-latency.ts):
// a backend is chosen once per process, and the WASM backend with or without the native kernels
// differ by MOTIONFUSE_NATIVE, which is read when the backend loads.
import { selectBackend } from '../backend/select-backend.ts';
import { measureLatency, type Latency } from './measure-latency.ts';

const request = JSON.parse(process.argv[2] ?? '{}') as { backend: 'wasm' | 'cpu'; dirs: string[]; runs: number };
const choice = await selectBackend(request.backend);
const results: Record<string, Latency> = Object.fromEntries(await measureLatency(request.dirs, request.runs));
process.stdout.write(`${JSON.stringify({ backend: choice.name, detail: choice.attempts.at(-1)?.reason, results })}\n`);
