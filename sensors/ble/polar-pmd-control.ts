/**
 * Polar PMD control point: requests the host writes and the responses the device indicates.
 * Layouts from Polar's SDK (polarofficial/polar-ble-sdk: PmdControlPointCommand.kt,
 * PmdControlPointResponse.kt, PmdSetting.kt); see docs/sensors.md.
 *
 *   request   [opcode][measurement type][settings: [id][count = 1][value LE] ...]
 *   response  [0xF0][opcode][measurement type][status][more][parameters...]
 */

export const PMD_OPCODE = { getSettings: 1, start: 2, stop: 3, getSdkModeSettings: 4, status: 5 } as const;

/** Setting ids and their value sizes in bytes. */
export const PMD_SETTING = {
  sampleRate: 0,
  resolution: 1,
  range: 2,
  rangeMilliunit: 3,
  channels: 4,
  factor: 5,
} as const;
const SETTING_BYTES: Record<number, number> = { 0: 2, 1: 2, 2: 2, 3: 4, 4: 1, 5: 4 };
const SETTING_NAMES: Record<number, string> = {
  0: 'sample rate (Hz)',
  1: 'resolution (bits)',
  2: 'range',
  3: 'range (milliunits)',
  4: 'channels',
  5: 'factor',
};

/** Status codes 0-14 of a control point response (PmdControlPointResponseCode). */
const STATUS_TEXT = [
  'success',
  'invalid op code',
  'invalid measurement type',
  'not supported',
  'invalid length',
  'invalid parameter',
  'already in state',
  'invalid resolution',
  'invalid sample rate',
  'invalid range',
  'invalid MTU',
  'invalid number of channels',
  'invalid state',
  'device in charger',
  'disk full',
];

export function pmdStatusText(status: number): string {
  return STATUS_TEXT[status] ?? `unknown status ${status}`;
}

export interface PmdStartSettings {
  sampleRate: number;
  resolution?: number;
  range?: number;
  channels?: number;
}

/** `[1][type]`: asks which settings a measurement supports. */
export function pmdGetSettingsRequest(measurementType: number): Buffer {
  return Buffer.from([PMD_OPCODE.getSettings, measurementType]);
}

/** `[2][type][settings]`, settings in id order as Polar's SDK writes them. */
export function pmdStartRequest(measurementType: number, settings: PmdStartSettings): Buffer {
  const parts: number[] = [PMD_OPCODE.start, measurementType];
  const put = (id: number, value: number | undefined): void => {
    if (value === undefined) return;
    parts.push(id, 1);
    for (let i = 0; i < SETTING_BYTES[id]!; i++) parts.push(Math.floor(value / 256 ** i) & 0xff);
  };
  put(PMD_SETTING.sampleRate, settings.sampleRate);
  put(PMD_SETTING.resolution, settings.resolution);
  put(PMD_SETTING.range, settings.range);
  put(PMD_SETTING.channels, settings.channels);
  return Buffer.from(parts);
}

/** `[3][type]`. */
export function pmdStopRequest(measurementType: number): Buffer {
  return Buffer.from([PMD_OPCODE.stop, measurementType]);
}

export interface PmdResponse {
  opcode: number;
  measurementType: number;
  status: number;
  /** More response packets follow (their parameters continue these). */
  more: boolean;
  parameters: Uint8Array;
}

/** Parses a control point indication; null when it is not a response (0xF0) but a device event. */
export function parsePmdResponse(bytes: Uint8Array): PmdResponse | null {
  if (bytes.length < 4 || bytes[0] !== 0xf0) return null;
  const status = bytes[3]!;
  return {
    opcode: bytes[1]!,
    measurementType: bytes[2]!,
    status,
    more: status === 0 && bytes.length > 4 && bytes[4] !== 0,
    parameters: status === 0 && bytes.length > 5 ? bytes.subarray(5) : new Uint8Array(0),
  };
}

/**
 * Parses settings parameters (`[id][count][count values]...`) into id -> values. FACTOR (id 5) is
 * a float32; the others are unsigned integers.
 */
export function parsePmdSettings(parameters: Uint8Array): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const view = new DataView(parameters.buffer, parameters.byteOffset, parameters.byteLength);
  let at = 0;
  while (at + 2 <= parameters.length) {
    const id = parameters[at]!;
    const count = parameters[at + 1]!;
    const size = SETTING_BYTES[id];
    if (size === undefined) throw new Error(`parsePmdSettings(): unknown setting id ${id} at byte ${at}`);
    at += 2;
    const values: number[] = [];
    for (let i = 0; i < count; i++, at += size) {
      if (at + size > parameters.length) throw new Error(`parsePmdSettings(): setting ${id} runs past the parameters`);
      if (id === PMD_SETTING.factor) values.push(view.getFloat32(at, true));
      else if (size === 1) values.push(view.getUint8(at));
      else if (size === 2) values.push(view.getUint16(at, true));
      else values.push(view.getUint32(at, true));
    }
    out.set(id, values);
  }
  return out;
}

/** "sample rate (Hz) 25, 50, 100, 200; range 2, 4, 8": what a get-settings response offered. */
export function describePmdSettings(settings: Map<number, number[]>): string {
  return [...settings].map(([id, values]) => `${SETTING_NAMES[id] ?? `setting ${id}`} ${values.join(', ')}`).join('; ');
}
