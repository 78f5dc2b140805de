import type { ImuPacket, SensorEvent } from '../imu-packet.ts';
import { DerivedSampleCounter } from './derived-sample-counter.ts';
import { GspAssembler, decodeGspImu6 } from './movesense-gsp.ts';

const DEG_TO_RAD = Math.PI / 180;
const U32 = 2 ** 32;

export interface MovesenseImu6StreamOptions {
  sensorId: string;
  placement?: string;
  /** The client reference of our /Meas/IMU6 subscription: notifications with another are ignored. */
  reference: number;
  rateHz: number;
}

/**
 * The notifications of one /Meas/IMU6/{rate} subscription turned into ImuPackets: continuations are
 * joined, the first sample's millisecond timestamp is unwrapped (u32) and the others follow at the
 * nominal rate, samples are numbered by a DerivedSampleCounter (a jump in device time of half a
 * notification or more closes a gap), and gyro deg/s become rad/s.
 */
export class MovesenseImu6Stream {
  readonly #options: MovesenseImu6StreamOptions;
  readonly #counter: DerivedSampleCounter;
  readonly #assembler = new GspAssembler();
  #wrapOffset = 0;
  #lastMs = -1;

  constructor(options: MovesenseImu6StreamOptions) {
    this.#options = options;
    this.#counter = new DerivedSampleCounter(options.sensorId, options.rateHz);
  }

  /** The link dropped at `hostTime`: a held part is forgotten and the next data closes a gap. */
  restart(hostTime: number): void {
    this.#assembler.reset();
    this.#counter.disconnected(hostTime);
  }

  openGap(): SensorEvent | null {
    return this.#counter.openGap();
  }

  /** Events for one notification (none while a data part waits for its continuation). */
  push(bytes: Uint8Array, hostTime: number): SensorEvent[] {
    const events: SensorEvent[] = [];
    const { rateHz, reference } = this.#options;
    for (const message of this.#assembler.push(bytes)) {
      if (message.reference !== reference || message.type !== 'data') continue;
      const imu = decodeGspImu6(message.payload);
      if (imu.count === 0) continue;
      if (this.#lastMs >= 0 && imu.timestampMs + this.#wrapOffset < this.#lastMs - U32 / 2) this.#wrapOffset += U32;
      const firstMs = imu.timestampMs + this.#wrapOffset;
      this.#lastMs = firstMs;
      const deviceTime = new Float64Array(imu.count);
      for (let i = 0; i < imu.count; i++) deviceTime[i] = firstMs / 1000 + i / rateHz;
      const { firstSample, gap } = this.#counter.place(
        imu.count,
        deviceTime[0]!,
        deviceTime[imu.count - 1]!,
        hostTime,
        Math.ceil(imu.count / 2),
      );
      if (gap !== null) events.push(gap);
      const gyro = imu.gyro;
      for (let i = 0; i < gyro.length; i++) gyro[i] = gyro[i]! * DEG_TO_RAD;
      const packet: ImuPacket = {
        kind: 'imu',
        sensorId: this.#options.sensorId,
        ...(this.#options.placement !== undefined ? { placement: this.#options.placement } : {}),
        firstSample,
        deviceTime,
        acc: imu.acc,
        gyro,
        hostTime,
      };
      events.push(packet);
    }
    return events;
  }
}
