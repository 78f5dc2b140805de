import {
  XDF_CHANNEL_FORMATS,
  isXdfChannelFormat,
  type XdfChannelFormat,
  type XdfNumericFormat,
  type XdfNumericValues,
  type XdfSampleLayout,
} from './xdf-chunks.ts';

/**
 * What the XDF writers (`XdfWriter`, `encodeXdf`) are given: stream info and sample values, checked
 * at the boundary with errors that name the argument, and values converted to the array type of
 * the stream's channel format.
 */

/** Stream metadata below `<desc>`: elements nest as objects; an array repeats its element. */
export type XdfDescValue = string | number | boolean | XdfDesc | readonly XdfDescValue[];
export interface XdfDesc {
  readonly [element: string]: XdfDescValue;
}

/** What a StreamHeader says about a stream (LSL's stream info). */
export interface XdfStreamInfo {
  name: string;
  /** Content type, e.g. 'IMU', 'Markers', 'VideoFrames'. */
  type: string;
  channelCount: number;
  /** Samples per second; 0 for an irregular stream (markers). */
  nominalSrate: number;
  channelFormat: XdfChannelFormat;
  /** A device's unique id, so a reader can tell a restarted device from a new one; default ''. */
  sourceId?: string;
  /** `created_at` (LSL clock seconds); written only when given. */
  createdAt?: number;
  /** E.g. `{ channels: { channel: [{ label: 'ax', unit: 'm/s^2', type: 'Acc' }] } }`. */
  desc?: XdfDesc;
}

/**
 * Row-major [samples x channels] values. Numeric formats take their own typed array as is
 * (Float32Array for float32, BigInt64Array for int64, ...) or numbers, which are converted
 * (integer formats check that each is an integer in range). String streams take a flat
 * string[] or one string[] per sample.
 */
export type XdfSampleValues =
  XdfNumericValues | ArrayLike<number> | readonly bigint[] | readonly string[] | readonly (readonly string[])[];

/** Stream info after checking, with `sourceId` defaulted. */
export type CheckedStreamInfo = Required<Omit<XdfStreamInfo, 'createdAt' | 'desc'>> &
  Pick<XdfStreamInfo, 'createdAt' | 'desc'>;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

export function checkFinite(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`${what} must be a finite number, got ${String(value)}`);
}

export function checkSeconds(value: number | undefined, what: string, zeroAllowed: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new Error(`${what} must be a number ${zeroAllowed ? '>= 0' : '> 0'} of seconds, got ${String(value)}`);
  }
}

export function checkStreamInfo(info: XdfStreamInfo, where: string): CheckedStreamInfo {
  if (typeof info !== 'object' || info === null)
    throw new Error(`${where}: info must be an object, got ${describe(info)}`);
  const { name, type, channelCount, nominalSrate, channelFormat, sourceId = '', createdAt, desc } = info;
  if (typeof name !== 'string') throw new Error(`${where}: name must be a string, got ${describe(name)}`);
  if (typeof type !== 'string') throw new Error(`${where}: type must be a string, got ${describe(type)}`);
  if (typeof sourceId !== 'string') throw new Error(`${where}: sourceId must be a string, got ${describe(sourceId)}`);
  if (!Number.isInteger(channelCount) || channelCount < 1 || channelCount > 0x7fff_ffff) {
    throw new Error(`${where}: channelCount must be a positive integer, got ${String(channelCount)}`);
  }
  if (typeof nominalSrate !== 'number' || !Number.isFinite(nominalSrate) || nominalSrate < 0) {
    throw new Error(`${where}: nominalSrate must be >= 0 (0 for irregular streams), got ${String(nominalSrate)}`);
  }
  if (typeof channelFormat !== 'string' || !isXdfChannelFormat(channelFormat)) {
    throw new Error(
      `${where}: channelFormat must be one of ${XDF_CHANNEL_FORMATS.join(', ')}; got '${String(channelFormat)}'`,
    );
  }
  if (createdAt !== undefined) checkFinite(createdAt, `${where}: createdAt`);
  const checked: CheckedStreamInfo = { name, type, channelCount, nominalSrate, channelFormat, sourceId };
  if (createdAt !== undefined) checked.createdAt = createdAt;
  if (desc !== undefined) checked.desc = desc;
  return checked;
}

export function checkTimestamps(
  timestamps: Float64Array | null,
  count: number,
  nominalSrate: number,
  where: string,
): void {
  if (timestamps === null) {
    if (nominalSrate === 0 && count > 0) {
      throw new Error(
        `${where}: timestamps are required for an irregular stream (nominalSrate 0); readers could not place its samples`,
      );
    }
    return;
  }
  if (!(timestamps instanceof Float64Array))
    throw new Error(`${where}: timestamps must be a Float64Array or null, got ${describe(timestamps)}`);
  if (timestamps.length !== count) throw new Error(`${where}: ${timestamps.length} timestamps for ${count} samples`);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(timestamps[i])) throw new Error(`${where}: timestamps[${i}] is ${String(timestamps[i])}`);
  }
}

const INTEGER_RANGE: Readonly<Record<'int8' | 'int16' | 'int32', [number, number]>> = {
  int8: [-0x80, 0x7f],
  int16: [-0x8000, 0x7fff],
  int32: [-0x8000_0000, 0x7fff_ffff],
};

const NUMERIC_ARRAY: Readonly<Record<XdfNumericFormat, { new (n: number): XdfNumericValues }>> = {
  float32: Float32Array,
  double64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
};

/** The values as the layout's array type, with the sample count; errors name `what`. */
export function toLayoutValues(
  values: XdfSampleValues,
  layout: XdfSampleLayout,
  what: string,
): { values: XdfNumericValues | readonly string[]; count: number } {
  const { channelFormat, channelCount } = layout;
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<unknown>).length !== 'number') {
    throw new Error(`${what} must be an array, got ${describe(values)}`);
  }
  if (channelFormat === 'string') {
    const flat = toStrings(values as ArrayLike<unknown>, channelCount, what);
    return { values: flat, count: flat.length / channelCount };
  }
  const list = values as ArrayLike<unknown>;
  if (list.length % channelCount !== 0) {
    throw new Error(`${what} has ${list.length} entries, not a multiple of channelCount ${channelCount}`);
  }
  const count = list.length / channelCount;
  const Target = NUMERIC_ARRAY[channelFormat];
  if (values instanceof Target) return { values, count };
  const out = new Target(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (channelFormat === 'int64') {
      if (typeof v === 'bigint') {
        if (BigInt.asIntN(64, v) !== v) throw new Error(`${what}[${i}] = ${v} does not fit in int64`);
        out[i] = v;
      } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
        out[i] = BigInt(v);
      } else {
        throw new Error(`${what}[${i}] must be an integer (number or bigint) for int64, got ${describe(v)}`);
      }
      continue;
    }
    if (typeof v !== 'number')
      throw new Error(`${what}[${i}] must be a number for ${channelFormat}, got ${describe(v)}`);
    if (channelFormat !== 'float32' && channelFormat !== 'double64') {
      const [lo, hi] = INTEGER_RANGE[channelFormat];
      if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${what}[${i}] = ${v} is not an ${channelFormat}`);
    }
    out[i] = v;
  }
  return { values: out, count };
}

function toStrings(values: ArrayLike<unknown>, channelCount: number, what: string): readonly string[] {
  const nested = values.length > 0 && Array.isArray(values[0]);
  if (!nested) {
    if (values.length % channelCount !== 0) {
      throw new Error(`${what} has ${values.length} entries, not a multiple of channelCount ${channelCount}`);
    }
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'string')
        throw new Error(`${what}[${i}] must be a string for a string stream, got ${describe(values[i])}`);
    }
    return Array.isArray(values) ? (values as readonly string[]) : Array.from(values as ArrayLike<string>);
  }
  const flat: string[] = [];
  for (let s = 0; s < values.length; s++) {
    const row = values[s];
    if (!Array.isArray(row) || row.length !== channelCount) {
      throw new Error(
        `${what}[${s}] must be an array of ${channelCount} strings, got ${describe(row)}${Array.isArray(row) ? ` of length ${row.length}` : ''}`,
      );
    }
    for (let c = 0; c < channelCount; c++) {
      if (typeof row[c] !== 'string') throw new Error(`${what}[${s}][${c}] must be a string, got ${describe(row[c])}`);
      flat.push(row[c] as string);
    }
  }
  return flat;
}
