import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { startProgress } from '../../src/core/progress.ts';
import { createLogger, getLogLevel, setLogLevel, setLogSink } from '../../src/core/logger.ts';

function sink(tty: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = 120;
    Object.assign(stream, { cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  }
  return { stream, text: () => chunks.join('') };
}

const Progress = suite('startProgress');

Progress('off a terminal, prints plain lines with counts and a final done line', () => {
  const out = sink(false);
  const p = startProgress({
    label: 'train',
    total: 4,
    unit: 'epochs',
    stream: out.stream,
    intervalMs: 0,
    enabled: true,
  });
  p.tick(1, 'loss 1.20');
  p.tick(2, 'loss 0.80');
  p.stop();
  p.stop();
  const lines = out.text().trim().split('\n');
  assert.is(lines.length, 3);
  assert.match(lines[0] as string, /^train: 1\/4 epochs \(25%\) .* \| loss 1.20$/);
  assert.match(lines[1] as string, /^train: 3\/4 epochs \(75%\) .*eta .* \| loss 0.80$/);
  assert.match(lines[2] as string, /^train: 3\/4 epochs \(75%\) .* done$/);
  assert.is(p.value, 3);
});

Progress('throttles plain lines to the interval', () => {
  const out = sink(false);
  const p = startProgress({ label: 'decode', total: 1000, stream: out.stream, intervalMs: 60_000, enabled: true });
  for (let i = 0; i < 1000; i++) p.tick();
  p.stop();
  assert.is(out.text().trim().split('\n').length, 2); // the first tick and the final line
});

Progress('on a terminal, the ETA reads - until a step is done', () => {
  const out = sink(true);
  const p = startProgress({ label: 'run', total: 3, unit: 'folds', stream: out.stream, enabled: true });
  p.update(0, 'epoch 1');
  p.stop();
  assert.match(out.text(), /0\/3 folds .*\| ETA - \| epoch 1/);
});

Progress('on a terminal, draws a bar, prints log lines above it, and gives the log back on stop', () => {
  const out = sink(true);
  const captured: string[] = [];
  const original = setLogSink((l) => captured.push(l));
  // Another test file in this process may have left a quieter level.
  const level = getLogLevel();
  setLogLevel('info');
  try {
    const p = startProgress({ label: 'sweep', total: 10, unit: 'trials', stream: out.stream, enabled: true });
    p.tick(5);
    createLogger('sweep').warn('trial 3 diverged');
    p.stop();
    const text = out.text();
    assert.match(text, /sweep \[/);
    assert.match(text, /5\/10 trials .*\| ETA \d+(\.\d)?s \|/, 'the ETA from the rate so far');
    assert.match(text, /\[warn\] sweep: trial 3 diverged/);
    assert.equal(captured, [], 'while the bar runs, log lines go through the bar');
    createLogger('sweep').info('after the bar');
    assert.equal(captured, ['[info] sweep: after the bar']);
    assert.not.match(out.text(), /after the bar/);
  } finally {
    setLogSink(original);
    setLogLevel(level);
  }
});

Progress('disabled, prints nothing but still counts', () => {
  const out = sink(false);
  const p = startProgress({ label: 'x', total: 3, stream: out.stream, enabled: false });
  p.tick(2);
  p.stop();
  assert.is(out.text(), '');
  assert.is(p.value, 2);
});

Progress('rejects a bad total', () => {
  assert.throws(
    () => startProgress({ label: 'x', total: Number.NaN, enabled: false }),
    /total must be a finite number >= 0, got NaN/,
  );
});

Progress.run();
