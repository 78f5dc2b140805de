import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- memory`: peak memory of `npm start`'s job (the sweep of experiments/quickstart.yaml)
 * as a user's first run does it (a fresh results folder and input-set cache, so the inputs are
 * prepared too), once per worker setting (default: the file's own, then 3 fold workers). Fold
 * workers are threads of one process, but the whole process tree is measured, sampled every
 * `intervalMs`: the peak of the tree's summed resident memory (VmRSS), and the sum of each
 * process's own peak (VmHWM, kept by the kernel, so no sample misses it). Linux only (/proc).
 */
export interface MemoryArgs {
  experiment: string;
  /** Fold workers per run; undefined: the file's own setting (`npm start` as it is). */
  workers: (number | undefined)[];
  /** `--set` overrides for every run (e.g. train.epochs=2 for a shorter job). */
  set: string[];
  intervalMs: number;
}

const CLI = fileURLToPath(new URL('../src/cli/motionfuse.js', import.meta.url));

export async function benchMemory(args: MemoryArgs) {
  if (!existsSync('/proc/self/status')) throw new Error('bench memory: needs Linux /proc');
  const runs = [];
  for (const workers of args.workers) runs.push(await measureRun(args, workers));
  return { experiment: args.experiment, set: args.set, runs };
}

async function measureRun(args: MemoryArgs, workers: number | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'mf-bench-memory-'));
  const argv = [CLI, 'sweep', args.experiment, '--results', join(dir, 'results')];
  if (workers !== undefined) argv.push('--workers', String(workers));
  for (const s of args.set) argv.push('--set', s);
  const started = performance.now();
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, MOTIONFUSE_CACHE: join(dir, 'cache') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const hwm = new Map<number, number>();
  let peakTree = 0;
  const sample = () => {
    if (child.pid === undefined) return;
    let tree = 0;
    for (const pid of processTree(child.pid)) {
      const status = readStatus(pid);
      if (status === undefined) continue;
      tree += status.rssKb;
      hwm.set(pid, Math.max(hwm.get(pid) ?? 0, status.hwmKb));
    }
    peakTree = Math.max(peakTree, tree);
  };
  const timer = setInterval(sample, args.intervalMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`bench memory: motionfuse ${argv.slice(1).join(' ')} exited ${code}:\n${stderr}`);
  const mb = (kb: number) => Math.round(kb / 1024);
  return {
    command: `motionfuse ${argv.slice(1, 3).join(' ')}${workers === undefined ? '' : ` --workers ${workers}`}`,
    workers: workers ?? 'file',
    seconds: Number(seconds.toFixed(1)),
    processes: hwm.size,
    peak_tree_rss_mb: mb(peakTree),
    sum_process_peaks_mb: mb([...hwm.values()].reduce((a, b) => a + b, 0)),
  };
}

/** `root` and every process below it (by the parent ids in /proc/<pid>/stat). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The name (field 2) may hold spaces: the parent id is the second field after its ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function readStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return undefined;
  }
}
