import { decodeImuFrame } from './decode-imu-frame.ts';
import { FRAME_MAGIC_0, type ImuFrame } from './imu-frame.ts';

/** What a parser has seen: frames decoded, and what noise or damage cost. */
export interface FrameParserStats {
  frames: number;
  /** Bytes that belonged to no valid frame (noise, torn frames, false magics), skipped. */
  bytesDropped: number;
  /** Candidates with a well-formed header whose CRC failed (a torn or corrupted frame). */
  badCrc: number;
  /** Magics followed by a version, channel mask or sample count the protocol does not have. */
  badHeader: number;
}

/**
 * Streaming parser of the framed IMU protocol: push byte chunks as they arrive, get whole frames.
 * Partial frames are kept across chunks (as node-serialport's own parsers do). After noise or a torn
 * frame it resynchronises on the next magic: a candidate whose header or CRC is bad is dropped and
 * the scan goes on from the byte after its magic, so damage costs only the frames it touches.
 */
export class FrameParser {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly counts: FrameParserStats = { frames: 0, bytesDropped: 0, badCrc: 0, badHeader: 0 };

  /** Appends `chunk` and returns the frames now complete, in order. */
  push(chunk: Uint8Array): ImuFrame[] {
    let bytes = chunk;
    if (this.pending.length > 0) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending, 0);
      bytes.set(chunk, this.pending.length);
    }
    const frames: ImuFrame[] = [];
    let at = 0;
    while (at < bytes.length) {
      const magic = bytes.indexOf(FRAME_MAGIC_0, at);
      if (magic < 0) {
        this.counts.bytesDropped += bytes.length - at;
        at = bytes.length;
        break;
      }
      this.counts.bytesDropped += magic - at;
      at = magic;
      const result = decodeImuFrame(bytes, at);
      if (result.status === 'incomplete') break;
      if (result.status === 'frame') {
        frames.push(result.frame);
        this.counts.frames++;
        at += result.length;
        continue;
      }
      if (result.status === 'bad-crc') this.counts.badCrc++;
      else if (result.status === 'bad-header') this.counts.badHeader++;
      this.counts.bytesDropped++;
      at++;
    }
    // Copied, so that the caller may reuse its chunk's memory.
    this.pending = at < bytes.length ? bytes.slice(at) : new Uint8Array(0);
    return frames;
  }

  /** Forgets a partial frame (the carrier was closed; what follows is a new byte stream). */
  reset(): void {
    this.counts.bytesDropped += this.pending.length;
    this.pending = new Uint8Array(0);
  }

  /** Bytes held for a frame not yet complete. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  stats(): FrameParserStats {
    return { ...this.counts };
  }
}
