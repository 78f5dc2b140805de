import { DeviceSimulator, type DeviceSimulatorOptions } from '../../../sensors/simulator/device-simulator.ts';
import { decodeImuFrame } from '../../../sensors/framed/decode-imu-frame.ts';
import { frameToPacket } from '../../../sensors/framed/frame-to-packet.ts';
import type { XdfStream } from '../../../src/formats/xdf/xdf-reader.ts';

/** One sample as the simulator put it on the wire: device time (us) and the 6 values a reader decodes. */
export interface SentSample {
  deviceTimeUs: number;
  values: number[];
}

/**
 * What a device simulator with these options sends by simulated time `t`, per sensor number: the
 * frames it sends whole, decoded from their bytes. The simulator is a pure schedule, so a fresh
 * one with the same options gives the frames the running one wrote.
 */
export function sentSamples(options: DeviceSimulatorOptions, t: number): Map<number, SentSample[]> {
  const out = new Map<number, SentSample[]>();
  for (const e of new DeviceSimulator(options).until(t)) {
    if (e.fate !== 'sent') continue;
    const decoded = decodeImuFrame(e.bytes, e.garbage);
    if (decoded.status !== 'frame') throw new Error(`sentSamples(): frame of sensor ${e.sensor} did not decode`);
    const p = frameToPacket(decoded.frame, String(e.sensor), e.firstSample, 0);
    const list = out.get(e.sensor) ?? [];
    for (let i = 0; i < p.deviceTime.length; i++) {
      list.push({
        deviceTimeUs: Math.round((p.deviceTime[i] as number) * 1e6),
        values: [...Array.from(p.acc.subarray(i * 3, i * 3 + 3)), ...Array.from(p.gyro.subarray(i * 3, i * 3 + 3))],
      });
    }
    out.set(e.sensor, list);
  }
  return out;
}

/**
 * Compares a recorded IMU stream with what was sent: every sent sample must be there with its
 * exact values, and nothing else. Returns a list of problems (empty when all is well).
 */
export function compareStream(stream: XdfStream, sent: readonly SentSample[], label: string): string[] {
  const values = stream.values as Float32Array;
  const recorded = new Map<number, number>();
  stream.timestamps.forEach((t, i) => recorded.set(Math.round(t * 1e6), i));
  const problems: string[] = [];
  for (const s of sent) {
    const at = recorded.get(s.deviceTimeUs);
    if (at === undefined) {
      problems.push(`${label}: sample at device time ${s.deviceTimeUs} us is missing`);
      continue;
    }
    for (let k = 0; k < 6; k++) {
      if (values[at * 6 + k] !== Math.fround(s.values[k] as number)) {
        problems.push(`${label}: sample at ${s.deviceTimeUs} us channel ${k}: ${values[at * 6 + k]} != ${s.values[k]}`);
      }
    }
    if (problems.length > 5) break;
  }
  return problems;
}
