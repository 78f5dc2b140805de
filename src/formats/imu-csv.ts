import { UserError } from '../core/errors.ts';

/**
 * A plain CSV export of an accelerometer (and optionally a gyroscope), as phone apps and vendor
 * tools write them: a header row naming a time column and the axes, then one sample a row. Units
 * come from the header names (`time_ms`, `t[s]`, `ax_g`, `acc_x[m/s^2]`, `gyro_x (deg/s)`) or
 * from the caller; converted here to seconds, m/s^2 and rad/s.
 */
export type AccUnit = 'g' | 'ms2';
export type GyroUnit = 'rad/s' | 'deg/s';
export type TimeUnit = 's' | 'ms' | 'us' | 'ns';

export interface ImuCsvOptions {
  /** Used where the header names no unit; without either, the accelerometer's unit is inferred from its resting magnitude (about 1 g or 9.8 m/s^2). */
  accUnit?: AccUnit;
  gyroUnit?: GyroUnit;
  timeUnit?: TimeUnit;
  /** Sample rate (Hz) for a file without a time column. */
  rate?: number;
}

export interface ImuCsv {
  /** s, from the file's own origin. */
  t: Float64Array;
  /** [n x 3] m/s^2. */
  acc: Float32Array;
  /** [n x 3] rad/s, when the file has gyroscope columns. */
  gyro?: Float32Array;
  /** What was used, for the user to check: units, and whether each was read, given or inferred. */
  units: { acc: string; gyro?: string; time: string };
}

const G = 9.80665;
const TIME_NAMES = /^(t|time|times|timestamp|seconds_elapsed|elapsed|sec|secs|seconds)$/;
const ACC_NAMES = /^(?:a|acc|accel|accelerometer|acceleration|accelerometeracceleration)[_\-\s.]?([xyz])$/;
const GYRO_NAMES = /^(?:g|gyr|gyro|gyroscope|rotationrate|gyroscoperotationrate|w|omega)[_\-\s.]?([xyz])$/;

interface Column {
  index: number;
  base: string;
  unit?: string;
}

/** A header cell: its name without the unit, and the unit from brackets, parentheses or a suffix. */
function splitHeader(cell: string, index: number): Column {
  let name = cell.trim().replace(/^"|"$/g, '').toLowerCase();
  let unit: string | undefined;
  const bracket = /\s*[[(]([^\])]*)[\])]\s*$/.exec(name);
  if (bracket !== null) {
    unit = (bracket[1] as string).trim();
    name = name.slice(0, bracket.index);
  }
  const suffix = /[_\s](g|ms2|mps2|m\/s\^?2|m\/s²|s|ms|us|ns|rad\/?s|rads|deg\/?s|dps)$/.exec(name);
  if (unit === undefined && suffix !== null) {
    unit = suffix[1] as string;
    name = name.slice(0, suffix.index);
  }
  return unit === undefined ? { index, base: name.trim() } : { index, base: name.trim(), unit };
}

function accFactor(unit: string): number | undefined {
  const u = unit.replace(/\s/g, '');
  if (u === 'g') return G;
  if (['ms2', 'mps2', 'm/s^2', 'm/s2', 'm/s²', 'ms^-2', 'm·s^-2'].includes(u)) return 1;
  return undefined;
}
function gyroFactor(unit: string): number | undefined {
  const u = unit.replace(/\s/g, '');
  if (['rad/s', 'rads', 'rad'].includes(u)) return 1;
  if (['deg/s', 'degs', 'dps', '°/s', 'deg'].includes(u)) return Math.PI / 180;
  return undefined;
}
function timeFactor(unit: string): number | undefined {
  return ({ s: 1, sec: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 } as Record<string, number>)[unit.trim()];
}

/** Parses the text of a CSV export; `file` names it in errors (`file:line (field 'ax'): ...`). */
export function parseImuCsv(text: string, file: string, options: ImuCsvOptions = {}): ImuCsv {
  const lines = text.split(/\r?\n/);
  const headerLine = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (headerLine < 0) throw new UserError(`${file}: no header row`, 'A CSV export needs a header naming its columns.');
  const header = lines[headerLine] as string;
  const sep = [',', ';', '\t'].reduce(
    (best, s) => (header.split(s).length > header.split(best).length ? s : best),
    ',',
  );
  const columns = header.split(sep).map(splitHeader);
  const time = columns.find((c) => TIME_NAMES.test(c.base) || /^time/.test(c.base));
  const axes = (pattern: RegExp) => {
    const found = ['x', 'y', 'z'].map((axis) => columns.find((c) => pattern.exec(c.base)?.[1] === axis));
    return found.every((c) => c !== undefined) ? (found as Column[]) : undefined;
  };
  const acc = axes(ACC_NAMES);
  const gyro = axes(GYRO_NAMES);
  if (acc === undefined)
    throw new UserError(
      `${file}:${headerLine + 1}: no accelerometer columns in the header (${columns.map((c) => c.base).join(', ')})`,
      "Name them ax, ay, az or acc_x, acc_y, acc_z (units like 'ax_g' or 'acc_x[m/s^2]').",
    );
  if (time === undefined && options.rate === undefined)
    throw new UserError(
      `${file}:${headerLine + 1}: no time column (a column named time, t or timestamp)`,
      'Add a time column, or give the sample rate with --rate.',
    );
  const wanted = [...(time === undefined ? [] : [time]), ...acc, ...(gyro ?? [])];
  const rows: number[][] = [];
  for (let i = headerLine + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const cells = line.split(sep);
    rows.push(
      wanted.map((c) => {
        const cell = cells[c.index];
        const value = cell === undefined ? NaN : Number(cell.trim().replace(/^"|"$/g, ''));
        if (cell === undefined || cell.trim() === '' || !Number.isFinite(value))
          throw new UserError(
            `${file}:${i + 1} (field '${c.base}${c.unit === undefined ? '' : `_${c.unit}`}'): ${cell === undefined ? 'missing' : `not a number: '${cell.trim()}'`}`,
            'Every data row needs a number in each time, accelerometer and gyroscope column.',
          );
        return value;
      }),
    );
  }
  if (rows.length < 2) throw new UserError(`${file}: fewer than two samples`, 'The export is empty or cut short.');
  const n = rows.length;
  const units: ImuCsv['units'] = { acc: '', time: '' };
  // Time.
  const t = new Float64Array(n);
  if (time === undefined) {
    for (let k = 0; k < n; k++) t[k] = k / (options.rate as number);
    units.time = `${options.rate} Hz (given)`;
  } else {
    const unit = time.unit ?? options.timeUnit ?? 's';
    const factor = timeFactor(unit);
    if (factor === undefined)
      throw new UserError(`${file}:${headerLine + 1}: unknown time unit '${unit}'`, 'Use s, ms, us or ns.');
    units.time = `${unit} (${time.unit !== undefined ? 'header' : options.timeUnit !== undefined ? 'given' : 'default'})`;
    const t0 = (rows[0] as number[])[0] as number;
    for (let k = 0; k < n; k++) {
      t[k] = (((rows[k] as number[])[0] as number) - t0) * factor;
      if (k > 0 && !((t[k] as number) > (t[k - 1] as number)))
        throw new UserError(
          `${file}:${headerLine + 2 + k}: time does not increase (${t[k - 1]} then ${t[k]} s)`,
          'Sort the rows by time and drop repeated samples.',
        );
    }
    const step = (t[n - 1] as number) / (n - 1);
    if (step < 1e-4 || step > 1)
      throw new UserError(
        `${file}: the time column read as ${unit} gives a sample every ${step.toPrecision(3)} s`,
        'Say its unit in the header (time_ms, time[s]) or with --time-unit s|ms|us|ns.',
      );
  }
  // Accelerometer: header unit, else given, else inferred from the median magnitude.
  const a0 = time === undefined ? 0 : 1;
  const accRaw = new Float64Array(n * 3);
  for (let k = 0; k < n; k++) for (let c = 0; c < 3; c++) accRaw[k * 3 + c] = (rows[k] as number[])[a0 + c] as number;
  let accUnit = acc[0]?.unit;
  let accSource = 'header';
  if (accUnit === undefined && options.accUnit !== undefined) [accUnit, accSource] = [options.accUnit, 'given'];
  if (accUnit === undefined) {
    const mags = Array.from({ length: n }, (_, k) =>
      Math.hypot(accRaw[3 * k] as number, accRaw[3 * k + 1] as number, accRaw[3 * k + 2] as number),
    ).sort((x, y) => x - y);
    const median = mags[n >> 1] as number;
    accUnit = median < 3 ? 'g' : 'ms2';
    accSource = `inferred: median magnitude ${median.toFixed(2)}`;
  }
  const af = accFactor(accUnit);
  if (af === undefined)
    throw new UserError(`${file}:${headerLine + 1}: unknown accelerometer unit '${accUnit}'`, 'Use g or m/s^2.');
  units.acc = `${accUnit} (${accSource})`;
  const accOut = Float32Array.from(accRaw, (v) => v * af);
  const result: ImuCsv = { t, acc: accOut, units };
  if (gyro !== undefined) {
    const unit = gyro[0]?.unit ?? options.gyroUnit ?? 'rad/s';
    const gf = gyroFactor(unit);
    if (gf === undefined)
      throw new UserError(`${file}:${headerLine + 1}: unknown gyroscope unit '${unit}'`, 'Use rad/s or deg/s.');
    units.gyro = `${unit} (${gyro[0]?.unit !== undefined ? 'header' : options.gyroUnit !== undefined ? 'given' : 'default'})`;
    const g0 = a0 + 3;
    result.gyro = Float32Array.from(
      { length: n * 3 },
      (_, i) => ((rows[Math.floor(i / 3)] as number[])[g0 + (i % 3)] as number) * gf,
    );
  }
  return result;
}
