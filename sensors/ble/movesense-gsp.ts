/**
 * Movesense GATT SensorData Protocol (GSP): the commands the host writes and the notifications the
 * sensor sends (movesense.com/docs/esw/gatt_sensordata_protocol, and the gatt_sensordata_app sample
 * clients; see docs/sensors.md for what is verified and what is not).
 *
 *   host -> sensor   [0x01 subscribe][ref][UTF-8 path, e.g. /Meas/IMU6/104]   [0x02 unsubscribe][ref]
 *   sensor -> host   [0x01 command result][ref][...]   [0x02 data][ref][payload]
 *                    [0x03 data, part 2][ref][rest of the previous data payload]
 *   IMU6 payload     [u32 LE timestamp, ms, of the first sample][n x acc xyz f32 (m/s^2)][n x gyro xyz f32 (deg/s)]
 */

export const GSP_COMMAND = { hello: 0, subscribe: 1, unsubscribe: 2 } as const;
export const GSP_RESPONSE = { commandResult: 1, data: 2, dataPart2: 3 } as const;

/** Sample rates /Meas/IMU6/{rate} accepts (Movesense IMU API). */
export const MOVESENSE_IMU_RATES = [13, 26, 52, 104, 208, 416, 833, 1666] as const;

export function gspSubscribeCommand(reference: number, path: string): Buffer {
  return Buffer.concat([Buffer.from([GSP_COMMAND.subscribe, reference]), Buffer.from(path, 'utf8')]);
}

export function gspUnsubscribeCommand(reference: number): Buffer {
  return Buffer.from([GSP_COMMAND.unsubscribe, reference]);
}

export interface GspMessage {
  type: 'result' | 'data';
  reference: number;
  payload: Uint8Array;
}

/**
 * Joins a data notification with its part-2 continuation. A notification cannot say whether a
 * continuation follows, so a data payload shorter than the longest complete one seen so far (or any,
 * before one is known) is held until the next notification: a part 2 completes it, anything else
 * proves it was whole.
 */
export class GspAssembler {
  #held: { reference: number; payload: Uint8Array } | null = null;
  #complete = 0;

  /** Forgets a held part (the link dropped); the learned length of a whole payload stays. */
  reset(): void {
    this.#held = null;
  }

  push(bytes: Uint8Array): GspMessage[] {
    if (bytes.length < 2) return [];
    const type = bytes[0]!;
    const reference = bytes[1]!;
    const payload = bytes.subarray(2);
    const out: GspMessage[] = [];
    if (type === GSP_RESPONSE.dataPart2) {
      const held = this.#held;
      this.#held = null;
      if (held !== null && held.reference === reference) {
        const joined = new Uint8Array(held.payload.length + payload.length);
        joined.set(held.payload);
        joined.set(payload, held.payload.length);
        this.#complete = Math.max(this.#complete, joined.length);
        out.push({ type: 'data', reference, payload: joined });
      }
      return out;
    }
    if (this.#held !== null) {
      this.#complete = Math.max(this.#complete, this.#held.payload.length);
      out.push({ type: 'data', ...this.#held });
      this.#held = null;
    }
    if (type === GSP_RESPONSE.commandResult) out.push({ type: 'result', reference, payload });
    else if (type === GSP_RESPONSE.data) {
      if (payload.length >= this.#complete && this.#complete > 0) out.push({ type: 'data', reference, payload });
      else this.#held = { reference, payload: payload.slice() };
    }
    return out;
  }
}

export interface GspImu6 {
  /** Device time of the first sample, ms (u32, wraps after 49.7 days). */
  timestampMs: number;
  count: number;
  /** count x 3 interleaved, m/s^2. */
  acc: Float32Array;
  /** count x 3 interleaved, deg/s. */
  gyro: Float32Array;
}

/** Decodes an IMU6 data payload: the acc array comes whole, then the gyro array. */
export function decodeGspImu6(payload: Uint8Array): GspImu6 {
  if (payload.length < 4 || (payload.length - 4) % 24 !== 0) {
    throw new Error(
      `decodeGspImu6(): an IMU6 payload is 4 + n x 24 bytes, got ${payload.length}; is the subscription /Meas/IMU6/...?`,
    );
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const count = (payload.length - 4) / 24;
  const acc = new Float32Array(count * 3);
  const gyro = new Float32Array(count * 3);
  for (let i = 0; i < count * 3; i++) {
    acc[i] = view.getFloat32(4 + i * 4, true);
    gyro[i] = view.getFloat32(4 + count * 12 + i * 4, true);
  }
  return { timestampMs: view.getUint32(0, true), count, acc, gyro };
}
