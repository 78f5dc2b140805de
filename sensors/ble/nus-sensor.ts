import type { SensorEvent } from '../imu-packet.ts';
import type { SensorSource } from '../sensor-source.ts';
import { FramedStreamDecoder } from '../framed/framed-stream-decoder.ts';
import { BleSensorSource, type BleLink, type BleProtocol, type BleSourceOptions } from './ble-sensor-source.ts';
import { NUS_RX, NUS_SERVICE, NUS_TX } from './ble-uuids.ts';

/**
 * Our own framed IMU protocol (docs/sensors.md) carried over the Nordic UART Service, as the
 * motionfuse-imu firmware sends it: TX notifications are a byte stream like a serial port's, so
 * they go through the same streaming frame parser (a frame may span notifications) and the same
 * per-sensor sequence tracking; sensor ids are `nus:<address>#<frame sensor id>`. The device's
 * sample counter makes every gap exact, a disconnect's included.
 */
export function openNusSensor(options: BleSourceOptions): SensorSource {
  const source = new BleSensorSource(`nus:${options.address}`, options);
  source.attach(new NusProtocol(`nus:${options.address.toLowerCase()}`, (e) => source.emit(e)));
  return source;
}

class NusProtocol implements BleProtocol {
  readonly serviceUuid = NUS_SERVICE;
  readonly characteristicUuids = [NUS_RX, NUS_TX];
  readonly #decoder: FramedStreamDecoder;
  readonly #emit: (event: SensorEvent) => void;

  constructor(prefix: string, emit: (event: SensorEvent) => void) {
    this.#decoder = new FramedStreamDecoder(prefix);
    this.#emit = emit;
  }

  async setup(link: BleLink): Promise<void> {
    await link.subscribe(NUS_TX, (data, hostTime) => {
      for (const event of this.#decoder.push(data, hostTime)) this.#emit(event);
    });
  }

  async teardown(): Promise<void> {
    // The firmware streams whenever a central is subscribed; disconnecting is enough.
  }

  onDisconnect(hostTime: number): void {
    this.#decoder.disconnected(hostTime);
  }

  openGaps(): SensorEvent[] {
    return [];
  }
}
