import type { XdfWriter } from '../../src/formats/xdf/xdf-writer.ts';
import { IMU_CHANNEL_LABELS, SESSION_STREAMS } from '../../src/formats/session/session-layout.ts';
import { DeviceClock } from '../../src/sync/device-clock.ts';
import type { ClockFit } from '../../src/sync/fit-clock.ts';
import { hostNow, type ImuPacket } from '../imu-packet.ts';

/** Seconds of host time between a sensor's ClockOffset chunks. */
const OFFSET_EVERY_SECONDS = 1;
/** The rate shown is counted over this many seconds of host time. */
const RATE_WINDOW_SECONDS = 2;

/** What the recorder knows of one sensor's stream, for the view and the summary. */
export interface ImuStreamStatus {
  sensorId: string;
  streamName: string;
  placement?: string;
  spec: string;
  nominalRate: number;
  samples: number;
  /** Samples lost in gaps whose count is known. */
  lost: number;
  gaps: number;
  clockResets: number;
  /** Samples per second over the last seconds of host time. */
  rate: number;
  fit: ClockFit | null;
  /**
   * How far host - device has moved since the stream's first clock offset (since its last clock
   * reset), seconds: the clocks' relative drift so far, which a person can read (the offset itself
   * is a device's arbitrary origin against the host's epoch seconds).
   */
  offsetChange: number;
}

/**
 * One sensor's IMU stream in the session's XDF file: its StreamHeader written at its first packet
 * (the rate is read from the packet's device times), each packet one Samples chunk with device time
 * stamps as it arrives, a DeviceClock fed with each packet's last device time and host arrival,
 * and a ClockOffset chunk (host - device at the packet's device time, by the current fit) about
 * every second.
 */
export class ImuStreamRecorder {
  readonly sensorId: string;
  readonly streamId: number;
  readonly nominalRate: number;
  private readonly writer: XdfWriter;
  private readonly clock: DeviceClock;
  private readonly status: ImuStreamStatus;
  private readonly recent: [number, number][] = [];
  private lastOffsetAt = Number.NEGATIVE_INFINITY;
  private firstHostTime = Number.NaN;
  private lastDevice = Number.NaN;
  private firstOffset = Number.NaN;
  /** Seconds from each packet's arrival to its chunk having been written (host clock). */
  readonly latencies: number[] = [];

  constructor(writer: XdfWriter, first: ImuPacket, spec: string, placement: string | undefined) {
    this.writer = writer;
    this.sensorId = first.sensorId;
    this.clock = new DeviceClock();
    this.nominalRate = rateOf(first.deviceTime);
    this.streamId = writer.addStream({
      name: first.sensorId,
      type: SESSION_STREAMS.imuType,
      channelCount: IMU_CHANNEL_LABELS.length,
      nominalSrate: this.nominalRate,
      channelFormat: 'float32',
      sourceId: first.sensorId,
      desc: {
        channels: { channel: IMU_CHANNEL_LABELS.map((c) => ({ ...c })) },
        ...(placement !== undefined ? { placement } : {}),
        sensor: { id: first.sensorId, spec },
        clock: 'device',
      },
    });
    this.status = {
      sensorId: first.sensorId,
      streamName: first.sensorId,
      spec,
      nominalRate: this.nominalRate,
      samples: 0,
      lost: 0,
      gaps: 0,
      clockResets: 0,
      rate: 0,
      fit: null,
      offsetChange: 0,
      ...(placement !== undefined ? { placement } : {}),
    };
  }

  /**
   * Writes the packet's samples; returns whether its device clock reset (went back or jumped
   * against the host clock), which the caller records in the gaps stream.
   */
  packet(packet: ImuPacket): { reset: boolean } {
    const n = packet.deviceTime.length;
    if (n === 0) return { reset: false };
    const values = new Float32Array(n * 6);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        values[i * 6 + k] = packet.acc.length > 0 ? (packet.acc[i * 3 + k] as number) : Number.NaN;
        values[i * 6 + 3 + k] = packet.gyro.length > 0 ? (packet.gyro[i * 3 + k] as number) : Number.NaN;
      }
    }
    this.writer.writeSamples(this.streamId, packet.deviceTime, values);
    const last = packet.deviceTime[n - 1] as number;
    this.lastDevice = last;
    const { reset } = this.clock.add(last, packet.hostTime);
    if (reset) {
      this.status.clockResets++;
      this.lastOffsetAt = Number.NEGATIVE_INFINITY;
      this.firstOffset = Number.NaN;
    }
    if (packet.hostTime - this.lastOffsetAt >= OFFSET_EVERY_SECONDS) {
      const host = this.clock.toHost(last);
      if (Number.isFinite(host)) {
        this.writer.writeClockOffset(this.streamId, last, host - last);
        this.lastOffsetAt = packet.hostTime;
        if (Number.isNaN(this.firstOffset)) this.firstOffset = host - last;
        this.status.offsetChange = host - last - this.firstOffset;
      }
    }
    this.status.samples += n;
    if (Number.isNaN(this.firstHostTime)) this.firstHostTime = packet.hostTime;
    this.recent.push([packet.hostTime, n]);
    this.latencies.push(hostNow() - packet.hostTime);
    return { reset };
  }

  /** Device time of the last sample written (NaN before the first). */
  get lastDeviceTime(): number {
    return this.lastDevice;
  }

  /** A gap of this sensor, counted. */
  gap(samplesLost: number | null): void {
    this.status.gaps++;
    if (samplesLost !== null) this.status.lost += samplesLost;
  }

  /** The stream's status as of host time `now`. */
  snapshot(now: number): ImuStreamStatus {
    while (this.recent.length > 0 && (this.recent[0] as [number, number])[0] < now - RATE_WINDOW_SECONDS)
      this.recent.shift();
    // Over the whole window once the stream is that old; before, over the time since its first packet.
    const span = Math.min(RATE_WINDOW_SECONDS, now - this.firstHostTime);
    const inWindow = this.recent.reduce((s, [, n]) => s + n, 0);
    return { ...this.status, rate: span > 0.2 ? inWindow / span : 0, fit: this.clock.fit() };
  }
}

/** The nominal rate from a packet's device times (0, irregular, when it has one sample). */
function rateOf(deviceTime: Float64Array): number {
  if (deviceTime.length < 2) return 0;
  const period = ((deviceTime[deviceTime.length - 1] as number) - (deviceTime[0] as number)) / (deviceTime.length - 1);
  return period > 0 ? Math.round((1 / period) * 1000) / 1000 : 0;
}
