import { UserError } from '../src/core/errors.ts';
import type { SensorSource } from './sensor-source.ts';
import { SerialSensor } from './serial/serial-sensor.ts';
import { createMovesenseSensor, createNusSensor, createPolarSensor } from './ble/ble-sensor-specs.ts';

/** Options every driver may take (a driver ignores what it does not use). */
export interface OpenSensorOptions {
  /** Milliseconds between reconnection attempts after a device went away. */
  reconnectIntervalMs?: number;
}

/** Builds a sensor from the part of the spec after `prefix:`; throws a UserError on a bad spec. */
export type SensorFactory = (rest: string, spec: string, options: OpenSensorOptions) => SensorSource;

interface Driver {
  /** How the part after the prefix is written, for help and error texts. */
  usage: string;
  create: SensorFactory;
}

/**
 * The drivers by spec prefix. A new driver is one line here (BLE: `polar:`, `movesense:`, `nus:`
 * go below `serial:`), and `motionfuse sensors stream` and the recorder can open it.
 */
const DRIVERS: Record<string, Driver> = {
  serial: { usage: 'serial:PATH[@BAUD][?format=framed|csv]', create: createSerialSensor },
  polar: { usage: 'polar:ADDRESS[?rate=HZ&range=G&gyro=on|off]', create: createPolarSensor },
  movesense: { usage: 'movesense:ADDRESS[?rate=HZ]', create: createMovesenseSensor },
  nus: { usage: 'nus:ADDRESS', create: createNusSensor },
};

/** The spec prefixes a driver is registered for, with their usage. */
export function sensorSpecUsages(): string[] {
  return Object.values(DRIVERS).map((d) => d.usage);
}

/**
 * Opens (creates; `start()` connects) the sensor a spec names: `serial:/dev/ttyACM0`,
 * `serial:/dev/ttyUSB0@921600?format=csv`, and what the BLE drivers add. An unknown prefix lists
 * the known ones.
 */
export async function openSensor(spec: string, options: OpenSensorOptions = {}): Promise<SensorSource> {
  const colon = spec.indexOf(':');
  const prefix = colon > 0 ? spec.slice(0, colon) : '';
  const driver = Object.hasOwn(DRIVERS, prefix) ? DRIVERS[prefix] : undefined;
  if (driver === undefined) {
    throw new UserError(`unknown sensor spec '${spec}'`, `write one of: ${sensorSpecUsages().join(', ')}`);
  }
  return driver.create(spec.slice(colon + 1), spec, options);
}

/** `PATH[@BAUD][?format=framed|csv]`. */
function createSerialSensor(rest: string, spec: string, options: OpenSensorOptions): SensorSource {
  const query = rest.indexOf('?');
  const target = query >= 0 ? rest.slice(0, query) : rest;
  const params = new URLSearchParams(query >= 0 ? rest.slice(query + 1) : '');
  const at = target.lastIndexOf('@');
  const path = at >= 0 ? target.slice(0, at) : target;
  const baudText = at >= 0 ? target.slice(at + 1) : undefined;
  const baudRate = baudText === undefined ? undefined : Number(baudText);
  if (path === '')
    throw new UserError(`sensor spec '${spec}' names no port`, 'write serial:PATH, e.g. serial:/dev/ttyACM0');
  if (baudRate !== undefined && !(Number.isInteger(baudRate) && baudRate > 0)) {
    throw new UserError(
      `sensor spec '${spec}': baud rate '${baudText}' is not a positive whole number`,
      'e.g. serial:/dev/ttyUSB0@115200',
    );
  }
  for (const key of params.keys()) {
    if (key !== 'format')
      throw new UserError(
        `sensor spec '${spec}': unknown option '${key}'`,
        'the serial driver takes ?format=framed|csv',
      );
  }
  const format = params.get('format') ?? 'framed';
  if (format !== 'framed' && format !== 'csv') {
    throw new UserError(
      `sensor spec '${spec}': format '${format}' is not framed or csv`,
      'write ?format=framed or ?format=csv',
    );
  }
  return new SerialSensor(
    {
      path,
      format,
      ...(baudRate !== undefined ? { baudRate } : {}),
      ...(options.reconnectIntervalMs !== undefined ? { reconnectIntervalMs: options.reconnectIntervalMs } : {}),
    },
    spec,
  );
}
