import { createInterface } from 'node:readline';
import type { Argv } from 'yargs';
import { UserError, errorMessage } from '../core/errors.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { openSensor, sensorSpecUsages } from '../../sensors/open-sensor.ts';
import type { SensorSource } from '../../sensors/sensor-source.ts';
import { PlacementRules } from '../../sensors/recorder/placement-rules.ts';
import { parseRecorderLine, RecorderKeys, type RecorderCommand } from '../../sensors/recorder/recorder-commands.ts';
import { recorderStatusLine, renderRecorderView } from '../../sensors/recorder/recorder-view.ts';
import type { RecordingSummary } from '../../sensors/recorder/recording-summary.ts';
import { SessionRecorder } from '../../sensors/recorder/session-recorder.ts';
import { PACKAGE } from './package-info.ts';

/** The terminal view is redrawn this often; without a terminal a status line is printed every STATUS_MS. */
const VIEW_MS = 500;
const STATUS_MS = 5000;

/** `motionfuse record`: a lab session (sensors, camera, markers) into a session folder. */
export function recordCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'record',
    'Record a lab session: sensors and a camera into a session folder (session.xdf, video.mkv, session.json), with labelled trials and notes typed live',
    (y) =>
      y
        .option('sensor', {
          type: 'array',
          string: true,
          demandOption: true,
          describe: `Sensor spec, repeatable: ${sensorSpecUsages().join(', ')}`,
        })
        .option('placement', {
          type: 'array',
          string: true,
          default: [] as string[],
          describe:
            "Where a sensor is worn, SENSOR=PLACE, repeatable; SENSOR is an id or its end ('#0=wrist': sensor 0 on any port)",
        })
        .option('camera', {
          type: 'string',
          describe: 'A V4L2 camera (/dev/video0) or a video file played in real time',
        })
        .option('out', {
          type: 'string',
          demandOption: true,
          describe: 'Session folder to create (must not exist, or be empty)',
        })
        .option('label', {
          type: 'array',
          string: true,
          default: [] as string[],
          describe: 'Trial labels, repeatable: keys 1-9 start a trial with the n-th',
        })
        .option('subject', {
          type: 'string',
          describe: 'Who is recorded (written in session.json and the trial markers)',
        })
        .option('seconds', { type: 'number', describe: 'Stop after this many seconds (default: until q or Ctrl-C)' })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'End with one JSON summary on stdout: per stream samples, lost, gaps, clock fit; video frames',
        }),
    async (args) => {
      if (args.seconds !== undefined && !(args.seconds > 0))
        throw new UserError(`--seconds must be > 0, got ${args.seconds}`);
      const labels = args.label as string[];
      const placements = PlacementRules.parse(args.placement as string[]);
      const camera =
        args.camera !== undefined ? { ffmpeg: (await locateFfmpeg()).path, source: args.camera } : undefined;
      const sources: SensorSource[] = [];
      for (const spec of args.sensor as string[]) sources.push(await openSensor(spec));
      const recorder = await SessionRecorder.start({
        dir: args.out,
        sources,
        placements,
        ...(camera !== undefined ? { camera } : {}),
        ...(args.subject !== undefined ? { subject: args.subject } : {}),
        provenance: { program: 'motionfuse record', version: PACKAGE.version, argv: process.argv.slice(2) },
      });
      process.stderr.write(`recording ${recorder.dir}\n`);
      const summary = await runSession(recorder, labels, args.seconds);
      if (args.json) process.stdout.write(`${JSON.stringify(summaryJson(summary))}\n`);
      else process.stderr.write(`${finalText(summary).join('\n')}\n`);
    },
  );
}

/** Runs the live view and the controls until q, quit, Ctrl-C/SIGTERM, --seconds or a write failure; then stops cleanly. */
async function runSession(
  recorder: SessionRecorder,
  labels: string[],
  seconds: number | undefined,
): Promise<RecordingSummary> {
  const tty = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const keys = new RecorderKeys(labels);
  let quit: () => void = () => undefined;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  let failure: unknown;
  const offFailure = recorder.onFailure((err) => {
    failure = err;
    quit();
  });
  let message = '';
  const apply = (command: RecorderCommand) => {
    if (command.kind === 'start') recorder.startTrial(command.label);
    else if (command.kind === 'stop') recorder.stopTrial();
    else if (command.kind === 'note') recorder.note(command.text);
    else if (command.kind === 'quit') quit();
    else message = command.message;
    if (command.kind !== 'invalid') message = '';
    if (!tty && command.kind === 'invalid') process.stderr.write(`${command.message}\n`);
  };
  const onSignal = () => quit();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = seconds !== undefined ? setTimeout(quit, seconds * 1000) : undefined;
  let drawn = 0;
  const draw = () => {
    const lines = renderRecorderView(recorder.snapshot(), labels, keys.typing);
    if (message !== '') lines.push(message);
    process.stderr.write(
      `${drawn > 0 ? `\u001b[${drawn}F` : ''}${lines.map((l) => `${l}\u001b[K`).join('\n')}\n\u001b[J`,
    );
    drawn = lines.length;
  };
  const onKeys = (chunk: string) => {
    for (const command of keys.keys(chunk)) apply(command);
    draw();
  };
  const lineReader = tty ? undefined : createInterface({ input: process.stdin, terminal: false });
  if (tty) {
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', onKeys);
  } else {
    lineReader?.on('line', (line) => {
      const command = parseRecorderLine(line);
      if (command !== undefined) apply(command);
    });
  }
  const view = tty
    ? setInterval(draw, VIEW_MS)
    : setInterval(() => process.stderr.write(`${recorderStatusLine(recorder.snapshot())}\n`), STATUS_MS);
  try {
    await quitting;
  } finally {
    clearInterval(view);
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    offFailure();
    if (tty) {
      process.stdin.off('data', onKeys);
      process.stdin.setRawMode(false);
    }
    lineReader?.close();
    process.stdin.pause();
  }
  if (tty) draw();
  process.stderr.write('stopping: sensors, camera, footers...\n');
  const summary = await recorder.stop();
  if (failure !== undefined) {
    throw new UserError(
      `recording stopped: ${errorMessage(failure)}`,
      'free disk space or check the drive; the session is readable up to the failure',
      {
        cause: failure,
      },
    );
  }
  return summary;
}

/** The --json summary: per stream samples, lost, gaps, clock fit; the video's frames. */
function summaryJson(s: RecordingSummary): Record<string, unknown> {
  return {
    dir: s.dir,
    seconds: Number(s.elapsed.toFixed(3)),
    clean: s.clean,
    streams: s.sensors.map((x) => ({
      name: x.streamName,
      sensorId: x.sensorId,
      placement: x.placement ?? null,
      nominalRate: x.nominalRate,
      samples: x.samples,
      lost: x.lost,
      gaps: x.gaps,
      clockResets: x.clockResets,
      clock:
        x.fit === null
          ? null
          : {
              offset: x.fit.offset,
              offsetChangeMs: x.offsetChange * 1000,
              driftPpm: x.fit.drift * 1e6,
              spreadMs: x.fit.spread * 1000,
              points: x.fit.points,
            },
    })),
    unassignedGaps: s.unassignedGaps,
    video:
      s.video === undefined
        ? null
        : { source: s.video.source, frames: s.video.frames, stoppedWhy: s.video.stoppedWhy ?? null },
    markers: s.markers,
    xdfBytes: s.xdfBytes,
    videoBytes: s.videoBytes,
    writeLatencyMs: { max: s.writeLatency.max * 1000, p99: s.writeLatency.p99 * 1000, packets: s.writeLatency.packets },
    unusedPlacements: s.unusedPlacements,
  };
}

function finalText(s: RecordingSummary): string[] {
  const lines = [`recorded ${s.dir} (${s.elapsed.toFixed(1)} s):`];
  for (const x of s.sensors)
    lines.push(
      `  ${x.sensorId}${x.placement !== undefined ? ` (${x.placement})` : ''}: ${x.samples} samples, ${x.gaps} gaps, ${x.lost} lost`,
    );
  if (s.video !== undefined)
    lines.push(
      `  video: ${s.video.frames} frames${s.video.stoppedWhy !== undefined ? ` (${s.video.stoppedWhy})` : ''}`,
    );
  if (s.unusedPlacements.length > 0)
    lines.push(`  warning: --placement matched no sensor: ${s.unusedPlacements.join(', ')}`);
  return lines;
}
