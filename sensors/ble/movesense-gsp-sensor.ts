import { UserError } from '../../src/core/errors.ts';
import type { SensorEvent } from '../imu-packet.ts';
import type { SensorSource } from '../sensor-source.ts';
import { BleSensorSource, type BleLink, type BleProtocol, type BleSourceOptions } from './ble-sensor-source.ts';
import { GSP_NOTIFY, GSP_SERVICE, GSP_WRITE } from './ble-uuids.ts';
import { MOVESENSE_IMU_RATES, gspSubscribeCommand, gspUnsubscribeCommand } from './movesense-gsp.ts';
import { MovesenseImu6Stream } from './movesense-gsp-stream.ts';

/** The client reference our subscription uses; any byte the host chooses. */
const REFERENCE = 99;

export interface MovesenseGspOptions extends BleSourceOptions {
  placement?: string;
  /** IMU6 sample rate in Hz (default 104): one of 13, 26, 52, 104, 208, 416, 833, 1666. */
  rateHz?: number;
}

/**
 * A Movesense sensor running firmware with the GATT SensorData Protocol (the gatt_sensordata_app
 * sample; stock firmware may lack it), subscribed to /Meas/IMU6/{rate}; sensor id
 * `movesense:<address>`. Decoding, timing and gaps: MovesenseImu6Stream.
 */
export function openMovesenseGsp(options: MovesenseGspOptions): SensorSource {
  const rateHz = options.rateHz ?? 104;
  if (!(MOVESENSE_IMU_RATES as readonly number[]).includes(rateHz)) {
    throw new UserError(
      `movesense: IMU6 rate ${rateHz} Hz is not offered`,
      `choose one of ${MOVESENSE_IMU_RATES.join(', ')}`,
    );
  }
  const source = new BleSensorSource(`movesense:${options.address}`, options);
  const stream = new MovesenseImu6Stream({
    sensorId: `movesense:${options.address.toLowerCase()}`,
    ...(options.placement !== undefined ? { placement: options.placement } : {}),
    reference: REFERENCE,
    rateHz,
  });
  source.attach(new MovesenseProtocol(stream, rateHz, (e) => source.emit(e)));
  return source;
}

class MovesenseProtocol implements BleProtocol {
  readonly serviceUuid = GSP_SERVICE;
  readonly characteristicUuids = [GSP_WRITE, GSP_NOTIFY];
  readonly #stream: MovesenseImu6Stream;
  readonly #rateHz: number;
  readonly #emit: (event: SensorEvent) => void;

  constructor(stream: MovesenseImu6Stream, rateHz: number, emit: (event: SensorEvent) => void) {
    this.#stream = stream;
    this.#rateHz = rateHz;
    this.#emit = emit;
  }

  async setup(link: BleLink): Promise<void> {
    await link.subscribe(GSP_NOTIFY, (data, hostTime) => {
      for (const event of this.#stream.push(data, hostTime)) this.#emit(event);
    });
    await link.write(GSP_WRITE, gspSubscribeCommand(REFERENCE, `/Meas/IMU6/${this.#rateHz}`));
  }

  async teardown(link: BleLink): Promise<void> {
    await link.write(GSP_WRITE, gspUnsubscribeCommand(REFERENCE));
  }

  onDisconnect(hostTime: number): void {
    this.#stream.restart(hostTime);
  }

  openGaps(): SensorEvent[] {
    const gap = this.#stream.openGap();
    return gap === null ? [] : [gap];
  }
}
