/** What the person at the recorder asks for, by key or by line. */
export type RecorderCommand =
  | { kind: 'start'; label: string }
  | { kind: 'stop' }
  | { kind: 'note'; text: string }
  | { kind: 'quit' }
  | { kind: 'invalid'; message: string };

/**
 * A command line read from standard input when it is not a terminal (scripts, tests):
 * `start LABEL`, `stop`, `note TEXT`, `quit`. Blank lines give undefined.
 */
export function parseRecorderLine(line: string): RecorderCommand | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  const space = text.search(/\s/);
  const word = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : text.slice(space).trim();
  switch (word) {
    case 'start':
      return rest === ''
        ? { kind: 'invalid', message: "'start' needs a label: start LABEL" }
        : { kind: 'start', label: rest };
    case 'stop':
      return { kind: 'stop' };
    case 'note':
      return rest === ''
        ? { kind: 'invalid', message: "'note' needs a text: note TEXT" }
        : { kind: 'note', text: rest };
    case 'quit':
    case 'q':
      return { kind: 'quit' };
    default:
      return { kind: 'invalid', message: `unknown command '${word}': use start LABEL, stop, note TEXT or quit` };
  }
}

/**
 * Keys on a terminal in raw mode: 1-9 start a trial with the n-th label, space or s stop it, n
 * begins a note (typed on the status line, Enter records it, Escape drops it), q or Ctrl-C stop
 * the recording.
 */
export class RecorderKeys {
  private readonly labels: readonly string[];
  private noteText: string | undefined;

  constructor(labels: readonly string[]) {
    this.labels = labels;
  }

  /** The note being typed, or undefined when none is. */
  get typing(): string | undefined {
    return this.noteText;
  }

  /** The commands a chunk of key input gives, in order. */
  keys(input: string): RecorderCommand[] {
    const out: RecorderCommand[] = [];
    for (const key of splitKeys(input)) {
      const command = this.key(key);
      if (command !== undefined) out.push(command);
    }
    return out;
  }

  private key(key: string): RecorderCommand | undefined {
    if (key === '\u0003') return { kind: 'quit' };
    if (this.noteText !== undefined) {
      if (key === '\r' || key === '\n') {
        const text = this.noteText.trim();
        this.noteText = undefined;
        return text === '' ? undefined : { kind: 'note', text };
      }
      if (key === '\u001b') this.noteText = undefined;
      else if (key === '\u007f' || key === '\b') this.noteText = this.noteText.slice(0, -1);
      else if (key.length === 1 && key >= ' ') this.noteText += key;
      return undefined;
    }
    if (key >= '1' && key <= '9') {
      const label = this.labels[Number(key) - 1];
      return label !== undefined
        ? { kind: 'start', label }
        : {
            kind: 'invalid',
            message: `no label ${key}: ${this.labels.length === 0 ? 'give labels with --label' : `labels are 1-${this.labels.length}`}`,
          };
    }
    if (key === ' ' || key === 's') return { kind: 'stop' };
    if (key === 'n') {
      this.noteText = '';
      return undefined;
    }
    if (key === 'q') return { kind: 'quit' };
    return undefined;
  }
}

/** Keys in a chunk: escape sequences (arrows: ESC [ A) whole, other characters one by one. */
function splitKeys(input: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const match = input[i] === '\u001b' ? /^\u001b\[[0-9;]*[A-Za-z~]/.exec(input.slice(i)) : null;
    if (match !== null) {
      i += match[0].length - 1;
      continue; // an escape sequence (arrow, function key): no command
    }
    keys.push(input[i] as string);
  }
  return keys;
}
