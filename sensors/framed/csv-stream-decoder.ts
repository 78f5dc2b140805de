import type { ImuPacket, SensorEvent } from '../imu-packet.ts';
import { SequenceTracker } from '../sequence-tracker.ts';
import { CsvLineParser, type CsvParserStats, type CsvSample } from './csv-line-parser.ts';
import { STANDARD_GRAVITY } from './imu-frame.ts';

const DEG = Math.PI / 180;

/**
 * Turns the byte stream of a CSV-mode serial sensor into sensor events: consecutive lines of a
 * chunk become one packet (g -> m/s^2, deg/s -> rad/s, microseconds -> seconds). Lines with a
 * sample counter go through a sequence tracker (a jump is a gap with its exact count); lines
 * without one are numbered on arrival, so only a disconnect shows as a gap.
 */
export class CsvStreamDecoder {
  private readonly parser = new CsvLineParser();
  private readonly tracker: SequenceTracker;
  /** Arrival count, the counter of lines that carry none. */
  private arrivals = 0;

  constructor(readonly sensorId: string) {
    this.tracker = new SequenceTracker(sensorId);
  }

  push(chunk: Uint8Array, hostTime: number): SensorEvent[] {
    const events: SensorEvent[] = [];
    const samples = this.parser.push(chunk);
    let start = 0;
    for (let i = 1; i <= samples.length; i++) {
      const prev = samples[i - 1] as CsvSample;
      const next = samples[i];
      const continues =
        next !== undefined &&
        (next.sample === null) === (prev.sample === null) &&
        (next.sample === null || next.sample === (prev.sample as number) + 1);
      if (continues) continue;
      this.emitRun(samples.slice(start, i), hostTime, events);
      start = i;
    }
    return events;
  }

  disconnected(hostTime: number): void {
    this.parser.reset();
    this.tracker.interrupted('disconnect', hostTime);
  }

  stats(): CsvParserStats {
    return this.parser.stats();
  }

  private emitRun(run: CsvSample[], hostTime: number, events: SensorEvent[]): void {
    const first = run[0] as CsvSample;
    const n = run.length;
    const counter = first.sample ?? this.arrivals;
    this.arrivals += n;
    const deviceTime = Float64Array.from(run, (s) => s.timeUs / 1e6);
    const tracked = this.tracker.accept(counter, n, deviceTime[0] as number, deviceTime[n - 1] as number, hostTime);
    if (tracked.gap !== null) events.push(tracked.gap);
    const acc = new Float32Array(n * 3);
    const gyro = new Float32Array(n * 3);
    run.forEach((s, i) => {
      for (let k = 0; k < 3; k++) {
        acc[i * 3 + k] = (s.acc[k] as number) * STANDARD_GRAVITY;
        gyro[i * 3 + k] = (s.gyro[k] as number) * DEG;
      }
    });
    const packet: ImuPacket = {
      kind: 'imu',
      sensorId: this.sensorId,
      firstSample: tracked.firstSample,
      deviceTime,
      acc,
      gyro,
      hostTime,
    };
    events.push(packet);
  }
}
