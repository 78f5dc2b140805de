import type { FakeDevice } from './fake-hci-binding.ts';

/**
 * Fake peripherals for the BLE driver tests, their answers written byte by byte from the protocol
 * documents (docs/sensors.md cites them), not from our encoders.
 */

// UUIDs spelled as the vendors publish them; the fake binding normalises them like noble.
export const PMD_SERVICE = 'FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8';
export const PMD_CP = 'FB005C81-02E7-F387-1CAD-8ACD2D8DF0C8';
export const PMD_DATA = 'FB005C82-02E7-F387-1CAD-8ACD2D8DF0C8';
export const GSP_SERVICE = '34802252-7185-4d5d-b431-630e7050e8f0';
export const GSP_WRITE = '34800001-7185-4d5d-b431-630e7050e8f0';
export const GSP_NOTIFY = '34800002-7185-4d5d-b431-630e7050e8f0';
export const NUS_SERVICE = '6E400001-B5A3-F393-E0A9-E50E24DCCA9E';
export const NUS_RX = '6E400002-B5A3-F393-E0A9-E50E24DCCA9E';
export const NUS_TX = '6E400003-B5A3-F393-E0A9-E50E24DCCA9E';

/** Little-endian float32 bytes. */
export function f32(value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return [...b];
}

/** u64 LE bytes of a nanosecond timestamp. */
export function u64(value: bigint): number[] {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return [...b];
}

export interface FakePolarOptions {
  address: string;
  name?: string;
  /** Offers GYRO (a Verity Sense); false: answers "not supported" (status 3) like an H10. */
  gyro?: boolean;
  /** Status the start request is answered with (default 0, success). */
  startStatus?: number;
  accFactor?: number;
  gyroFactor?: number;
  battery?: number;
}

export interface FakePolar extends FakeDevice {
  /** Control point requests received, as hex. */
  requests: string[];
}

/**
 * A Polar sensor: answers get-settings (ACC: 52 and 200 Hz, 16 bit, 8 and 16 g; GYRO: 52 Hz,
 * 16 bit, 2000 deg/s) and start/stop on the control point, as indications `F0 op type status more
 * params`. Data frames are sent by the test.
 */
export function fakePolar(options: FakePolarOptions): FakePolar {
  const requests: string[] = [];
  const settings: Record<number, number[]> = {
    // [id][count][values LE]: sample rate 200, 52; resolution 16; range 8, 16
    2: [0x00, 0x02, 0xc8, 0x00, 0x34, 0x00, 0x01, 0x01, 0x10, 0x00, 0x02, 0x02, 0x08, 0x00, 0x10, 0x00],
    // sample rate 52; resolution 16; range 2000
    5: [0x00, 0x01, 0x34, 0x00, 0x01, 0x01, 0x10, 0x00, 0x02, 0x01, 0xd0, 0x07],
  };
  const factor: Record<number, number> = { 2: options.accFactor ?? 1, 5: options.gyroFactor ?? 1 };
  return {
    address: options.address,
    name: options.name ?? 'Polar Sense B5A1C2D3',
    advertisedServices: ['180d', PMD_SERVICE],
    services: { '180f': ['2a19'], [PMD_SERVICE]: [PMD_CP, PMD_DATA] },
    readValues: { '2a19': Uint8Array.from([options.battery ?? 87]) },
    requests,
    onWrite(characteristic, data, io) {
      if (characteristic !== PMD_CP.replaceAll('-', '').toLowerCase()) return;
      requests.push(data.toString('hex'));
      const [opcode, type] = [data[0]!, data[1]!];
      const offered = type === 2 || (type === 5 && options.gyro !== false);
      if (opcode === 1) {
        const body = offered ? [0x00, 0x00, ...settings[type]!] : [0x03];
        io.notify(PMD_CP, Uint8Array.from([0xf0, 0x01, type, ...body]));
      } else if (opcode === 2) {
        const status = offered ? (options.startStatus ?? 0) : 3;
        const body = status === 0 ? [0x00, 0x05, 0x01, ...f32(factor[type]!)] : [];
        io.notify(PMD_CP, Uint8Array.from([0xf0, 0x02, type, status, ...body]));
      } else if (opcode === 3) {
        io.notify(PMD_CP, Uint8Array.from([0xf0, 0x03, type, 0x00]));
      }
    },
  };
}

export interface FakeMovesense extends FakeDevice {
  commands: string[];
}

/** A Movesense with the GATT SensorData Protocol: records commands; data is sent by the test. */
export function fakeMovesense(address: string): FakeMovesense {
  const commands: string[] = [];
  return {
    address,
    name: 'Movesense 212330000123',
    advertisedServices: ['fe06', GSP_SERVICE],
    services: { [GSP_SERVICE]: [GSP_WRITE, GSP_NOTIFY] },
    commands,
    onWrite(_characteristic, data) {
      commands.push(data.toString('hex'));
    },
  };
}

/** A board running our firmware: NUS, data sent by the test. */
export function fakeNusBoard(address: string): FakeDevice {
  return {
    address,
    name: 'motionfuse-imu',
    advertisedServices: [NUS_SERVICE],
    services: { [NUS_SERVICE]: [NUS_RX, NUS_TX] },
  };
}
