import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { RUN_FILES, ResultsStore } from '../experiments/results-store.ts';
import { listSavedModels } from '../experiments/saved-run-model.ts';
import { MODEL_FILES } from '../train/model-store.ts';
import { bundlePage } from './bundle-page.ts';

/** A model the page offers: its name and the URL of its folder on the server. */
export interface ServedModel {
  name: string;
  url: string;
  dir: string;
}

/**
 * The models under `dir`: a `motionfuse deploy` out dir (every <variant>/fold-<k>/), a run folder
 * (its saved models, run.saveModels), or one model folder (model.json + preprocessing.json).
 * Errors say what was expected.
 */
export async function servedModels(dir: string): Promise<ServedModel[]> {
  const root = resolve(dir);
  const isModel = (d: string) =>
    existsSync(join(d, MODEL_FILES.topology)) && existsSync(join(d, MODEL_FILES.preprocessing));
  if (isModel(root)) return [{ name: 'model', url: '/model/model', dir: root }];
  // A run folder: its saved fold models as trained (float32), by trial label and fold.
  if (existsSync(join(root, RUN_FILES.config)))
    return listSavedModels(await ResultsStore.open(root))
      .filter((m) => m.repeat === 0)
      .map((m) => ({
        name: `${m.label} fold-${m.fold + 1}`,
        url: `/model/${m.trialId}/fold-${m.fold + 1}`,
        dir: m.dir,
      }));
  if (!existsSync(root))
    throw new UserError(`no such folder: ${root}`, 'Give the --out folder of `motionfuse deploy`.');
  const out: ServedModel[] = [];
  for (const variant of readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort())
    for (const fold of readdirSync(join(root, variant))
      .filter((f) => /^fold-\d+$/.test(f))
      .sort())
      if (isModel(join(root, variant, fold)))
        out.push({ name: `${variant} ${fold}`, url: `/model/${variant}/${fold}`, dir: join(root, variant, fold) });
  if (out.length === 0)
    throw new UserError(
      `${root} holds no exported model`,
      'Give the --out folder of `motionfuse deploy` (OUT/<variant>/fold-<k>/model.json), a run folder with saved models, or a model folder.',
    );
  return out;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>motionfuse: recognition in the browser</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:900px}td,th{border:1px solid #ccc;padding:.2rem .5rem}table{border-collapse:collapse}</style>
</head><body>
<h1>motionfuse: recognition in the browser</h1>
<p>The exported model runs here with TensorFlow.js; the inputs are built by motionfuse's own input code, bundled for the page.</p>
<p><label>Model <select id="variant"></select></label></p>
<p><label>Recorded session (session.xdf with its session.json) <input type="file" id="session" multiple accept=".xdf,.json"></label></p>
<p id="status">loading...</p>
<table id="windows"></table>
<script type="module" src="/page.js"></script>
</body></html>
`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

/**
 * Serves the page on 127.0.0.1 (`port` 0: a free one): /, /page.js (bundled as the server starts),
 * /models.json, each model's three files under /model/..., the WASM backend's binaries under /wasm/.
 * Only those paths: nothing else of the disk is reachable.
 */
export async function servePage(
  dir: string,
  port = 0,
): Promise<{ server: Server; url: string; models: ServedModel[]; close(): Promise<void> }> {
  const models = await servedModels(dir);
  const script = await bundlePage();
  const wasmDir = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
  );
  const files = new Map<string, string>();
  for (const m of models) for (const f of Object.values(MODEL_FILES)) files.set(`${m.url}/${f}`, join(m.dir, f));
  for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) files.set(`/wasm/${f}`, join(wasmDir, f));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (status: number, type: string, body: string | Uint8Array) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/' || path === '/index.html') return send(200, TYPES['.html']!, PAGE);
    if (path === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (path === '/page.js') return send(200, TYPES['.js']!, script);
    if (path === '/models.json')
      return send(200, TYPES['.json']!, JSON.stringify(models.map(({ name, url }) => ({ name, url }))));
    const file = files.get(path);
    if (file === undefined) return send(404, 'text/plain', `not found: ${path}`);
    readFile(file).then(
      (body) => send(200, TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream', body),
      (err: unknown) => send(500, 'text/plain', String(err)),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new UserError(`port ${port} is taken`, 'Give another --port, or 0 for a free one.', { cause: err })
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => done());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}/`;
  return {
    server,
    url,
    models,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
