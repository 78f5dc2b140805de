import { UserError } from '../../src/core/errors.ts';
import type { SensorSource } from '../sensor-source.ts';
import { openMovesenseGsp } from './movesense-gsp-sensor.ts';
import { openNusSensor } from './nus-sensor.ts';
import { openPolarPmd, type PolarMeasurementRequest } from './polar-pmd-sensor.ts';

/** The options sensors/open-sensor.ts passes every driver. */
interface SpecOptions {
  reconnectIntervalMs?: number;
}

const ADDRESS = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** `ADDRESS[?k=v&...]` -> address and the allowed options; a UserError names what is wrong. */
function parseBleSpec(
  rest: string,
  spec: string,
  allowed: string[],
  example: string,
): { address: string; params: URLSearchParams } {
  const query = rest.indexOf('?');
  const address = query >= 0 ? rest.slice(0, query) : rest;
  const params = new URLSearchParams(query >= 0 ? rest.slice(query + 1) : '');
  if (!ADDRESS.test(address)) {
    throw new UserError(
      `sensor spec '${spec}': '${address}' is not a BLE address`,
      `write it as six hex pairs, e.g. ${example}; \`motionfuse sensors scan\` lists them`,
    );
  }
  for (const key of params.keys()) {
    if (!allowed.includes(key)) {
      throw new UserError(
        `sensor spec '${spec}': unknown option '${key}'`,
        allowed.length > 0 ? `this driver takes ${allowed.join(', ')}` : 'this driver takes no options',
      );
    }
  }
  return { address: address.toLowerCase(), params };
}

function positive(spec: string, params: URLSearchParams, key: string): number | undefined {
  const text = params.get(key);
  if (text === null) return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value > 0))
    throw new UserError(`sensor spec '${spec}': ${key} '${text}' is not a positive whole number`);
  return value;
}

const reconnect = (options: SpecOptions) =>
  options.reconnectIntervalMs !== undefined ? { reconnectDelayMs: options.reconnectIntervalMs } : {};

/** `polar:ADDRESS[?rate=HZ&range=G&gyro=on|off]`: rate and range are the ACC's; GYRO at what the device offers. */
export function createPolarSensor(rest: string, spec: string, options: SpecOptions): SensorSource {
  const { address, params } = parseBleSpec(rest, spec, ['rate', 'range', 'gyro'], 'polar:a0:9e:1a:12:34:56');
  const rate = positive(spec, params, 'rate');
  const range = positive(spec, params, 'range');
  const acc: PolarMeasurementRequest = {
    ...(rate !== undefined ? { sampleRate: rate } : {}),
    ...(range !== undefined ? { range } : {}),
  };
  const gyro = params.get('gyro');
  if (gyro !== null && gyro !== 'on' && gyro !== 'off')
    throw new UserError(`sensor spec '${spec}': gyro '${gyro}' is not on or off`);
  return openPolarPmd({
    address,
    acc,
    ...(gyro === 'off' ? { gyro: false } : gyro === 'on' ? { gyro: {} } : {}),
    ...reconnect(options),
  });
}

/** `movesense:ADDRESS[?rate=HZ]` (IMU6 rate, default 104). */
export function createMovesenseSensor(rest: string, spec: string, options: SpecOptions): SensorSource {
  const { address, params } = parseBleSpec(rest, spec, ['rate'], 'movesense:0c:8c:dc:22:54:15');
  const rateHz = positive(spec, params, 'rate');
  return openMovesenseGsp({ address, ...(rateHz !== undefined ? { rateHz } : {}), ...reconnect(options) });
}

/** `nus:ADDRESS`: our framed IMU protocol over the Nordic UART Service (the motionfuse-imu firmware). */
export function createNusSensor(rest: string, spec: string, options: SpecOptions): SensorSource {
  const { address } = parseBleSpec(rest, spec, [], 'nus:d4:3b:04:aa:bb:cc');
  return openNusSensor({ address, ...reconnect(options) });
}
