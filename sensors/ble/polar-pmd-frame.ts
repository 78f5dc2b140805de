/**
 * Polar Measurement Data (PMD) data frames, decoded to samples in the device's units (mG for ACC,
 * deg/s for GYRO). Layouts from Polar's SDK (polarofficial/polar-ble-sdk: PmdDataFrame.kt,
 * AccData.kt, GyrData.kt, BlePMDClient.kt parseDeltaFramesAll); see docs/sensors.md.
 *
 *   0      measurement type (low 6 bits)
 *   1..8   u64 LE timestamp of the frame's LAST sample, ns since 2000-01-01 on the device clock
 *   9      frame type (bits 0-6) | 0x80 when delta-compressed
 *   10..   payload
 */

export const PMD_MEASUREMENT = { ecg: 0, ppg: 1, acc: 2, ppi: 3, gyro: 5, mag: 6, sdkMode: 9 } as const;

export interface PmdFrame {
  measurementType: number;
  /** Device time of the frame's last sample, ns since 2000-01-01 (device clock). */
  timestampNs: bigint;
  frameType: number;
  compressed: boolean;
  /** Number of samples. */
  count: number;
  /** count x 3 interleaved x, y, z: mG for ACC, deg/s for GYRO. */
  values: Float64Array;
}

/** Bytes per axis of the raw (uncompressed) ACC frame types 0, 1 and 2. */
const RAW_ACC_BYTES: Record<number, number> = { 0: 1, 1: 2, 2: 3 };

/**
 * Decodes one PMD data notification. `factor` is the FACTOR setting the device returned when the
 * measurement started (1 when it returned none); compressed frames are scaled by it.
 */
export function decodePmdFrame(bytes: Uint8Array, factor: number): PmdFrame {
  if (bytes.length < 10)
    throw new Error(`decodePmdFrame(): a PMD frame has a 10-byte header, got ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const measurementType = bytes[0]! & 0x3f;
  const timestampNs = view.getBigUint64(1, true);
  const frameType = bytes[9]! & 0x7f;
  const compressed = (bytes[9]! & 0x80) !== 0;
  const payload = bytes.subarray(10);
  let values: Float64Array;
  if (measurementType === PMD_MEASUREMENT.acc) {
    if (!compressed) {
      const width = RAW_ACC_BYTES[frameType];
      if (width === undefined) throw new Error(`decodePmdFrame(): raw ACC frame type ${frameType} is not supported`);
      values = decodeRawSamples(payload, width);
    } else if (frameType === 0) {
      // Type 0 compressed ACC carries G units: FACTOR x 1000 gives mG (AccData.kt).
      values = scale(decodeDeltaSamples(payload, 3, 16), factor * 1000);
    } else if (frameType === 1) {
      values = scale(decodeDeltaSamples(payload, 3, 16), factor);
    } else {
      throw new Error(`decodePmdFrame(): compressed ACC frame type ${frameType} is not supported`);
    }
  } else if (measurementType === PMD_MEASUREMENT.gyro) {
    if (!compressed || frameType !== 0) {
      throw new Error(
        `decodePmdFrame(): GYRO frame type ${frameType}${compressed ? ' (compressed)' : ' (raw)'} is not supported; only compressed type 0 is`,
      );
    }
    values = scale(decodeDeltaSamples(payload, 3, 16), factor);
  } else {
    throw new Error(`decodePmdFrame(): measurement type ${measurementType} is not ACC (2) or GYRO (5)`);
  }
  return { measurementType, timestampNs, frameType, compressed, count: values.length / 3, values };
}

/** Raw frames: consecutive x, y, z signed little-endian integers of `width` bytes each. */
function decodeRawSamples(payload: Uint8Array, width: number): Float64Array {
  const n = Math.floor(payload.length / (3 * width));
  const out = new Float64Array(n * 3);
  const signBit = 2 ** (8 * width - 1);
  for (let i = 0, at = 0; i < n * 3; i++, at += width) {
    let v = 0;
    for (let b = width - 1; b >= 0; b--) v = v * 256 + payload[at + b]!;
    out[i] = v >= signBit ? v - 2 * signBit : v;
  }
  return out;
}

/**
 * Delta-compressed frames: one reference sample (`channels` signed LE integers of
 * ceil(resolution / 8) bytes), then blocks of `[delta bit width u8][sample count u8]` followed by
 * count x channels signed deltas of that bit width, packed LSB first and padded to a whole byte per
 * block. Each delta adds to the previous sample; the reference is the first sample.
 */
export function decodeDeltaSamples(payload: Uint8Array, channels: number, resolution: number): Float64Array {
  const refBytes = Math.ceil(resolution / 8);
  const headerEnd = channels * refBytes;
  if (payload.length < headerEnd) throw new Error('decodeDeltaSamples(): frame shorter than its reference sample');
  // First pass over the block headers: how many samples.
  let count = 1;
  for (let at = headerEnd; at + 2 <= payload.length;) {
    const width = payload[at]!;
    const n = payload[at + 1]!;
    count += n;
    at += 2 + Math.ceil((width * n * channels) / 8);
  }
  const out = new Float64Array(count * channels);
  const refSign = 2 ** (resolution - 1);
  for (let c = 0; c < channels; c++) {
    let v = 0;
    for (let b = refBytes - 1; b >= 0; b--) v = v * 256 + payload[c * refBytes + b]!;
    // The reference is `resolution` bits wide even when its bytes hold more.
    v %= 2 ** resolution;
    out[c] = v >= refSign ? v - 2 * refSign : v;
  }
  let written = channels;
  let at = headerEnd;
  while (at + 2 <= payload.length) {
    const width = payload[at]!;
    const n = payload[at + 1]!;
    at += 2;
    const blockBytes = Math.ceil((width * n * channels) / 8);
    if (at + blockBytes > payload.length) throw new Error('decodeDeltaSamples(): delta block runs past the frame');
    let bit = at * 8;
    const sign = 2 ** (width - 1);
    for (let s = 0; s < n * channels; s++, written++) {
      let value = 0;
      let got = 0;
      while (got < width) {
        const shift = bit & 7;
        const take = Math.min(8 - shift, width - got);
        const chunk = (payload[bit >> 3]! >> shift) & ((1 << take) - 1);
        value += chunk * 2 ** got;
        got += take;
        bit += take;
      }
      if (width > 0 && value >= sign) value -= 2 * sign;
      out[written] = out[written - channels]! + value;
    }
    at += blockBytes;
  }
  return out;
}

function scale(values: Float64Array, factor: number): Float64Array {
  if (factor !== 1) for (let i = 0; i < values.length; i++) values[i] = values[i]! * factor;
  return values;
}
