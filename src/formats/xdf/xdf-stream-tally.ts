import type { XdfClockOffset, XdfSampleLayout } from './xdf-chunks.ts';
import type { CheckedStreamInfo } from './xdf-stream-input.ts';
import { streamFooterXml } from './xdf-xml.ts';

/**
 * What a writer counts of one stream as it writes it (samples, first and last time stamp, clock
 * offsets), for the StreamFooter written at the end.
 */
export class StreamTally {
  readonly info: CheckedStreamInfo;
  readonly layout: XdfSampleLayout;
  readonly offsets: XdfClockOffset[] = [];
  private count = 0;
  private first: number | undefined;
  /** The time stamp a reader gives the latest sample (reconstructed as a reader does when omitted). */
  private last = 0;

  constructor(info: CheckedStreamInfo) {
    this.info = info;
    this.layout = { channelFormat: info.channelFormat, channelCount: info.channelCount };
  }

  /** Counts n samples; returns the time stamp a reader gives the first of them. */
  addSamples(timestamps: Float64Array | null, n: number): number {
    const step = this.info.nominalSrate > 0 ? 1 / this.info.nominalSrate : 0;
    let firstOfBlock = Number.NaN;
    for (let i = 0; i < n; i++) {
      this.last = timestamps === null ? this.last + step : (timestamps[i] as number);
      if (i === 0) firstOfBlock = this.last;
    }
    if (n > 0 && this.count === 0) this.first = firstOfBlock;
    this.count += n;
    return firstOfBlock;
  }

  footerXml(): string {
    return streamFooterXml({ first: this.first, last: this.last, count: this.count, offsets: this.offsets });
  }
}
