import type { ImuPacket, SensorEvent } from '../imu-packet.ts';
import { DerivedSampleCounter } from './derived-sample-counter.ts';
import { decodePmdFrame } from './polar-pmd-frame.ts';

const MG_TO_MS2 = 9.80665 / 1000;
const DEG_TO_RAD = Math.PI / 180;
/** A frame spanning more than this many times its samples' nominal duration lost frames before it. */
const GAP_SPAN_RATIO = 1.5;

export interface PolarPmdStreamOptions {
  sensorId: string;
  placement?: string;
  /** Which measurement this stream decodes: its frames carry one or the other. */
  kind: 'acc' | 'gyro';
  /** The sample rate the measurement was started with (Hz). */
  rateHz: number;
  /** The FACTOR from the start response (1 when none came). */
  factor: number;
}

/**
 * One started PMD measurement (ACC or GYRO) turned into ImuPackets. A frame's timestamp is its LAST
 * sample's; the samples before it are spread evenly between the previous frame's timestamp and this
 * one's, and the first frame (or the first after a restart or a gap) steps back from its timestamp
 * at the nominal rate, as Polar's SDK does (PmdTimeStampUtils.kt). PMD frames carry no counter:
 * samples are numbered by a DerivedSampleCounter, and a frame whose time span is far longer than
 * its samples at the nominal rate (lost frames) closes a 'sequence-jump' gap with an estimated
 * count (samplesLost null). Units are converted here: mG -> m/s^2, deg/s -> rad/s.
 */
export class PolarPmdStream {
  readonly #options: PolarPmdStreamOptions;
  readonly #counter: DerivedSampleCounter;
  #previousNs: bigint | null = null;
  #factor: number;

  constructor(options: PolarPmdStreamOptions) {
    this.#options = options;
    this.#factor = options.factor;
    this.#counter = new DerivedSampleCounter(options.sensorId, options.rateHz);
  }

  /** The measurement was (re)started and the device answered with this FACTOR. */
  setFactor(factor: number): void {
    this.#factor = factor;
  }

  /** The link dropped: the device restarts its frame timing when the measurement restarts. */
  restart(hostTime: number): void {
    this.#previousNs = null;
    this.#counter.disconnected(hostTime);
  }

  openGap(): SensorEvent | null {
    return this.#counter.openGap();
  }

  /** Decodes one data notification into a gap (if one closed) and a packet. */
  push(bytes: Uint8Array, hostTime: number): SensorEvent[] {
    const frame = decodePmdFrame(bytes, this.#factor);
    const n = frame.count;
    if (n === 0) return [];
    const { rateHz } = this.#options;
    const nominalNs = 1e9 / rateHz;
    const previous = this.#previousNs;
    this.#previousNs = frame.timestampNs;
    const lastSec = Number(frame.timestampNs) / 1e9;
    let stepSec = nominalNs / 1e9;
    let firstSec = lastSec - stepSec * (n - 1);
    let jump = false;
    if (previous !== null) {
      const spanNs = Number(frame.timestampNs - previous);
      if (spanNs > 0 && spanNs <= GAP_SPAN_RATIO * n * nominalNs) {
        stepSec = spanNs / n / 1e9;
        firstSec = Number(previous) / 1e9 + stepSec;
      } else {
        jump = spanNs > 0;
      }
    }
    const deviceTime = new Float64Array(n);
    for (let i = 0; i < n - 1; i++) deviceTime[i] = firstSec + stepSec * i;
    deviceTime[n - 1] = lastSec;
    const { firstSample, gap } = this.#counter.place(n, deviceTime[0]!, lastSec, hostTime, jump ? 1 : Infinity);
    const unit = this.#options.kind === 'acc' ? MG_TO_MS2 : DEG_TO_RAD;
    const values = new Float32Array(n * 3);
    for (let i = 0; i < n * 3; i++) values[i] = frame.values[i]! * unit;
    const packet: ImuPacket = {
      kind: 'imu',
      sensorId: this.#options.sensorId,
      ...(this.#options.placement !== undefined ? { placement: this.#options.placement } : {}),
      firstSample,
      deviceTime,
      acc: this.#options.kind === 'acc' ? values : new Float32Array(0),
      gyro: this.#options.kind === 'gyro' ? values : new Float32Array(0),
      hostTime,
    };
    return gap === null ? [packet] : [gap, packet];
  }
}
