import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRecorderLine, RecorderKeys } from '../../../sensors/recorder/recorder-commands.ts';

const Lines = suite('parseRecorderLine');

Lines('reads start LABEL, stop, note TEXT, quit; blank lines are nothing', () => {
  assert.equal(parseRecorderLine('start counter movement jump'), { kind: 'start', label: 'counter movement jump' });
  assert.equal(parseRecorderLine('  STOP '), { kind: 'stop' });
  assert.equal(parseRecorderLine('note  fell  over'), { kind: 'note', text: 'fell  over' });
  assert.equal(parseRecorderLine('quit'), { kind: 'quit' });
  assert.is(parseRecorderLine('   '), undefined);
});

Lines('an unknown word or a missing argument says what to write', () => {
  assert.equal(parseRecorderLine('start'), { kind: 'invalid', message: "'start' needs a label: start LABEL" });
  const bad = parseRecorderLine('begin jump');
  assert.is(bad?.kind, 'invalid');
  assert.match(
    (bad as { message: string }).message,
    /unknown command 'begin': use start LABEL, stop, note TEXT or quit/,
  );
});

const Keys = suite('RecorderKeys');

Keys('1-9 start the n-th label, space and s stop, q and Ctrl-C quit', () => {
  const k = new RecorderKeys(['jump', 'sprint']);
  assert.equal(k.keys('2 1s'), [
    { kind: 'start', label: 'sprint' },
    { kind: 'stop' },
    { kind: 'start', label: 'jump' },
    { kind: 'stop' },
  ]);
  assert.equal(k.keys('q'), [{ kind: 'quit' }]);
  assert.equal(k.keys('\u0003'), [{ kind: 'quit' }]);
  assert.equal(k.keys('3'), [{ kind: 'invalid', message: 'no label 3: labels are 1-2' }]);
});

Keys('n types a note: letters (q and digits too) until Enter, backspace edits, Escape drops it', () => {
  const k = new RecorderKeys(['jump']);
  assert.equal(k.keys('nq1 ok'), []);
  assert.is(k.typing, 'q1 ok');
  assert.equal(k.keys('\u007f\u007fk!\r'), [{ kind: 'note', text: 'q1 k!' }]);
  assert.is(k.typing, undefined);
  assert.equal(k.keys('nabc\u001b1'), [{ kind: 'start', label: 'jump' }]);
});

Keys('arrow keys do nothing', () => {
  assert.equal(new RecorderKeys(['jump']).keys('\u001b[A\u001b[B'), []);
});

Lines.run();
Keys.run();
