/**
 * Namespaced logging to stderr. The level comes from MOTIONFUSE_LOG (error | warn | info | debug;
 * default info) or `setLogLevel`. Lines go through one sink so that a progress bar on the same
 * terminal can clear itself before a line is printed and redraw after (see progress.ts).
 *
 * Our own ~60 lines rather than a library: we need levels, namespaces and a replaceable sink that
 * cooperates with the progress bar; `debug` has no levels and pino's async transport would
 * interleave with the bar.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export interface Logger {
  readonly namespace: string;
  error(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  info(message: string, details?: unknown): void;
  debug(message: string, details?: unknown): void;
}

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stderr.write(`${line}\n`);
let threshold: number = initialThreshold();

/** MOTIONFUSE_LOG sets the starting level; a value we do not know is reported once, not fatal. */
function initialThreshold(): number {
  const fromEnv = process.env['MOTIONFUSE_LOG'];
  if (fromEnv === undefined || fromEnv === '') return LEVELS.indexOf('info');
  if ((LEVELS as readonly string[]).includes(fromEnv)) return LEVELS.indexOf(fromEnv as LogLevel);
  sink(`[warn] logger: MOTIONFUSE_LOG='${fromEnv}' is not one of ${LEVELS.join(', ')}; using info`);
  return LEVELS.indexOf('info');
}

function levelIndex(name: string): number {
  const i = LEVELS.indexOf(name as LogLevel);
  if (i < 0) {
    throw new Error(`MOTIONFUSE_LOG must be one of ${LEVELS.join(', ')}; got '${name}'`);
  }
  return i;
}

export function setLogLevel(level: LogLevel): void {
  threshold = levelIndex(level);
}

export function getLogLevel(): LogLevel {
  return LEVELS[threshold] as LogLevel;
}

/** Replaces where log lines go; returns the previous sink so the caller can restore it. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function createLogger(namespace: string): Logger {
  const emit = (level: LogLevel, message: string, details?: unknown): void => {
    if (LEVELS.indexOf(level) > threshold) return;
    const tail = details === undefined ? '' : ` ${formatDetails(details)}`;
    sink(`[${level}] ${namespace}: ${message}${tail}`);
  };
  return {
    namespace,
    error: (m, d) => emit('error', m, d),
    warn: (m, d) => emit('warn', m, d),
    info: (m, d) => emit('info', m, d),
    debug: (m, d) => emit('debug', m, d),
  };
}

function formatDetails(details: unknown): string {
  if (details instanceof Error) return details.stack ?? details.message;
  if (typeof details === 'string') return details;
  try {
    return JSON.stringify(details);
  } catch {
    return String(details);
  }
}
