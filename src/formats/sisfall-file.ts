import { UserError } from '../core/errors.ts';

/**
 * One SisFall trial file (Sucerquia et al. 2017): one sample a line, nine comma-separated
 * integers ending in `;`, 200 Hz, device worn at the waist. Columns 1-3 ADXL345 accelerometer
 * (13 bit, +-16 g), 4-6 ITG3200 gyroscope (16 bit, +-2000 deg/s), 7-9 MMA8451Q accelerometer
 * (14 bit, +-8 g); value = (2 range / 2^bits) counts (the data set's Readme). Converted here, at
 * the edge, to SI: m/s^2 and rad/s.
 */
export const SISFALL_RATE = 200;

/** Standard gravity, m/s^2: SisFall's accelerometers count in g. */
const G = 9.80665;
const ADXL345_TO_MS2 = ((2 * 16) / 2 ** 13) * G;
const ITG3200_TO_RADS = ((2 * 2000) / 2 ** 16) * (Math.PI / 180);
const MMA8451Q_TO_MS2 = ((2 * 8) / 2 ** 14) * G;

export interface SisfallTrial {
  rate: number;
  /** Sample times from 0 at 200 Hz (the files carry no clock), s. */
  t: Float64Array;
  /** ADXL345, [n x 3] m/s^2 (specific force: +g upward at rest). */
  acc: Float32Array;
  /** ITG3200, [n x 3] rad/s. */
  gyro: Float32Array;
  /** MMA8451Q, [n x 3] m/s^2: the second accelerometer (finer, +-8 g). */
  acc2: Float32Array;
}

/** The file name's parts: `D19_SA01_R03.txt` -> activity D19, subject SA01, trial 3; null if it is not one. */
export function parseSisfallName(fileName: string): { activity: string; subject: string; trial: number } | null {
  const m = /^([DF]\d{2})_(S[AE]\d{2})_R(\d{2})\.txt$/i.exec(fileName.replace(/^.*[\\/]/, ''));
  if (m === null) return null;
  return { activity: (m[1] as string).toUpperCase(), subject: (m[2] as string).toUpperCase(), trial: Number(m[3]) };
}

/**
 * Parses a trial's text; `file` names it in errors (`file:line: ...`). Blank lines are skipped;
 * a line with other than nine integers is an error naming the line and the column.
 */
export function parseSisfallFile(text: string, file = 'sisfall'): SisfallTrial {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim().replace(/;$/, '');
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== 9)
      throw new UserError(
        `${file}:${i + 1}: expected 9 comma-separated values, found ${cells.length}`,
        'A SisFall trial has nine integer columns per line (ADXL345 x,y,z, ITG3200 x,y,z, MMA8451Q x,y,z).',
      );
    const row = cells.map((c, j) => {
      const s = c.trim();
      if (!/^[-+]?\d+$/.test(s))
        throw new UserError(
          `${file}:${i + 1}: column ${j + 1} is not an integer: '${s}'`,
          'SisFall files hold raw sensor counts (integers).',
        );
      return Number(s);
    });
    rows.push(row);
  }
  if (rows.length === 0) throw new UserError(`${file}: no samples`, 'The file is empty; check the download.');
  const n = rows.length;
  const t = new Float64Array(n);
  const acc = new Float32Array(n * 3);
  const gyro = new Float32Array(n * 3);
  const acc2 = new Float32Array(n * 3);
  for (let k = 0; k < n; k++) {
    const r = rows[k] as number[];
    t[k] = k / SISFALL_RATE;
    for (let c = 0; c < 3; c++) {
      acc[k * 3 + c] = (r[c] as number) * ADXL345_TO_MS2;
      gyro[k * 3 + c] = (r[3 + c] as number) * ITG3200_TO_RADS;
      acc2[k * 3 + c] = (r[6 + c] as number) * MMA8451Q_TO_MS2;
    }
  }
  return { rate: SISFALL_RATE, t, acc, gyro, acc2 };
}
