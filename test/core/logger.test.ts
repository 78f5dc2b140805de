import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, getLogLevel, setLogLevel, setLogSink } from '../../src/core/logger.ts';

const Logger = suite('createLogger');
let lines: string[] = [];
let restore: ReturnType<typeof setLogSink>;
let level = getLogLevel();
Logger.before.each(() => {
  lines = [];
  restore = setLogSink((line) => lines.push(line));
  level = getLogLevel();
});
Logger.after.each(() => {
  setLogSink(restore);
  setLogLevel(level);
});

Logger('prefixes level and namespace, and drops lines below the threshold', () => {
  setLogLevel('info');
  const log = createLogger('sync');
  log.debug('hidden');
  log.info('offset 12.5 ms');
  log.warn('drift', { ppm: 40 });
  assert.equal(lines, ['[info] sync: offset 12.5 ms', '[warn] sync: drift {"ppm":40}']);
  setLogLevel('debug');
  log.debug('now shown');
  assert.is(lines.at(-1), '[debug] sync: now shown');
});

Logger('rejects an unknown level, naming the valid ones', () => {
  assert.throws(() => setLogLevel('loud' as never), /must be one of error, warn, info, debug; got 'loud'/);
});

Logger.run();
