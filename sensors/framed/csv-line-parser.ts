/**
 * One sample line of the CSV serial mode (docs/sensors.md): `t_us,ax,ay,az,gx,gy,gz`, or with the
 * sensor's sample counter first, `sample,t_us,ax,ay,az,gx,gy,gz`. Acceleration in g and angular
 * rate in deg/s, as the Arduino IMU libraries return them, so a sketch prints what it reads.
 */
export interface CsvSample {
  /** The device's sample counter, when the line carries one (exact gaps need it). */
  sample: number | null;
  timeUs: number;
  /** g */
  acc: [number, number, number];
  /** deg/s */
  gyro: [number, number, number];
}

export interface CsvParserStats {
  samples: number;
  /** Lines skipped on purpose: empty, `#` comments, a header of names. */
  skippedLines: number;
  /** Lines that are none of the above and not a sample (wrong field count, not numbers, too long). */
  badLines: number;
}

/** Longer lines are noise (a binary stream, a baud-rate mismatch): dropped, not buffered forever. */
const MAX_LINE = 256;
const NEWLINE = 0x0a;

/**
 * Streaming parser of the CSV mode: push byte chunks, get the sample lines completed so far. A
 * partial line is kept across chunks; `\r\n` and `\n` both end a line.
 */
export class CsvLineParser {
  private partial = '';
  private overlong = false;
  private readonly decoder = new TextDecoder('latin1');
  private readonly counts: CsvParserStats = { samples: 0, skippedLines: 0, badLines: 0 };

  push(chunk: Uint8Array): CsvSample[] {
    const samples: CsvSample[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      const line = this.partial + this.decoder.decode(chunk.subarray(start, nl));
      const overlong = this.overlong;
      this.partial = '';
      this.overlong = false;
      start = nl + 1;
      if (overlong) {
        this.counts.badLines++;
        continue;
      }
      const sample = this.parseLine(line);
      if (sample !== null) samples.push(sample);
    }
    if (start < chunk.length && !this.overlong) {
      this.partial += this.decoder.decode(chunk.subarray(start));
      if (this.partial.length > MAX_LINE) {
        this.partial = '';
        this.overlong = true;
      }
    }
    return samples;
  }

  /** Forgets a partial line (the port was closed; what follows is a new byte stream). */
  reset(): void {
    this.partial = '';
    this.overlong = false;
  }

  stats(): CsvParserStats {
    return { ...this.counts };
  }

  private parseLine(raw: string): CsvSample | null {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || /^[A-Za-z_]/.test(line)) {
      this.counts.skippedLines++;
      return null;
    }
    if (line.length > MAX_LINE) {
      this.counts.badLines++;
      return null;
    }
    const fields = line.split(',');
    if (fields.length !== 7 && fields.length !== 8) {
      this.counts.badLines++;
      return null;
    }
    const values = fields.map((f) => (f.trim() === '' ? Number.NaN : Number(f)));
    if (!values.every(Number.isFinite)) {
      this.counts.badLines++;
      return null;
    }
    const at = fields.length - 7;
    const sample = at === 1 ? (values[0] as number) : null;
    if (sample !== null && !(Number.isInteger(sample) && sample >= 0)) {
      this.counts.badLines++;
      return null;
    }
    const v = (i: number) => values[at + i] as number;
    this.counts.samples++;
    return { sample, timeUs: v(0), acc: [v(1), v(2), v(3)], gyro: [v(4), v(5), v(6)] };
  }
}
