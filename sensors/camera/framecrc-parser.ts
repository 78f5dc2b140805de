/** One encoded frame as ffmpeg's `framecrc` muxer lists it. */
export interface FramecrcFrame {
  /** Presentation time, seconds (pts x the stream's time base). */
  ptsTime: number;
  /** Frame size, from the `#dimensions` header line, when it came. */
  width?: number;
  height?: number;
}

const DATA_LINE = /^\s*(\d+),\s*(-?\d+),\s*(-?\d+),\s*(-?\d+),\s*(\d+),\s*(0x[0-9a-f]+)/i;
const TIME_BASE = /^#tb (\d+): (\d+)\/(\d+)/;
const DIMENSIONS = /^#dimensions (\d+): (\d+)x(\d+)/;

/**
 * Reads the `framecrc` listing ffmpeg writes beside the video (through the tee muxer, so each
 * line is a packet the video file got, in order): `#tb` and `#dimensions` header lines, then one
 * line per packet, `stream, dts, pts, duration, size, crc`. Partial lines are kept across chunks.
 */
export class FramecrcParser {
  private partial = '';
  private timeBase = Number.NaN;
  private width: number | undefined;
  private height: number | undefined;

  /** The frames whose lines this chunk completed, in order. */
  push(chunk: string): FramecrcFrame[] {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    const frames: FramecrcFrame[] = [];
    for (const line of lines) {
      const frame = this.line(line);
      if (frame !== undefined) frames.push(frame);
    }
    return frames;
  }

  /** A last line without a newline, at the end of the stream. */
  end(): FramecrcFrame[] {
    return this.push('\n');
  }

  private line(line: string): FramecrcFrame | undefined {
    const tb = TIME_BASE.exec(line);
    if (tb !== null && tb[1] === '0') {
      this.timeBase = Number(tb[2]) / Number(tb[3]);
      return undefined;
    }
    const dims = DIMENSIONS.exec(line);
    if (dims !== null && dims[1] === '0') {
      this.width = Number(dims[2]);
      this.height = Number(dims[3]);
      return undefined;
    }
    const m = DATA_LINE.exec(line);
    if (m === null || m[1] !== '0') return undefined;
    if (Number.isNaN(this.timeBase)) throw new Error(`framecrc: a packet line before the '#tb 0:' line: ${line}`);
    const frame: FramecrcFrame = { ptsTime: Number(m[3]) * this.timeBase };
    if (this.width !== undefined && this.height !== undefined) {
      frame.width = this.width;
      frame.height = this.height;
    }
    return frame;
  }
}

/** Keeps ffmpeg's last few log lines, to say why it failed. */
export class LastLines {
  private partial = '';
  private readonly lines: string[] = [];

  constructor(private readonly keep = 8) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r?\n|\r/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      this.lines.push(line.trim());
      if (this.lines.length > this.keep) this.lines.shift();
    }
  }

  last(n: number): string[] {
    return [...this.lines, ...(this.partial.trim() !== '' ? [this.partial.trim()] : [])].slice(-n);
  }
}
