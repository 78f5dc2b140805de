import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UserError, errorMessage } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';

/**
 * One file from an HTTP(S) address to disk, resumably and atomically: bytes go to `<to>.part`;
 * a later call (or an automatic retry after a dropped connection) asks the server for the rest
 * with `Range: bytes=<size of .part>-`; the finished file is checked (length, and checksum where
 * one is known), fsynced and renamed to `<to>` in one step, so `<to>` is either absent or
 * complete. A checksum mismatch deletes the download and is a UserError.
 */
export interface DownloadChecksum {
  algorithm: 'sha256' | 'sha1' | 'md5';
  /** Hex digest; case is ignored. */
  value: string;
}

export interface DownloadFileOptions {
  url: string;
  /** Final path of the file; its folder is created. */
  to: string;
  checksum?: DownloadChecksum;
  /** Called as bytes arrive: bytes on disk so far (resumed bytes included) and the full size when the server says it. */
  onProgress?: (received: number, total: number | undefined) => void;
  /**
   * Resumes after a connection dropped mid-transfer, within this call: at most this many in a
   * row without progress (default 3; 0: never). A resume that moved forward resets the count.
   */
  retries?: number;
  /** Wait before each retry, ms (default 1000). */
  retryDelayMs?: number;
  signal?: AbortSignal;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Bytes that were already on disk (in `.part`) when this call started; 0 for a fresh download. */
  resumedFrom: number;
  /** The file was already complete at `to` (and matched the checksum, where one is known). */
  alreadyThere: boolean;
  /** Digest of the file, where a checksum was asked for. */
  digest?: string;
}

const log = createLogger('download');

/** A transfer that stopped part-way; the bytes so far stay in `.part`. */
class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(
    message: string,
    readonly total: number | undefined,
  ) {
    super(message);
  }
}

export async function downloadFile(options: DownloadFileOptions): Promise<DownloadResult> {
  const { url, to } = options;
  checkUrl(url);
  if (options.checksum !== undefined) checkChecksum(options.checksum);
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0)
    throw new Error(`downloadFile(): retries must be a whole number >= 0, got ${retries}`);
  const part = `${to}.part`;
  await mkdir(dirname(to), { recursive: true });

  if ((await sizeOf(to)) !== undefined) {
    if (options.checksum === undefined)
      return { path: to, bytes: (await sizeOf(to)) as number, resumedFrom: 0, alreadyThere: true };
    const digest = await fileDigest(to, options.checksum.algorithm);
    if (digest === options.checksum.value.toLowerCase()) {
      return { path: to, bytes: (await sizeOf(to)) as number, resumedFrom: 0, alreadyThere: true, digest };
    }
    log.warn(
      `${to} is there but its ${options.checksum.algorithm} is ${digest}, not ${options.checksum.value}; downloading it again`,
    );
    await rm(to, { force: true });
  }

  const resumedFrom = (await sizeOf(part)) ?? 0;
  let total: number | undefined;
  // Failures in a row without a byte of progress; a transfer that moved forward starts the count again.
  let failures = 0;
  let before = resumedFrom;
  for (;;) {
    try {
      total = await transfer(url, part, options, total);
      break;
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      total = err.total ?? total;
      const have = (await sizeOf(part)) ?? 0;
      failures = have > before ? 1 : failures + 1;
      before = have;
      if (failures > retries) {
        throw new UserError(
          `download of ${url} stopped after ${have} bytes${total === undefined ? '' : ` of ${total}`}: ${err.message}`,
          `The bytes so far are kept in ${part}; run the same command again to resume.`,
          { cause: err },
        );
      }
      log.warn(
        `download of ${url} stopped after ${have} bytes (${err.message}); resuming (try ${failures} of ${retries})`,
      );
      await delay(options.retryDelayMs ?? 1000, options.signal);
    }
  }

  const bytes = (await sizeOf(part)) ?? 0;
  let digest: string | undefined;
  if (options.checksum !== undefined) {
    digest = await fileDigest(part, options.checksum.algorithm);
    if (digest !== options.checksum.value.toLowerCase()) {
      await rm(part, { force: true });
      throw new UserError(
        `checksum mismatch for ${url}: expected ${options.checksum.algorithm} ${options.checksum.value.toLowerCase()}, got ${digest}; the download was deleted`,
        'Run the command again to download it afresh; if it repeats, the file at that address is not the one published (a changed file or a bad mirror).',
      );
    }
  }
  const handle = await open(part, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(part, to);
  return { path: to, bytes, resumedFrom, alreadyThere: false, ...(digest === undefined ? {} : { digest }) };
}

/**
 * One request: the rest of the file appended to `part` (or the whole file, when the server
 * ignores the range). Returns the full size. Throws Interrupted when the connection drops or
 * the body ends short, a UserError for what retrying cannot fix.
 */
async function transfer(
  url: string,
  part: string,
  options: DownloadFileOptions,
  knownTotal: number | undefined,
): Promise<number> {
  let offset = (await sizeOf(part)) ?? 0;
  if (knownTotal !== undefined && offset === knownTotal) return knownTotal;
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) headers['range'] = `bytes=${offset}-`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers,
      redirect: 'follow',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    // A connection dropped before the headers is as transient as one dropped in the body.
    if (RETRYABLE_CODES.has(causeCode(err) ?? '')) throw new Interrupted(describeCause(err), knownTotal);
    throw networkError(url, err);
  }

  let total: number | undefined;
  let append = false;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (range === undefined || range.start !== offset) {
      await response.body?.cancel();
      throw new UserError(
        `download of ${url}: the server answered the range request from byte ${offset} with '${response.headers.get('content-range') ?? 'no Content-Range'}'`,
        `Delete ${part} and run the command again to download the whole file.`,
      );
    }
    total = range.total;
    append = true;
  } else if (response.status === 200) {
    if (offset > 0) log.info(`${url}: the server does not resume downloads; starting again from byte 0`);
    offset = 0;
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    total = Number.isFinite(length) ? length : undefined;
  } else if (response.status === 416 && offset > 0) {
    // Nothing after `offset`: either .part is already complete, or it is longer than the file now is.
    await response.body?.cancel();
    const range = parseContentRange(response.headers.get('content-range'));
    if (range?.total === offset) return offset;
    log.warn(
      `${url}: ${part} (${offset} bytes) does not match the file on the server${range?.total === undefined ? '' : ` (${range.total} bytes)`}; starting again`,
    );
    await rm(part, { force: true });
    return transfer(url, part, options, undefined);
  } else {
    await response.body?.cancel();
    throw new UserError(
      `download of ${url} failed: HTTP ${response.status} ${response.statusText}`,
      response.status === 404
        ? "The publisher may have moved the file: check the data set's homepage (`motionfuse datasets info NAME`)."
        : 'Try again later; if it persists, check the address in a browser.',
    );
  }
  if (response.body === null) throw new Interrupted('the response had no body', total);

  let received = offset;
  options.onProgress?.(received, total);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      options.onProgress?.(received, total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      counter,
      createWriteStream(part, { flags: append ? 'a' : 'w' }),
    );
  } catch (err) {
    if (options.signal?.aborted) throw err;
    if (isLocalWriteError(err))
      throw new UserError(
        `cannot write ${part}: ${errorMessage(err)}`,
        'Check the free space and permissions of the download folder.',
        { cause: err },
      );
    throw new Interrupted(describeCause(err), total);
  }
  if (total !== undefined && received < total)
    throw new Interrupted(`the connection closed at byte ${received} of ${total}`, total);
  if (total !== undefined && received > total) {
    await rm(part, { force: true });
    throw new UserError(
      `download of ${url} gave ${received} bytes, more than the ${total} announced; the download was deleted`,
      'Run the command again.',
    );
  }
  return received;
}

/** `bytes 100-199/1000`, or `bytes *` + `/1000` (nothing satisfiable). */
function parseContentRange(header: string | null): { start?: number; total?: number } | undefined {
  if (header === null) return undefined;
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(header.trim());
  if (m === null) return undefined;
  return {
    ...(m[1] === undefined ? {} : { start: Number(m[1]) }),
    ...(m[3] === undefined || m[3] === '*' ? {} : { total: Number(m[3]) }),
  };
}

const RETRYABLE_CODES = new Set([
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkError(url: string, err: unknown): UserError {
  const code = causeCode(err);
  if (code !== undefined && TLS_CODES.has(code)) {
    return new UserError(
      `download of ${url} failed: the server's certificate could not be verified (${code})`,
      'Some publishers send an incomplete certificate chain: save the missing intermediate certificate as PEM and set NODE_EXTRA_CA_CERTS to that file, or download the file yourself into the download folder and run the command again.',
      { cause: err },
    );
  }
  return new UserError(
    `download of ${url} failed: ${describeCause(err)}`,
    'Check the network connection and the address; run the command again to resume.',
    { cause: err },
  );
}

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The innermost message (fetch wraps the socket's error in 'fetch failed' / 'terminated'). */
function describeCause(err: unknown): string {
  const messages: string[] = [];
  for (
    let e: unknown = err, depth = 0;
    e !== undefined && e !== null && depth < 5;
    e = e instanceof Error ? e.cause : undefined, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    messages.push(
      `${errorMessage(e)}${typeof code === 'string' && !errorMessage(e).includes(code) ? ` (${code})` : ''}`,
    );
  }
  return messages.join(': ');
}

function isLocalWriteError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  const syscall = (err as { syscall?: unknown }).syscall;
  return (
    typeof code === 'string' && ['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EDQUOT'].includes(code) && syscall !== 'read'
  );
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`downloadFile(): not an address: '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UserError(`downloadFile(): only http and https addresses can be downloaded, got '${url}'`);
}

const DIGEST_LENGTH = { sha256: 64, sha1: 40, md5: 32 } as const;

function checkChecksum({ algorithm, value }: DownloadChecksum): void {
  if (!(algorithm in DIGEST_LENGTH))
    throw new Error(
      `downloadFile(): checksum.algorithm must be one of ${Object.keys(DIGEST_LENGTH).join(', ')}, got '${String(algorithm)}'`,
    );
  if (!new RegExp(`^[0-9a-fA-F]{${DIGEST_LENGTH[algorithm]}}$`).test(value)) {
    throw new Error(
      `downloadFile(): checksum.value must be ${DIGEST_LENGTH[algorithm]} hex digits for ${algorithm}, got '${value}'`,
    );
  }
}

/** Hex digest of a file, read as a stream. */
export async function fileDigest(path: string, algorithm: DownloadChecksum['algorithm']): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw err;
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
