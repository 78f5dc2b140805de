import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { cutSession } from '../data/session/cut-session.ts';
import { exportSession, SESSION_EXPORT_FORMATS, type SessionExportFormat } from '../data/session/export-session.ts';
import { readSession } from '../data/session/read-session.ts';
import { alignVideoToImu, type VideoImuAlignment } from '../data/session/video-imu-alignment.ts';
import { sessionSummaryJson, summariseSession, type SessionSummary } from '../data/session/summarise-session.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { PACKAGE } from './package-info.ts';

/**
 * `motionfuse session info|export|cut DIR`: a lab session (what `motionfuse record` writes) as
 * data: its summary on one clock, one file per stream, or its labelled trials cut out into the
 * recording layout for `dataset: { name: recordings }`.
 */
export function sessionCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command('session', 'Lab sessions as data: summary, export per stream, trials cut out', (y) =>
    y
      .command(
        'info <dir>',
        'Summarise a session: duration, clean stop or crash, per stream samples, span, rate, gaps and clock; trials; notes',
        (z) =>
          z
            .positional('dir', { type: 'string', demandOption: true, describe: 'The session folder' })
            .option('json', {
              type: 'boolean',
              default: false,
              describe:
                'Print { streams: [{ name, kind, samples, first, last, gaps }], trials, notes, videoOffset } (s from the session start)',
            })
            .option('align', {
              type: 'boolean',
              default: true,
              describe:
                "Estimate the camera's residual offset to an IMU (the pelvis one where there is one) by cross-correlating motion over the first 30 s; --no-align skips it",
            }),
        async (args) => {
          const session = await readSession(args.dir);
          const summary = summariseSession(session);
          const alignment =
            args.align && session.streams.some((s) => s.kind === 'video')
              ? await alignVideoToImu(session, (await locateFfmpeg()).path)
              : null;
          if (args.json)
            console.log(JSON.stringify({ ...sessionSummaryJson(summary), videoOffset: alignment }, null, 2));
          else console.log(infoText(summary) + (alignment === null ? '' : `\n\n${alignmentText(alignment)}`));
          for (const w of summary.warnings) console.error(`warning: ${w}`);
        },
      )
      .command(
        'export <dir>',
        'Write one file per stream (time in s from the session start first; IMU units in the header)',
        (z) =>
          z
            .positional('dir', { type: 'string', demandOption: true, describe: 'The session folder' })
            .option('format', {
              choices: SESSION_EXPORT_FORMATS,
              default: 'csv' as SessionExportFormat,
              describe: 'CSV or Arrow IPC (file format)',
            })
            .option('out', { type: 'string', describe: 'Output folder (default: DIR/export)' }),
        async (args) => {
          const session = await readSession(args.dir);
          const out = resolve(args.out ?? join(args.dir, 'export'));
          const files = await exportSession(session, out, args.format);
          for (const f of files) console.log(`${f.path}: ${f.rows} rows (${f.stream})`);
          for (const w of session.warnings) console.error(`warning: ${w}`);
        },
      )
      .command(
        'cut <dir>',
        'Cut each labelled trial into its own recording folder (take.json, session.xdf, video.mkv), for dataset: { name: recordings }',
        (z) =>
          z.positional('dir', { type: 'string', demandOption: true, describe: 'The session folder' }).option('out', {
            type: 'string',
            demandOption: true,
            describe: 'Folder to write one folder per trial into; existing trial folders are skipped',
          }),
        async (args) => {
          const session = await readSession(args.dir);
          const ffmpeg = session.streams.some((s) => s.kind === 'video') ? (await locateFfmpeg()).path : undefined;
          const result = await cutSession(session, resolve(args.out), {
            ...(ffmpeg === undefined ? {} : { ffmpeg }),
            provenance: { program: 'motionfuse session cut', version: PACKAGE.version },
          });
          for (const w of result.warnings) console.error(`warning: ${w}`);
          for (const c of result.trials)
            console.log(
              `${c.status === 'written' ? 'wrote  ' : 'skipped'} ${c.dir}  ${c.trial.label} ${fmt(c.trial.start)}-${fmt(c.trial.stop)} s${c.status === 'skipped' ? ' (exists)' : ''}`,
            );
          if (result.trials.length === 0) console.log('no labelled trial in this session');
        },
      )
      .demandCommand(1, 'Name a session command: info, export or cut.'),
  );
}

function alignmentText(a: VideoImuAlignment): string {
  const sign = a.offset >= 0 ? '+' : '-';
  const trust =
    a.confidence >= 0.2
      ? 'add it to the video times to put them on the IMU clock'
      : 'too unsure to use: a jump or a clap in view in the first 30 s makes it sharp';
  return `camera-IMU offset: ${sign}${Math.abs(a.offset * 1000).toFixed(0)} ms (confidence ${a.confidence.toFixed(2)}, against ${a.placement ?? 'the'} IMU ${a.sensor}, first ${a.seconds.toFixed(0)} s): ${trust}`;
}

function infoText(s: SessionSummary): string {
  const lines = [
    `session ${s.id}${s.subject === undefined ? '' : `, subject ${s.subject}`}, started ${s.startedAt}`,
    `duration ${fmt(s.duration)} s, ${s.stop === 'clean' ? 'stopped cleanly' : 'did NOT stop cleanly (crash or kill): read up to the cut'}`,
    '',
    'streams (times in s from the session start):',
  ];
  for (const st of s.streams) {
    const rate = st.effectiveRate === null ? '-' : `${st.effectiveRate.toFixed(2)} Hz`;
    const nominal = st.nominalRate > 0 ? ` (nominal ${Number(st.nominalRate.toFixed(3))})` : '';
    const span = st.first === null ? 'empty' : `${fmt(st.first)}-${fmt(st.last!)}`;
    lines.push(`  ${st.name} [${st.kind}]: ${st.samples} samples, ${span}, ${rate}${nominal}`);
    if (st.kind === 'imu' || st.kind === 'video') {
      const longest = st.longestGap === null ? '' : `, longest ${fmt(st.longestGap)} s`;
      lines.push(`    gaps: ${st.gaps.length}, samples lost ${st.samplesLost}${longest}`);
    }
    if (st.clock !== undefined)
      lines.push(
        st.clock.driftPpm === null
          ? '    clock: not placed on the host clock'
          : `    clock: drift ${st.clock.driftPpm.toFixed(1)} ppm, offset ${st.clock.offset!.toFixed(6)} s (session - device time), ${st.clock.segments} segment(s), spread ${(st.clock.spread! * 1e3).toFixed(3)} ms`,
      );
  }
  lines.push('', `trials: ${s.trials.length}`);
  for (const t of s.trials)
    lines.push(
      `  ${t.index}. ${t.label}${t.subject === undefined ? '' : ` (${t.subject})`}: from ${fmt(t.start)} s for ${fmt(t.stop - t.start)} s${t.endedBy === 'end' ? ' (no trial-stop: ended with the recording)' : ''}`,
    );
  lines.push(`notes: ${s.notes.length}`);
  for (const n of s.notes) lines.push(`  ${fmt(n.t)} s: ${n.text}`);
  return lines.join('\n');
}

function fmt(x: number): string {
  return x.toFixed(3);
}
