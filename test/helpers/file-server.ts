import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local HTTP server for download tests, on 127.0.0.1 and a free port: serves the given bytes
 * by path, answers `Range: bytes=N-` with 206 (or 416 past the end), and can drop the
 * connection part-way through a response. It records each request's path and Range header.
 */
export interface ServedFile {
  body: Buffer;
  /** Close the connection after this many bytes of the response body ... */
  cutAfter?: number;
  /** ... on this many requests for the file (default 1). */
  cutTimes?: number;
  /** Answer range requests with the whole file (200), as servers without range support do. */
  ignoreRange?: boolean;
}

export interface FileServer {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  requests: { path: string; range: string | undefined }[];
  close(): Promise<void>;
}

export async function startFileServer(files: Record<string, ServedFile>): Promise<FileServer> {
  const requests: FileServer['requests'] = [];
  const cuts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\//, '');
    const range = req.headers.range;
    requests.push({ path, range });
    const file = files[path];
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const size = file.body.length;
    let start = 0;
    const m = range === undefined || file.ignoreRange ? null : /^bytes=(\d+)-$/.exec(range);
    if (m !== null) {
      start = Number(m[1]);
      if (start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': size - start,
        'content-range': `bytes ${start}-${size - 1}/${size}`,
        'accept-ranges': 'bytes',
      });
    } else {
      res.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' });
    }
    const done = cuts.get(path) ?? 0;
    if (file.cutAfter !== undefined && done < (file.cutTimes ?? 1)) {
      cuts.set(path, done + 1);
      cutShort(res, file.body.subarray(start, start + file.cutAfter));
      return;
    }
    res.end(file.body.subarray(start));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends `bytes`, lets them reach the client, then drops the connection mid-response. */
function cutShort(res: ServerResponse, bytes: Buffer): void {
  res.flushHeaders();
  res.write(bytes, () => {
    setTimeout(() => res.socket?.destroy(), 150);
  });
}
