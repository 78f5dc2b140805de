import { crc16Ccitt } from './crc16-ccitt.ts';
import {
  CHANNEL_ACC,
  CHANNEL_GYRO,
  FRAME_CRC_BYTES,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC_0,
  FRAME_MAGIC_1,
  FRAME_MAX_SAMPLES,
  FRAME_VERSION,
  frameByteLength,
  type ImuFrame,
} from './imu-frame.ts';

/**
 * What lies at an offset of a byte buffer: a whole frame and its length; `incomplete` (a frame may
 * start here, more bytes are needed); or not a frame (`bad-magic`, `bad-header`: a version,
 * channel mask or sample count the protocol does not have; `bad-crc`).
 */
export type FrameDecodeResult =
  | { status: 'frame'; frame: ImuFrame; length: number }
  | { status: 'incomplete' }
  | { status: 'bad-magic' | 'bad-header' | 'bad-crc' };

const INCOMPLETE = { status: 'incomplete' } as const;

/**
 * Decodes the frame that starts at `bytes[offset]`. The header is checked before the CRC, so a
 * false magic in noise is rejected without waiting for the length its header claims.
 */
export function decodeImuFrame(bytes: Uint8Array, offset = 0): FrameDecodeResult {
  const available = bytes.length - offset;
  if (available < 1) return INCOMPLETE;
  if (bytes[offset] !== FRAME_MAGIC_0) return { status: 'bad-magic' };
  if (available < 2) return INCOMPLETE;
  if (bytes[offset + 1] !== FRAME_MAGIC_1) return { status: 'bad-magic' };
  if (available < 6) return INCOMPLETE;
  const version = bytes[offset + 2] as number;
  const channels = bytes[offset + 4] as number;
  const n = bytes[offset + 5] as number;
  if (version !== FRAME_VERSION || channels === 0 || (channels & ~(CHANNEL_ACC | CHANNEL_GYRO)) !== 0) {
    return { status: 'bad-header' };
  }
  if (n < 1 || n > FRAME_MAX_SAMPLES) return { status: 'bad-header' };
  const length = frameByteLength(channels, n);
  if (available < length) return INCOMPLETE;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const end = length - FRAME_CRC_BYTES;
  if (crc16Ccitt(bytes, offset + 2, offset + end) !== view.getUint16(end, true)) return { status: 'bad-crc' };

  const hasAcc = (channels & CHANNEL_ACC) !== 0;
  const hasGyro = (channels & CHANNEL_GYRO) !== 0;
  const acc = new Int16Array(hasAcc ? n * 3 : 0);
  const gyro = new Int16Array(hasGyro ? n * 3 : 0);
  let at = FRAME_HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    if (hasAcc) for (let k = 0; k < 3; k++, at += 2) acc[i * 3 + k] = view.getInt16(at, true);
    if (hasGyro) for (let k = 0; k < 3; k++, at += 2) gyro[i * 3 + k] = view.getInt16(at, true);
  }
  const frame: ImuFrame = {
    sensorId: bytes[offset + 3] as number,
    hasAcc,
    hasGyro,
    firstSample: view.getUint32(6, true),
    deviceTimeUs: view.getUint32(10, true) + view.getUint32(14, true) * 2 ** 32,
    periodUs: view.getUint32(18, true),
    accRange: view.getUint8(22),
    gyroRange: view.getUint16(23, true),
    acc,
    gyro,
  };
  return { status: 'frame', frame, length };
}
