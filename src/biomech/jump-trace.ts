import type { ImuStream } from '../core/stream.ts';
import type { JumpTrace } from './detect-jumps.ts';

/**
 * An IMU stream's samples (or any [n x 6] samples with their times, as live recognition's ring
 * buffer holds them) as the jump detector reads them: times, acc and gyro split out of [n x 6].
 */
export function jumpTraceOf(stream: Pick<ImuStream, 't' | 'data'>): JumpTrace {
  const n = stream.t.length;
  const acc = new Float32Array(n * 3);
  const gyro = new Float32Array(n * 3);
  for (let k = 0; k < n; k++)
    for (let c = 0; c < 3; c++) {
      acc[k * 3 + c] = stream.data[k * 6 + c] as number;
      gyro[k * 3 + c] = stream.data[k * 6 + 3 + c] as number;
    }
  return { t: stream.t, acc, gyro };
}
