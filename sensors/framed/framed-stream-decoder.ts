import type { SensorEvent } from '../imu-packet.ts';
import { SequenceTracker } from '../sequence-tracker.ts';
import { FrameParser, type FrameParserStats } from './frame-parser.ts';
import { frameSamples } from './imu-frame.ts';
import { frameToPacket } from './frame-to-packet.ts';

/**
 * Turns the byte stream of one carrier (a serial port, a NUS link) into sensor events: frames are
 * parsed, each sensor id on the carrier gets its own sequence tracker, and every frame becomes a
 * packet, preceded by a gap event when the sensor's counter jumped. Sensor ids are
 * `${prefix}#${frame sensor id}`.
 */
export class FramedStreamDecoder {
  private readonly parser = new FrameParser();
  private readonly trackers = new Map<number, SequenceTracker>();

  constructor(readonly prefix: string) {}

  /** Events for the bytes of `chunk`, which arrived at `hostTime` (monotonic seconds). */
  push(chunk: Uint8Array, hostTime: number): SensorEvent[] {
    const events: SensorEvent[] = [];
    for (const frame of this.parser.push(chunk)) {
      let tracker = this.trackers.get(frame.sensorId);
      if (tracker === undefined) {
        tracker = new SequenceTracker(`${this.prefix}#${frame.sensorId}`);
        this.trackers.set(frame.sensorId, tracker);
      }
      const n = frameSamples(frame);
      const first = frame.deviceTimeUs / 1e6;
      const last = (frame.deviceTimeUs + (n - 1) * frame.periodUs) / 1e6;
      const { firstSample, gap } = tracker.accept(frame.firstSample, n, first, last, hostTime);
      if (gap !== null) events.push(gap);
      events.push(frameToPacket(frame, tracker.sensorId, firstSample, hostTime));
    }
    return events;
  }

  /** The carrier went away at `hostTime`: a partial frame is forgotten, every sensor's next frame closes a gap. */
  disconnected(hostTime: number): void {
    this.parser.reset();
    for (const tracker of this.trackers.values()) tracker.interrupted('disconnect', hostTime);
  }

  stats(): FrameParserStats {
    return this.parser.stats();
  }
}
