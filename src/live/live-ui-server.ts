import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../core/errors.ts';
import type { CameraFeed } from './camera-feed.ts';
import type { LiveJump, LivePrediction, LiveRecogniser } from './live-recogniser.ts';

/** The page's files (src/live/ui/, plain HTML, CSS and JS: no build step). */
const UI_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/live.js': { file: 'live.js', type: 'text/javascript; charset=utf-8' },
  '/live.css': { file: 'live.css', type: 'text/css; charset=utf-8' },
};

export interface LiveUiOptions {
  recogniser: LiveRecogniser;
  /** 0: any free port. */
  port?: number;
  /** Shown in the page's header (the model and its trial). */
  title?: string;
  /** Trace points per second per sensor sent to the page (default 50: 4 x 200 Hz would be 800 a second). */
  traceRate?: number;
  /** Trace batches per second (default 5). */
  batchesPerSecond?: number;
  /** The camera's picture, shown beside the action (`/camera.mjpg`). */
  camera?: CameraFeed;
}

/**
 * The page a coach keeps open beside the athlete, served on 127.0.0.1 with node:http: the static
 * files, and one server-sent-event stream (`/events`) carrying decimated acceleration traces a few
 * times a second, every prediction, every jump and the sensors' status once a second. Server-sent
 * events need no package and reconnect by themselves; the page only listens.
 */
export class LiveUiServer {
  readonly url: string;
  readonly #server: Server;
  readonly #clients = new Set<ServerResponse>();
  /** Camera streams, apart from the event streams #send writes to. */
  readonly #cameraClients = new Set<ServerResponse>();
  readonly #timers: NodeJS.Timeout[] = [];

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(options: LiveUiOptions): Promise<LiveUiServer> {
    const { recogniser } = options;
    let ui: LiveUiServer | undefined;
    const server = createServer((req, res) => void ui!.#serve(req, res, options));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new UserError(
                `port ${options.port} on 127.0.0.1 is in use`,
                'Pick another with --port, or 0 for any free one.',
              )
            : err,
        ),
      );
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    ui = new LiveUiServer(server, `http://127.0.0.1:${port}/`);
    recogniser.onPrediction((p) => ui!.#send('prediction', predictionMessage(p)));
    recogniser.onJump((j) => ui!.#send('jump', jumpMessage(j)));
    const sent = new Map<string, number>();
    const traceRate = options.traceRate ?? 50;
    ui.#timers.push(
      setInterval(
        () => ui!.#send('trace', traceBatch(recogniser, sent, traceRate)),
        1000 / (options.batchesPerSecond ?? 5),
      ),
      setInterval(() => ui!.#send('status', recogniser.status()), 1000),
    );
    return ui;
  }

  /** Pages connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    for (const c of [...this.#clients, ...this.#cameraClients]) c.end();
    this.#clients.clear();
    this.#cameraClients.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(req: IncomingMessage, res: ServerResponse, options: LiveUiOptions): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      this.#clients.add(res);
      req.on('close', () => this.#clients.delete(res));
      const r = options.recogniser;
      const hello = {
        title: options.title ?? 'motionfuse live',
        classes: r.trained.classes,
        window: r.window,
        hop: r.hop,
        jumpSensor: r.jumpSensor ?? null,
        status: r.status(),
        last: r.lastPrediction ? predictionMessage(r.lastPrediction) : null,
        camera: options.camera !== undefined,
      };
      res.write(`event: hello\ndata: ${JSON.stringify(hello)}\n\n`);
      return;
    }
    if (path === '/camera.mjpg' && options.camera !== undefined) {
      this.#streamCamera(req, res, options.camera);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const entry = Object.hasOwn(UI_FILES, path) ? UI_FILES[path] : undefined;
    if (entry === undefined || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const body = await readFile(new URL(`./ui/${entry.file}`, import.meta.url));
      res.writeHead(200, { 'content-type': entry.type, 'cache-control': 'no-store' }).end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot read ${entry.file}: ${String(err)}\n`);
    }
  }

  /** Motion JPEG: one multipart part per frame, which an <img> shows as it comes. */
  #streamCamera(req: IncomingMessage, res: ServerResponse, camera: CameraFeed): void {
    const boundary = 'motionfuse-frame';
    res.writeHead(200, {
      'content-type': `multipart/x-mixed-replace; boundary=${boundary}`,
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const part = (jpeg: Buffer) => {
      res.write(`--${boundary}\r\ncontent-type: image/jpeg\r\ncontent-length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
    };
    if (camera.latest !== undefined) part(camera.latest);
    const off = camera.onFrame(part);
    this.#cameraClients.add(res);
    req.on('close', () => {
      off();
      this.#cameraClients.delete(res);
    });
  }

  #send(event: string, data: unknown): void {
    if (this.#clients.size === 0) return;
    const text = `event: ${event}\ndata: ${JSON.stringify(data, finite)}\n\n`;
    for (const c of this.#clients) c.write(text);
  }
}

/** JSON has no Infinity or NaN: null instead. */
function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function predictionMessage(p: LivePrediction) {
  return {
    index: p.index,
    t: p.t,
    action: p.action,
    confidence: p.confidence,
    top: p.top,
    latencyMs: p.latencyMs,
    computeMs: p.computeMs,
    coverage: p.coverage,
  };
}

function jumpMessage(j: LiveJump) {
  return { ...j };
}

/**
 * Per sensor, the acceleration magnitude (g) of the samples since the last batch, decimated to
 * about `rate` points a second, with host times (s).
 */
function traceBatch(recogniser: LiveRecogniser, sent: Map<string, number>, rate: number) {
  const sensors: { id: string; placement: string | null; t: number[]; g: number[] }[] = [];
  for (const ring of recogniser.rings.values()) {
    const latest = ring.latest;
    if (!Number.isFinite(latest)) continue;
    const from = sent.get(ring.sensorId) ?? latest - 10;
    const slice = ring.slice(from, latest);
    const step = Math.max(1, Math.round((Number.isFinite(ring.rate) ? ring.rate : rate) / rate));
    const t: number[] = [];
    const g: number[] = [];
    for (let k = step - 1; k < slice.t.length; k += step) {
      const [x, y, z] = [slice.data[k * 6], slice.data[k * 6 + 1], slice.data[k * 6 + 2]] as number[];
      t.push(Number((slice.t[k] as number).toFixed(4)));
      g.push(Number((Math.hypot(x!, y!, z!) / 9.80665).toFixed(3)));
    }
    // Keep the undrawn remainder of a decimation step for the next batch.
    const last = t.length > 0 ? (slice.t[t.length * step - 1] as number) : from;
    sent.set(ring.sensorId, last);
    sensors.push({ id: ring.sensorId, placement: recogniser.placementOf(ring.sensorId) ?? null, t, g });
  }
  return { sensors };
}
