import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { UserError } from '../../src/core/errors.ts';

/** socat on PATH (or /usr/bin/socat), or undefined when it is not installed. */
export function findSocat(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'socat');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A pseudo-terminal made by socat whose slave side is linked at `link` (what a user opens as a
 * serial port), with socat relaying what we write to its stdin into the pty. Closing it removes
 * the link and hangs the pty up: to the program that has it open, the device was unplugged.
 */
export class SocatPty {
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    readonly link: string,
    private readonly child: ChildProcessByStdio<Writable, null, Readable>,
  ) {
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => (this.exited = true));
    // Writes after socat is gone fail with EPIPE: the device is unplugged, the bytes are lost.
    child.stdin.on('error', () => undefined);
  }

  /** Starts socat and resolves once the link exists. */
  static async open(link: string, socat = findSocat()): Promise<SocatPty> {
    if (socat === undefined) {
      throw new UserError(
        'socat is not installed',
        'install it (e.g. sudo apt-get install socat) to simulate a serial device',
      );
    }
    removeStale(link);
    // socat makes the link but not its folder.
    mkdirSync(dirname(link), { recursive: true });
    // -d -d: socat says when its setup is done. The link appears before socat has put the pty in
    // raw mode; a reader that opened it then would get its settings overwritten (canonical mode
    // holds binary data back), so wait for "starting data transfer loop".
    const child = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${link}`, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 10_000) stderr += d.toString();
    });
    const pty = new SocatPty(link, child);
    const started = Date.now();
    while (!linkExists(link) || !stderr.includes('starting data transfer loop')) {
      if (pty.exited || Date.now() - started > 5000) {
        child.kill();
        throw new Error(`socat did not create the pty link ${link}: ${stderr.trim() || 'no output'}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return pty;
  }

  get closed(): boolean {
    return this.exited;
  }

  /** Writes bytes; resolves when node's buffer has room again (back-pressure from the reader). */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.exited || bytes.length === 0) return;
    if (!this.child.stdin.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.child.stdin.off('drain', done);
          this.child.off('exit', done);
          resolve();
        };
        this.child.stdin.once('drain', done);
        this.child.once('exit', done);
      });
    }
  }

  /**
   * Stops socat (the link disappears); resolves once it has exited. `drain`: first let socat pass
   * on what it was given (it exits half a second after its input ends), as at the end of a
   * stream; otherwise it stops at once, as a cable pulled.
   */
  async close(drain = false): Promise<void> {
    if (!this.exited && drain) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGTERM'), 3000);
      await this.exit;
      clearTimeout(timer);
    }
    if (!this.exited) this.child.kill('SIGTERM');
    await this.exit;
  }
}

function linkExists(link: string): boolean {
  try {
    lstatSync(link);
    return true;
  } catch {
    return false;
  }
}

/** A link left by a socat that was killed hard would make the new one fail. */
function removeStale(link: string): void {
  if (linkExists(link)) unlinkSync(link);
}
