import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import { UserError } from '../../core/errors.ts';
import { IMU_CHANNEL_LABELS } from '../../formats/session/session-layout.ts';
import type { SessionData, SessionStream } from './read-session.ts';

export type SessionExportFormat = 'csv' | 'arrow';
export const SESSION_EXPORT_FORMATS: readonly SessionExportFormat[] = ['csv', 'arrow'];

/** A column of an exported stream: its header (name and unit) and a value per row. */
export interface ExportColumn {
  name: string;
  values: Float64Array | Float32Array | Int32Array | (string | null)[] | (number | null)[];
}

export interface ExportedFile {
  stream: string;
  path: string;
  rows: number;
}

/** The time column's header, first in every file. */
export const EXPORT_TIME_COLUMN = 'time (s)';

/**
 * Writes one file per stream into `outDir` (created), every time on the session clock (seconds
 * from the session's start) in the first column: IMU channels with their units in the header
 * (`acc_x (m/s^2)`, read back by the IMU CSV reader), the video's frame indices, the markers and
 * gaps as text. CSV, or Arrow IPC files (arquero, loaded here only). Each file is written
 * atomically; its name is the stream's, with characters a file name should not hold replaced.
 */
export async function exportSession(
  session: SessionData,
  outDir: string,
  format: SessionExportFormat,
): Promise<ExportedFile[]> {
  if (!SESSION_EXPORT_FORMATS.includes(format))
    throw new UserError(`export format must be one of ${SESSION_EXPORT_FORMATS.join(', ')}, got ${String(format)}`);
  const names = new Set<string>();
  const out: ExportedFile[] = [];
  const encode = format === 'csv' ? csvBytes : await arrowEncoder();
  for (const stream of session.streams) {
    const columns = streamColumns(stream, session);
    let base = safeFileName(stream.name);
    for (let k = 2; names.has(base); k++) base = `${safeFileName(stream.name)}-${k}`;
    names.add(base);
    const path = join(outDir, `${base}.${format}`);
    await writeFileAtomic(path, encode(columns));
    out.push({ stream: stream.name, path, rows: columns[0]?.values.length ?? 0 });
  }
  return out;
}

/** The columns of a stream, time first. */
export function streamColumns(stream: SessionStream, session: SessionData): ExportColumn[] {
  const time: ExportColumn = { name: EXPORT_TIME_COLUMN, values: stream.t };
  if (stream.kind === 'imu') {
    const n = stream.t.length;
    return [
      time,
      ...IMU_CHANNEL_LABELS.map((c, ch) => ({
        name: `${c.label} (${c.unit})`,
        values: Float32Array.from({ length: n }, (_, i) => stream.data[i * 6 + ch] as number),
      })),
    ];
  }
  if (stream.kind === 'video') return [time, { name: 'frame', values: stream.frame }];
  if (stream.kind === 'markers') {
    const m = session.markers;
    const field = (key: string) =>
      m.map(({ marker }) => {
        const v = (marker as Record<string, unknown>)[key];
        return typeof v === 'string' ? v : null;
      });
    return [
      { name: EXPORT_TIME_COLUMN, values: Float64Array.from(m, (x) => x.t) },
      { name: 'event', values: field('event') },
      { name: 'label', values: field('label') },
      { name: 'subject', values: field('subject') },
      { name: 'text', values: field('text') },
    ];
  }
  if (stream.kind === 'gaps') {
    const g = session.streams.flatMap((s) => s.gaps.map((gap) => ({ stream: s.name, ...gap })));
    g.sort((a, b) => a.from - b.from);
    return [
      { name: EXPORT_TIME_COLUMN, values: Float64Array.from(g, (x) => x.from) },
      { name: 'stream', values: g.map((x) => x.stream) },
      { name: 'reason', values: g.map((x) => x.reason) },
      { name: 'to (s)', values: g.map((x) => x.to) },
      { name: 'samples_lost', values: g.map((x) => x.samplesLost) },
    ];
  }
  return [time];
}

/** CSV: a header row, then one row per sample; numbers as JavaScript prints them (exact round trip). */
function csvBytes(columns: readonly ExportColumn[]): string {
  const rows = columns[0]?.values.length ?? 0;
  const lines = [columns.map((c) => csvCell(c.name)).join(',')];
  for (let i = 0; i < rows; i++) {
    lines.push(
      columns
        .map((c) => {
          const v = c.values[i];
          return v === null || v === undefined ? '' : typeof v === 'string' ? csvCell(v) : String(v);
        })
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function arrowEncoder(): Promise<(columns: readonly ExportColumn[]) => Uint8Array> {
  const aq = await import('arquero');
  return (columns) => {
    const data: Record<string, ExportColumn['values']> = {};
    for (const c of columns) data[c.name] = c.values;
    return aq.toArrowIPC(aq.table(data), { format: 'file' });
  };
}

/** A stream name as a file name: `serial:/dev/ttyUSB0#2` becomes `serial_dev_ttyUSB0_2`. */
export function safeFileName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[_.]+|_+$/g, '')
    .slice(0, 120);
  return safe === '' ? 'stream' : safe;
}
