import { UserError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { SensorEvent } from '../imu-packet.ts';
import type { SensorSource } from '../sensor-source.ts';
import { BleSensorSource, type BleLink, type BleProtocol, type BleSourceOptions } from './ble-sensor-source.ts';
import { PMD_CONTROL_POINT, PMD_DATA, PMD_SERVICE } from './ble-uuids.ts';
import {
  PMD_OPCODE,
  PMD_SETTING,
  describePmdSettings,
  parsePmdResponse,
  parsePmdSettings,
  pmdGetSettingsRequest,
  pmdStartRequest,
  pmdStatusText,
  pmdStopRequest,
  type PmdResponse,
} from './polar-pmd-control.ts';
import { PMD_MEASUREMENT } from './polar-pmd-frame.ts';
import { PolarPmdStream } from './polar-pmd-stream.ts';

const log = createLogger('ble:polar');

/** What to ask of one measurement; a setting left out takes the largest value the device offers. */
export interface PolarMeasurementRequest {
  sampleRate?: number;
  /** ACC: g; GYRO: deg/s. */
  range?: number;
  resolution?: number;
}

export interface PolarPmdOptions extends BleSourceOptions {
  placement?: string;
  /** ACC settings (default: the largest the device offers); false: do not stream ACC. */
  acc?: PolarMeasurementRequest | false;
  /**
   * GYRO settings; default: stream it when the device offers it (Verity Sense does, H10 does not);
   * false: do not. Asking for it explicitly on a device without it is an error.
   */
  gyro?: PolarMeasurementRequest | false;
  /** How long to wait for each control point response (ms, default 5000). */
  responseTimeoutMs?: number;
}

/**
 * A Polar sensor (H10, Verity Sense, OH1) streaming raw ACC and GYRO over the Polar Measurement
 * Data service. The ACC and GYRO streams have their own timestamps and sample numbering, so their
 * packets carry sensor ids `polar:<address>#acc` and `polar:<address>#gyro`.
 */
export function openPolarPmd(options: PolarPmdOptions): SensorSource {
  const source = new BleSensorSource(`polar:${options.address}`, options);
  source.attach(new PolarPmdProtocol(options, (e) => source.emit(e)));
  return source;
}

type Kind = 'acc' | 'gyro';
const TYPE: Record<Kind, number> = { acc: PMD_MEASUREMENT.acc, gyro: PMD_MEASUREMENT.gyro };

class PolarPmdProtocol implements BleProtocol {
  readonly serviceUuid = PMD_SERVICE;
  readonly characteristicUuids = [PMD_CONTROL_POINT, PMD_DATA];
  readonly #options: PolarPmdOptions;
  readonly #emit: (event: SensorEvent) => void;
  readonly #streams = new Map<number, PolarPmdStream>();
  #started: Kind[] = [];
  #waiter: { opcode: number; packets: PmdResponse[]; resolve: (r: PmdResponse) => void } | undefined;

  constructor(options: PolarPmdOptions, emit: (event: SensorEvent) => void) {
    this.#options = options;
    this.#emit = emit;
  }

  async setup(link: BleLink): Promise<void> {
    // Both must be enabled before any command (Polar's SDK waits for both too).
    await link.subscribe(PMD_CONTROL_POINT, (data) => this.#onControlPoint(data));
    await link.subscribe(PMD_DATA, (data, hostTime) => this.#onData(data, hostTime));
    this.#started = [];
    for (const kind of ['acc', 'gyro'] as const) {
      const wanted = this.#options[kind];
      if (wanted === false) continue;
      const explicit = wanted !== undefined;
      const offered = await this.#request(link, pmdGetSettingsRequest(TYPE[kind]));
      if (offered.status !== 0) {
        if (!explicit && kind === 'gyro') continue;
        throw new UserError(
          `Polar ${this.#options.address}: ${kind.toUpperCase()} is not available (${pmdStatusText(offered.status)})`,
          kind === 'gyro' ? 'the H10 has no gyroscope; leave gyro out or use a Verity Sense' : undefined,
        );
      }
      const settings = parsePmdSettings(offered.parameters);
      const chosen = chooseSettings(kind, wanted ?? {}, settings, this.#options.address);
      let started = await this.#request(link, pmdStartRequest(TYPE[kind], chosen));
      if (started.status === 6) {
        // "already in state": a previous session left it running; restart it with our settings.
        await this.#request(link, pmdStopRequest(TYPE[kind]));
        started = await this.#request(link, pmdStartRequest(TYPE[kind], chosen));
      }
      if (started.status !== 0) {
        throw new UserError(
          `Polar ${this.#options.address}: starting ${kind.toUpperCase()} at ${chosen.sampleRate} Hz failed: ${pmdStatusText(started.status)}`,
          `the device offers ${describePmdSettings(settings)}`,
        );
      }
      const factor = parsePmdSettings(started.parameters).get(PMD_SETTING.factor)?.[0] ?? 1;
      let stream = this.#streams.get(TYPE[kind]);
      if (stream === undefined) {
        stream = new PolarPmdStream({
          sensorId: `polar:${this.#options.address.toLowerCase()}#${kind}`,
          ...(this.#options.placement !== undefined ? { placement: this.#options.placement } : {}),
          kind,
          rateHz: chosen.sampleRate,
          factor,
        });
        this.#streams.set(TYPE[kind], stream);
      } else stream.setFactor(factor);
      this.#started.push(kind);
      log.debug(`${this.#options.address}: ${kind} at ${chosen.sampleRate} Hz, factor ${factor}`);
    }
    if (this.#started.length === 0) {
      throw new UserError(`Polar ${this.#options.address}: nothing to stream`, 'leave acc or gyro enabled');
    }
  }

  async teardown(link: BleLink): Promise<void> {
    for (const kind of this.#started) await this.#request(link, pmdStopRequest(TYPE[kind]));
    this.#started = [];
  }

  onDisconnect(hostTime: number): void {
    this.#waiter = undefined;
    for (const stream of this.#streams.values()) stream.restart(hostTime);
  }

  openGaps(): SensorEvent[] {
    return [...this.#streams.values()].flatMap((s) => s.openGap() ?? []);
  }

  /** Writes one control point request and waits for its (possibly multi-packet) response. */
  #request(link: BleLink, request: Buffer): Promise<PmdResponse> {
    const opcode = request[0]!;
    const timeoutMs = this.#options.responseTimeoutMs ?? 5000;
    return new Promise<PmdResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(
          new UserError(
            `Polar ${this.#options.address}: no answer to control point request ${request.toString('hex')} within ${timeoutMs} ms`,
            'reconnect the sensor; a Polar answers one client at a time (close the Polar app)',
          ),
        );
      }, timeoutMs);
      this.#waiter = {
        opcode,
        packets: [],
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      link.write(PMD_CONTROL_POINT, request).catch((err: unknown) => {
        clearTimeout(timer);
        this.#waiter = undefined;
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  #onControlPoint(data: Buffer): void {
    const response = parsePmdResponse(data);
    if (response === null) {
      // 0x01 [types...]: the device stopped a measurement by itself (Polar's "online measurement stopped").
      log.warn(`${this.#options.address}: control point event ${data.toString('hex')}`);
      return;
    }
    const waiter = this.#waiter;
    if (waiter === undefined || response.opcode !== waiter.opcode) return;
    waiter.packets.push(response);
    if (response.more) return;
    this.#waiter = undefined;
    const [first] = waiter.packets;
    const parameters = Buffer.concat(waiter.packets.map((p) => p.parameters));
    waiter.resolve({ ...first!, more: false, parameters });
  }

  #onData(data: Buffer, hostTime: number): void {
    const stream = this.#streams.get(data[0]! & 0x3f);
    if (stream === undefined) return;
    for (const event of stream.push(data, hostTime)) this.#emit(event);
  }
}

function chooseSettings(
  kind: Kind,
  wanted: PolarMeasurementRequest,
  offered: Map<number, number[]>,
  address: string,
): { sampleRate: number; range?: number; resolution?: number } {
  const pick = (id: number, value: number | undefined, label: string): number | undefined => {
    const values = offered.get(id) ?? [];
    if (value === undefined) return values.length > 0 ? Math.max(...values) : undefined;
    if (values.length > 0 && !values.includes(value)) {
      throw new UserError(
        `Polar ${address}: ${kind.toUpperCase()} ${label} ${value} is not offered`,
        `choose one of ${values.join(', ')}`,
      );
    }
    return value;
  };
  const sampleRate = pick(PMD_SETTING.sampleRate, wanted.sampleRate, 'sample rate');
  if (sampleRate === undefined) {
    throw new UserError(`Polar ${address}: the device offered no ${kind.toUpperCase()} sample rate`);
  }
  const range = pick(PMD_SETTING.range, wanted.range, 'range');
  const resolution = pick(PMD_SETTING.resolution, wanted.resolution, 'resolution');
  return {
    sampleRate,
    ...(range !== undefined ? { range } : {}),
    ...(resolution !== undefined ? { resolution } : {}),
  };
}
