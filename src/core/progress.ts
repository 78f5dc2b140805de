import cliProgress from 'cli-progress';
import { setLogSink, type LogSink } from './logger.ts';

/**
 * Progress for long work (training epochs, sweeps, decoding). On a terminal it is a live bar
 * (cli-progress) with rate and ETA, and log lines printed meanwhile go above it instead of
 * through it. Elsewhere (CI, a pipe, a log file) it prints a plain line at most every
 * `intervalMs`, and always at the end, so logs stay readable.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  /** What is counted: 'samples', 'epochs', 'folds' ... */
  unit?: string;
  /** Where to draw; default process.stderr. A stream without `isTTY` gets plain lines. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain-line mode: least time between lines (default 10 s). */
  intervalMs?: number;
  /** MOTIONFUSE_PROGRESS=off silences progress output entirely; this option overrides it. */
  enabled?: boolean;
}

export interface Progress {
  /** Advances by `n` (default 1); `status` is a short note shown beside the bar (e.g. 'loss 0.42'). */
  tick(n?: number, status?: string): void;
  /** Sets the absolute position. */
  update(value: number, status?: string): void;
  /** Changes the total (e.g. when early stopping ends training sooner). */
  setTotal(total: number): void;
  /** Ends the display; prints a final line in plain mode. Safe to call twice. */
  stop(): void;
  readonly value: number;
}

export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? process.env['MOTIONFUSE_PROGRESS'] !== 'off';
  if (!Number.isFinite(options.total) || options.total < 0) {
    throw new Error(`startProgress(): total must be a finite number >= 0, got ${options.total}`);
  }
  if (!enabled) return countingOnly(options.total);
  return stream.isTTY ? terminalBar(options, stream) : plainLines(options, stream);
}

function countingOnly(initialTotal: number): Progress {
  let value = 0;
  let total = initialTotal;
  return {
    tick: (n = 1) => {
      value = Math.min(total, value + n);
    },
    update: (v) => {
      value = v;
    },
    setTotal: (t) => {
      total = t;
    },
    stop: () => {},
    get value() {
      return value;
    },
  };
}

function terminalBar(options: ProgressOptions, stream: NodeJS.WritableStream): Progress {
  const unit = options.unit ?? '';
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WriteStream,
      // Our own ETA: cli-progress's reads 'LLs' (its NULL, cut) until it has a rate.
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {remaining} | {status}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let value = 0;
  let total = options.total;
  const bar = multi.create(options.total, 0, { status: '', rate: '0', remaining: '-' });
  // MultiBar.log only buffers until the next redraw, and stop() drops the buffer: redraw at once.
  const previousSink: LogSink = setLogSink((line) => {
    multi.log(`${line}\n`);
    multi.update();
  });
  let stopped = false;
  const payload = (status?: string) => {
    const rate = value / Math.max(1e-9, (performance.now() - started) / 1000);
    return {
      status: status ?? '',
      rate: rate.toFixed(1),
      remaining: value > 0 && total > value ? formatSeconds((total - value) / rate) : value >= total ? '0s' : '-',
    };
  };
  return {
    tick(n = 1, status) {
      value += n;
      bar.update(value, payload(status));
    },
    update(v, status) {
      value = v;
      bar.update(value, payload(status));
    },
    setTotal(t) {
      total = t;
      bar.setTotal(t);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.update();
      multi.stop();
      setLogSink(previousSink);
    },
    get value() {
      return value;
    },
  };
}

function plainLines(options: ProgressOptions, stream: NodeJS.WritableStream): Progress {
  const unit = options.unit ? ` ${options.unit}` : '';
  const interval = options.intervalMs ?? 10_000;
  const started = performance.now();
  let total = options.total;
  let value = 0;
  let lastPrint = -Infinity;
  let lastStatus = '';
  let stopped = false;
  const line = (final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const pct = total > 0 ? Math.round((100 * value) / total) : 100;
    const rate = value / Math.max(seconds, 1e-9);
    const eta = !final && rate > 0 && total > value ? ` eta ${formatSeconds((total - value) / rate)}` : '';
    const status = lastStatus ? ` | ${lastStatus}` : '';
    stream.write(
      `${options.label}: ${value}/${total}${unit} (${pct}%) ${formatSeconds(seconds)}${eta}${status}${final ? ' done' : ''}\n`,
    );
  };
  const maybePrint = () => {
    const now = performance.now();
    if (now - lastPrint >= interval) {
      lastPrint = now;
      line(false);
    }
  };
  return {
    tick(n = 1, status) {
      value += n;
      if (status !== undefined) lastStatus = status;
      maybePrint();
    },
    update(v, status) {
      value = v;
      if (status !== undefined) lastStatus = status;
      maybePrint();
    },
    setTotal(t) {
      total = t;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      line(true);
    },
    get value() {
      return value;
    },
  };
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
