import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../core/errors.ts';
import { PLACEMENTS, type Placement } from '../core/stream.ts';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { VIRTUAL_IMU_PLACEMENTS } from '../data/synthetic/virtual-imu.ts';
import { findSavedModel, listSavedModels } from '../experiments/saved-run-model.ts';
import { ResultsStore } from '../experiments/results-store.ts';
import { MODEL_FILES, type Preprocessing } from '../train/model-store.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import type { LiveJump, LivePrediction, LiveStatus } from '../live/live-recogniser.ts';
import { openSensor, sensorSpecUsages } from '../../sensors/open-sensor.ts';

/**
 * `motionfuse live`: a saved model (run.saveModels) on live sensor streams: per window the action
 * and its confidence, jumps as they complete, the latency from a window's last sample to its
 * prediction; a terminal view (or JSON lines) and, with --ui, the page a coach keeps open.
 */
export function liveCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'live',
    'Recognise actions live from wearable sensors with a trained model (terminal view, JSON lines, or a local page with --ui)',
    (y) =>
      y
        .option('model', {
          type: 'string',
          demandOption: true,
          describe:
            'A run folder (results/<experiment>/<run-id>), an experiment folder (its latest run), or a saved model folder (model.json + preprocessing.json)',
        })
        .option('trial', { type: 'string', describe: 'Trial id or label (needed when the run saved several trials)' })
        .option('fold', { type: 'number', describe: 'Fold whose model to use, 1-based (default: the first saved)' })
        .option('sensor', {
          type: 'array',
          string: true,
          demandOption: true,
          describe: `Sensor specs (${sensorSpecUsages().join(', ')})`,
        })
        .option('placement', {
          type: 'array',
          string: true,
          default: [] as string[],
          describe:
            "Where a sensor is worn, SENSOR=PLACE, repeatable; SENSOR is an id or its end (serial:/dev/pts/3#0=wrist, or #0=wrist: sensor 0 on any port). Default: what the device says; with no --placement at all, sensors without one take the simulator's order by number (#0 wrist, #1 ankle, #2 pelvis, #3 thigh)",
        })
        .option('camera', {
          type: 'string',
          describe:
            'Camera device (/dev/videoN) or video file shown on the --ui page (a view only: recognition reads the IMUs)',
        })
        .option('hop', { type: 'number', default: 0.25, describe: 'Seconds between predictions' })
        .option('ui', { type: 'boolean', default: false, describe: 'Serve the live page on 127.0.0.1' })
        .option('port', { type: 'number', default: 8321, describe: 'Port of the --ui page (0: any free port)' })
        .option('seconds', { type: 'number', describe: 'Stop after this many seconds (default: until Ctrl-C)' })
        .option('json', {
          type: 'boolean',
          default: false,
          describe:
            'One JSON line per prediction and per jump on stdout ({"event":"prediction"|"jump",...}), a summary line at the end; the view goes to stderr',
        }),
    async (args) => {
      if (args.seconds !== undefined && !(args.seconds > 0))
        throw new UserError(`--seconds must be > 0, got ${args.seconds}`);
      if (!(args.hop > 0)) throw new UserError(`--hop must be > 0, got ${args.hop}`);
      if (!(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535))
        throw new UserError(`--port must be 0-65535, got ${args.port}`);
      const placements = parsePlacements(args.placement as string[]);
      // A model folder itself (what saveTrainedModel writes) is taken as it is.
      const saved = existsSync(join(args.model, MODEL_FILES.preprocessing))
        ? {
            dir: resolve(args.model),
            runDir: undefined,
            trialId: basename(resolve(args.model)),
            label: 'model',
            fold: 0,
          }
        : await findSavedModel(args.model, {
            ...(args.trial !== undefined ? { trial: args.trial } : {}),
            ...(args.fold !== undefined ? { fold: args.fold } : {}),
          });
      const pre = JSON.parse(readFileSync(join(saved.dir, MODEL_FILES.preprocessing), 'utf8')) as Preprocessing;
      const others = Object.keys(pre.inputs).filter((m) => m !== 'imu');
      if (args.camera !== undefined && !args.ui)
        throw new UserError('--camera is shown on the live page only', 'Add --ui, or leave --camera out.');
      if (others.length > 0) {
        const imuOnly = saved.runDir === undefined ? [] : await imuOnlyTrials(saved.runDir);
        const alternative =
          imuOnly.length > 0
            ? `Use an IMU-only model: --trial ${imuOnly.join(' or --trial ')}.`
            : 'Train an IMU-only model (model.type: imu-only) with run.saveModels: true.';
        throw new UserError(
          `trial ${saved.trialId} (${saved.label}) also reads ${others.join(', ')}: live recognition reads IMUs only (a camera's key frames, person crop and flow are not built live yet)`,
          alternative,
        );
      }
      const { selectBackend } = await import('../backend/select-backend.ts');
      await selectBackend(args['backend'] as BackendPreference | undefined);
      const { loadTrainedModel } = await import('../train/model-store.ts');
      const trained = await loadTrainedModel(saved.dir);
      const sources = await Promise.all((args.sensor as string[]).map((spec) => openSensor(spec)));
      await runLive({
        trained,
        sources,
        placements,
        hop: args.hop,
        ui: args.ui
          ? { port: args.port, title: `motionfuse live · ${saved.label} (${saved.trialId}), fold ${saved.fold + 1}` }
          : undefined,
        seconds: args.seconds,
        json: args.json,
        camera: args.camera,
      });
    },
  );
}

/**
 * `SENSOR=PLACE` flags, as `motionfuse record` reads them: SENSOR is a sensor id or its end
 * (`#0=wrist`: sensor 0 on any port). A bad flag names itself; a place must be one of PLACEMENTS.
 */
export function parsePlacements(flags: readonly string[]): Map<string, Placement> {
  const out = new Map<string, Placement>();
  for (const flag of flags) {
    const eq = flag.lastIndexOf('=');
    const id = eq > 0 ? flag.slice(0, eq).trim() : '';
    const place = eq > 0 ? flag.slice(eq + 1).trim() : '';
    if (id === '' || place === '')
      throw new UserError(
        `--placement '${flag}' is not SENSOR=PLACE`,
        "e.g. --placement 'serial:/dev/pts/3#0=wrist', or --placement '#0=wrist' for sensor 0 on any port",
      );
    if (!(PLACEMENTS as readonly string[]).includes(place))
      throw new UserError(
        `--placement '${flag}': '${place}' is not a placement`,
        `Use one of: ${PLACEMENTS.join(', ')}.`,
      );
    if (out.has(id)) throw new UserError(`--placement names ${id} twice`, 'Give each sensor one placement.');
    out.set(id, place as Placement);
  }
  return out;
}

/** The placement the rules give a sensor id: an exact id wins over an ending; among endings, the longest. */
export function placementFor(rules: ReadonlyMap<string, Placement>, sensorId: string): Placement | undefined {
  const exact = rules.get(sensorId);
  if (exact !== undefined) return exact;
  const ending = [...rules.keys()].filter((k) => sensorId.endsWith(k)).sort((a, b) => b.length - a.length)[0];
  return ending === undefined ? undefined : rules.get(ending);
}

/** The simulator's placements by sensor number (`...#k`), as src/cli/synthetic-device-data.ts assigns them. */
export function simulatorPlacement(sensorId: string): Placement | undefined {
  const m = /#(\d+)$/.exec(sensorId);
  return m === null ? undefined : VIRTUAL_IMU_PLACEMENTS[Number(m[1]) % VIRTUAL_IMU_PLACEMENTS.length];
}

async function imuOnlyTrials(runDir: string): Promise<string[]> {
  const store = await ResultsStore.open(runDir);
  const ids = new Set<string>();
  for (const m of listSavedModels(store)) {
    const pre = JSON.parse(readFileSync(join(m.dir, MODEL_FILES.preprocessing), 'utf8')) as Preprocessing;
    if (Object.keys(pre.inputs).every((k) => k === 'imu')) ids.add(`${m.trialId} (${m.label})`);
  }
  return [...ids];
}

interface RunLiveOptions {
  trained: import('../train/model-store.ts').TrainedModel;
  sources: import('../live/live-session.ts').LiveSource[];
  placements: Map<string, Placement>;
  hop: number;
  ui: { port: number; title: string } | undefined;
  seconds: number | undefined;
  json: boolean;
  /** Shown on the page, not recognised from. */
  camera: string | undefined;
}

async function runLive(o: RunLiveOptions): Promise<void> {
  const { LiveSession } = await import('../live/live-session.ts');
  const session = await LiveSession.start({
    trained: o.trained,
    sources: o.sources,
    placementOf: (id) => placementFor(o.placements, id),
    hop: o.hop,
    ...(o.placements.size === 0 ? { fallbackPlacement: simulatorPlacement } : {}),
  });
  const r = session.recogniser;
  const mapping = [...session.placements].map(([id, p]) => `${id}=${p}`).join(', ');
  process.stderr.write(
    `live: ${mapping}${o.placements.size === 0 ? ' (default placements; set them with --placement ID=PLACE)' : ''}; jumps from ${r.jumpSensor ?? 'no sensor'}\n`,
  );
  const seen = [...session.recogniser.rings.keys()];
  const unused = [...o.placements.keys()].filter((k) => !seen.some((id) => id === k || id.endsWith(k)));
  if (unused.length > 0) process.stderr.write(`warning: --placement matched no sensor: ${unused.join(', ')}\n`);
  const { LiveUiServer } = await import('../live/live-ui-server.ts');
  const camera =
    o.camera === undefined
      ? undefined
      : await (
          await import('../live/camera-feed.ts')
        ).CameraFeed.start({ ffmpeg: (await locateFfmpeg()).path, source: o.camera });
  const ui =
    o.ui === undefined
      ? undefined
      : await LiveUiServer.start({
          recogniser: r,
          port: o.ui.port,
          title: o.ui.title,
          ...(camera !== undefined ? { camera } : {}),
        });
  if (ui !== undefined) process.stderr.write(`live page: ${ui.url}\n`);
  const jumps: LiveJump[] = [];
  let last: LivePrediction | undefined;
  r.onPrediction((p) => {
    last = p;
    if (o.json) process.stdout.write(`${JSON.stringify({ event: 'prediction', ...p })}\n`);
  });
  r.onJump((j) => {
    jumps.push(j);
    if (o.json) process.stdout.write(`${JSON.stringify({ event: 'jump', ...j })}\n`);
  });
  const tty = !o.json && process.stderr.isTTY === true;
  let drawn = 0;
  const view = setInterval(() => {
    const lines = viewLines(r.status(), last, jumps);
    if (tty) {
      process.stderr.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
      drawn = lines.length;
    }
  }, 500);
  try {
    await new Promise<void>((resolve) => {
      // The handlers go with the run: left behind, a later SIGTERM would call them instead of
      // ending the process (the tests run commands in their own process).
      const stop = () => {
        if (timer !== undefined) clearTimeout(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      const timer = o.seconds !== undefined ? setTimeout(stop, o.seconds * 1000) : undefined;
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  } finally {
    clearInterval(view);
    await session.stop();
    await ui?.close();
    await camera?.close();
  }
  const status = r.status();
  if (!tty) process.stderr.write(`${viewLines(status, last, jumps).join('\n')}\n`);
  const summary = {
    event: 'summary',
    windows: status.latency.count,
    latencyMs: status.latency,
    sensors: status.sensors.map((s) => ({
      id: s.sensorId,
      placement: s.placement ?? null,
      first: s.firstCounter,
      samples: s.received,
      lost: s.lost,
      gaps: s.gaps,
      clockResets: s.clockResets,
    })),
    jumps: jumps.length,
  };
  if (o.json)
    process.stdout.write(
      `${JSON.stringify(summary, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`,
    );
  r.dispose();
}

/** The terminal view: the current action, per sensor rate and gaps, the last jumps, latency so far. */
function viewLines(status: LiveStatus, last: LivePrediction | undefined, jumps: readonly LiveJump[]): string[] {
  const pct = (p: number) => `${(p * 100).toFixed(0)}%`;
  const lines = [
    last === undefined
      ? 'action: (none yet)'
      : `action: ${last.action.toUpperCase()} ${pct(last.confidence)}   (${last.top
          .slice(1)
          .map((t) => `${t.action} ${pct(t.p)}`)
          .join(', ')})`,
  ];
  if (!status.predicting && status.reason !== undefined) lines.push(`  ${status.reason}`);
  for (const s of status.sensors)
    lines.push(
      `  ${s.sensorId.padEnd(28)} ${(s.placement ?? '-').padEnd(7)} ${Number.isFinite(s.rate) ? s.rate.toFixed(0).padStart(4) : '   -'} Hz  ${String(s.received).padStart(8)} samples  ${s.gaps} gaps  ${s.lost} lost`,
    );
  const l = status.latency;
  lines.push(
    `  windows ${l.count}  latency p50 ${Number.isFinite(l.p50) ? l.p50.toFixed(1) : '-'} ms  p99 ${Number.isFinite(l.p99) ? l.p99.toFixed(1) : '-'} ms`,
  );
  const recent = jumps
    .slice(-3)
    .map((j) => `${(j.height * 100).toFixed(1)} cm (${(j.flightTime * 1000).toFixed(0)} ms)`);
  lines.push(`  jumps ${jumps.length}${recent.length > 0 ? `: last ${recent.join(', ')}` : ''}`);
  return lines;
}
