import { SerialPort } from 'serialport';
import { errorMessage } from '../../src/core/errors.ts';
import { CsvLineParser } from '../framed/csv-line-parser.ts';
import { FrameParser } from '../framed/frame-parser.ts';

/** What a port seems to speak: our framed protocol, CSV sample lines, nothing, or something else. */
export type SerialProtocolGuess = 'framed' | 'csv' | 'silent' | 'unknown';

/** The protocol of a stretch of bytes read from a port. */
export function guessSerialProtocol(bytes: Uint8Array): SerialProtocolGuess {
  if (bytes.length === 0) return 'silent';
  if (new FrameParser().push(bytes).length > 0) return 'framed';
  if (new CsvLineParser().push(bytes).length > 0) return 'csv';
  return 'unknown';
}

export interface SerialSniff {
  path: string;
  protocol?: SerialProtocolGuess;
  bytes?: number;
  /** Why the port could not be read. */
  problem?: string;
}

/** Opens `path`, reads for `ms` milliseconds and guesses what it speaks; never throws. */
export async function sniffSerialPort(path: string, ms = 400, baudRate = 115200): Promise<SerialSniff> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  const opened = await new Promise<Error | null>((resolve) => port.open((err) => resolve(err ?? null)));
  if (opened !== null) return { path, problem: errorMessage(opened) };
  const chunks: Buffer[] = [];
  port.on('data', (chunk: Buffer) => chunks.push(chunk));
  port.on('error', () => undefined);
  await new Promise((r) => setTimeout(r, ms));
  await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
  const bytes = Buffer.concat(chunks);
  return { path, protocol: guessSerialProtocol(bytes), bytes: bytes.length };
}
