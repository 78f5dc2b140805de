import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { detectJumps, JUMP_PLACEMENTS, type Jump, type JumpPlacement } from '../biomech/detect-jumps.ts';
import { energyExpenditure } from '../biomech/energy-expenditure.ts';
import { anglesAt, jointAngles, type JointAngleName } from '../biomech/joint-angles.ts';
import { detectPoseJumps, type PoseJump } from '../biomech/pose-jumps.ts';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';
import { imuStream } from '../core/stream.ts';
import type { AccUnit, GyroUnit, TimeUnit } from '../formats/imu-csv.ts';
import { renderImuPlot } from '../report/imu-plot.ts';
import { isClipSource, readJumpSources, type ClipJumpSource, type JumpSource } from './jump-sources.ts';

/**
 * `motionfuse jumps FILE|DIR`: the jumps in IMU traces (src/biomech/detect-jumps.ts), one row per
 * jump: take-off, landing, flight time, height by flight time and by take-off velocity, contact
 * time, RSI, RSImod, peak landing acceleration. `--json` prints one object per file,
 * `--csv FILE` writes the rows, `--plot DIR` draws each trace with take-off and landing marked.
 * A video clip's jumps come from its keypoints (src/biomech/pose-jumps.ts): flight time and
 * height, contact time and RSI, hip rise and joint angles; placement 'video', no plot.
 */
export function jumpsCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'jumps <path>',
    'Find the jumps in IMU recordings (SisFall trials, CSV exports, recording folders) or video clips (pose) and print flight time, height, contact time and RSI',
    (y) =>
      y
        .positional('path', {
          type: 'string',
          demandOption: true,
          describe:
            'A SisFall trial (.txt), a CSV export (.csv), a recording folder, a video clip (.mp4, .avi, .mov, .mkv), or a folder of them',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'Print [{ file, placement, jumps }] as JSON (s, m)',
        })
        .option('csv', { type: 'string', describe: 'Also write one row per jump to this CSV file' })
        .option('plot', { type: 'string', describe: 'Folder for one PNG per trace, take-off and landing marked' })
        .option('placement', {
          choices: JUMP_PLACEMENTS,
          describe: 'Where the sensor is worn (default: what the file says, else waist)',
        })
        .option('acc-unit', {
          choices: ['g', 'ms2'] as const,
          describe: 'CSV accelerometer unit where the header names none',
        })
        .option('gyro-unit', {
          choices: ['rad/s', 'deg/s'] as const,
          describe: 'CSV gyroscope unit where the header names none (default rad/s)',
        })
        .option('time-unit', {
          choices: ['s', 'ms', 'us', 'ns'] as const,
          describe: 'CSV time unit where the header names none (default s)',
        })
        .option('rate', { type: 'number', describe: 'Sample rate (Hz) of a CSV without a time column' })
        .option('strides', {
          type: 'boolean',
          default: false,
          describe: 'Also list running strides (flights amid periodic gait)',
        })
        .option('mass', {
          type: 'number',
          describe:
            'Body mass (kg): also estimate energy expenditure (ENMO, Hildebrand et al. 2014; waist, pelvis or wrist only)',
        })
        .option('rebound', {
          type: 'boolean',
          default: false,
          describe: 'Count every flight as a jump, periodic ones too (repeated hops, rebound-jump tests)',
        })
        .example('$0 jumps ../shared/data/sisfall-sample --json', 'The jumps of every SisFall trial, as JSON')
        .example('$0 jumps export.csv --acc-unit g --plot plots', 'A phone export in g, with a plot per file'),
    async (args) => {
      const { sources, skipped } = await readJumpSources(args.path, {
        ...(args.placement === undefined ? {} : { placement: args.placement as JumpPlacement }),
        ...(args['acc-unit'] === undefined ? {} : { accUnit: args['acc-unit'] as AccUnit }),
        ...(args['gyro-unit'] === undefined ? {} : { gyroUnit: args['gyro-unit'] as GyroUnit }),
        ...(args['time-unit'] === undefined ? {} : { timeUnit: args['time-unit'] as TimeUnit }),
        ...(args.rate === undefined ? {} : { rate: args.rate }),
        ...(args['backend'] === undefined ? {} : { backend: args['backend'] as BackendPreference }),
      });
      for (const s of skipped) console.error(`skipped ${s.file}: ${s.reason}`);
      if (sources.length === 0)
        throw new UserError(
          `no readable IMU trace or clip in ${args.path}`,
          'Give a SisFall trial, a CSV export with time and accelerometer columns, a recording folder or a video clip.',
        );
      const results: Result[] = sources.map((source) =>
        isClipSource(source)
          ? { source, jumps: detectPoseJumps(source.pose) }
          : {
              source,
              jumps: detectJumps(source.trace, {
                placement: source.placement,
                includeStrides: args.strides,
                ...(args.rebound ? { maxRegularity: Infinity } : {}),
              }),
            },
      );
      if (args.mass !== undefined && !(args.mass > 0))
        throw new UserError(`--mass must be a body mass in kg, got ${args.mass}`, 'For example --mass 70.');
      const energy = (source: Source) =>
        args.mass === undefined || isClipSource(source) ? undefined : energySummary(source, args.mass);
      if (args.json)
        console.log(
          JSON.stringify(
            results.map(({ source, jumps }) => ({
              file: source.file,
              placement: placementOf(source),
              jumps: isClipSource(source) ? jumps : withAngles(source, jumps as Jump[]),
              ...(args.mass === undefined ? {} : { energy: energy(source) ?? null }),
            })),
            null,
            2,
          ),
        );
      else {
        printTable(results);
        if (args.mass !== undefined)
          for (const { source } of results) {
            const e = energy(source);
            console.log(
              e === undefined
                ? `${source.file}: no energy equation for the ${placementOf(source)} placement`
                : `${source.file}: ${e.kcal.toFixed(1)} kcal in ${(e.seconds / 60).toFixed(1)} min, ${e.meanMets.toFixed(1)} METs on average`,
            );
          }
      }
      if (args.csv !== undefined) {
        await writeFileAtomic(resolve(args.csv), csvRows(results));
        if (!args.json) console.log(`wrote ${args.csv}`);
      }
      if (args.plot !== undefined) {
        await mkdir(args.plot, { recursive: true });
        const used = new Set<string>();
        const traces = results.filter((r): r is { source: JumpSource; jumps: Jump[] } => !isClipSource(r.source));
        for (const r of traces) {
          let name = basename(r.source.file)
            .replace(/\.(txt|csv)$/i, '')
            .replace(/[^\w.-]+/g, '_');
          while (used.has(name)) name = `_${name}`;
          used.add(name);
          await writeFileAtomic(join(args.plot, `${name}.png`), await renderImuPlot(plotSample(r.source, r.jumps)));
        }
        if (!args.json) console.log(`wrote ${traces.length} plot(s) to ${args.plot}`);
        if (traces.length < results.length) console.error('no plots for video clips (the plot draws IMU traces)');
      }
    },
  );
}

type Source = JumpSource | ClipJumpSource;
type Result = { source: Source; jumps: (Jump | PoseJump)[] };

/** A clip's jumps come from a camera, not a worn sensor. */
const placementOf = (source: Source) => (isClipSource(source) ? 'video' : source.placement);

/** The whole trace's energy expenditure: per-minute epochs summed (the last one pro rata). */
function energySummary(source: JumpSource, mass: number) {
  const { t, acc } = source.trace;
  const epochs = energyExpenditure(t, acc, { placement: source.placement, mass });
  if (epochs === undefined || t.length < 2) return undefined;
  const end = t[t.length - 1] as number;
  let kcal = 0;
  let metMinutes = 0;
  for (const [i, e] of epochs.entries()) {
    const minutes = ((epochs[i + 1]?.start ?? end) - e.start) / 60;
    kcal += e.kcalPerMin * minutes;
    metMinutes += e.mets * minutes;
  }
  const seconds = end - (t[0] as number);
  return { kcal, seconds, meanMets: seconds > 0 ? (60 * metMinutes) / seconds : 0, epochs };
}

/** Sagittal angles reported at take-off and landing when the recording has a pose stream. */
const JUMP_ANGLES: JointAngleName[] = ['left_knee', 'right_knee', 'left_hip', 'right_hip', 'trunk_lean'];

/**
 * Each jump with `angles: { takeoff, landing }` (deg, on the pose's clock via the recording's
 * clock offset) where the source has keypoints; as it is otherwise.
 */
function withAngles(source: JumpSource, jumps: Jump[]): (Jump & { angles?: unknown })[] {
  if (source.pose === undefined) return jumps;
  const series = jointAngles(source.pose);
  const offset = source.clockOffset ?? 0;
  const at = (time: number) => {
    const all = anglesAt(series, time - offset);
    return Object.fromEntries(JUMP_ANGLES.map((name) => [name, Number.isFinite(all[name]) ? all[name] : null]));
  };
  return jumps.map((j) => ({ ...j, angles: { takeoff: at(j.takeoff), landing: at(j.landing) } }));
}
const fixed = (v: number | undefined, scale: number, digits: number) =>
  v === undefined ? '' : (v * scale).toFixed(digits);

function printTable(results: Result[]): void {
  const head = [
    'file',
    '#',
    'kind',
    'take-off s',
    'landing s',
    'flight ms',
    'height cm',
    'h(v) cm',
    'contact ms',
    'RSI',
    'RSImod',
    'peak g',
  ];
  const rows: string[][] = [];
  for (const { source, jumps } of results) {
    if (jumps.length === 0) rows.push([source.file, '-', 'no jumps', '', '', '', '', '', '', '', '', '']);
    jumps.forEach((j, i) =>
      rows.push([
        source.file,
        String(i + 1),
        j.kind,
        j.takeoff.toFixed(3),
        j.landing.toFixed(3),
        fixed(j.flightTime, 1000, 0),
        fixed(j.height, 100, 1),
        fixed(j.heightByVelocity, 100, 1),
        fixed(j.contactTime, 1000, 0),
        fixed(j.rsi, 1, 2),
        fixed(j.rsiMod, 1, 2),
        fixed(j.peakLandingAcc, 1 / 9.81, 1),
      ]),
    );
  }
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]) =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c] as number) : v.padStart(widths[c] as number))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const total = results.reduce((n, r) => n + r.jumps.filter((j) => j.kind === 'jump').length, 0);
  console.log(`${total} jump(s) in ${results.length} trace(s)`);
}

const CSV_FIELDS = [
  'kind',
  'takeoff',
  'landing',
  'flightTime',
  'height',
  'heightByVelocity',
  'takeoffVelocity',
  'contactTime',
  'rsi',
  'movementStart',
  'rsiMod',
  'peakLandingAcc',
] as const;

function csvRows(results: Result[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['file', 'placement', 'jump', ...CSV_FIELDS].join(',')];
  for (const { source, jumps } of results)
    jumps.forEach((j, i) =>
      lines.push(
        [
          quote(source.file),
          placementOf(source),
          String(i + 1),
          ...CSV_FIELDS.map((f) => (j[f] === undefined ? '' : String(j[f]))),
        ].join(','),
      ),
    );
  return `${lines.join('\n')}\n`;
}

/** A sample renderImuPlot draws: the trace as an IMU stream (gyro zero where there is none), the jumps as events. */
function plotSample(source: JumpSource, jumps: Jump[]): Sample {
  const { t, acc, gyro } = source.trace;
  const n = t.length;
  const data = new Float32Array(n * 6);
  for (let k = 0; k < n; k++)
    for (let c = 0; c < 3; c++) {
      data[k * 6 + c] = acc[k * 3 + c] as number;
      data[k * 6 + 3 + c] = gyro === undefined ? 0 : (gyro[k * 3 + c] as number);
    }
  const rate = n > 1 ? (n - 1) / ((t[n - 1] as number) - (t[0] as number)) : 1;
  const stream = imuStream({ rate, t, data, sensorId: basename(source.file), placement: source.placement });
  return {
    id: `${basename(source.file)}: ${jumps.length} jump(s)`,
    label: source.note ?? 'imu',
    streams: [stream],
    events: jumps.flatMap((j) => [
      { name: 'takeoff', t: j.takeoff },
      { name: 'landing', t: j.landing },
    ]),
    meta: {},
  };
}
