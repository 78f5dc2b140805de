import type { SensorEvent } from '../../sensors/imu-packet.ts';

/** What `sensors stream` shows and reports per sensor. */
export interface SensorTally {
  id: string;
  samples: number;
  /** Samples lost in gaps whose count is known. */
  lost: number;
  gaps: number;
  /** Gaps whose loss the counter could not tell (a device reset). */
  unknownGaps: number;
  /** Samples per second over the last second of host time. */
  rate: number;
  battery?: number;
  /** The last sample's acc (m/s^2) and gyro (rad/s). */
  acc: number[];
  gyro: number[];
}

/** Samples per second are counted over this window of host time. */
const RATE_WINDOW = 1;

/** Tallies the events of a stream per sensor, in arrival order. */
export class SensorStreamStats {
  private readonly tallies = new Map<string, SensorTally>();
  /** Per sensor, (host time, samples) of recent packets for the rate. */
  private readonly recent = new Map<string, [number, number][]>();

  add(event: SensorEvent): void {
    const tally = this.tally(event.sensorId);
    if (event.kind === 'gap') {
      tally.gaps++;
      if (event.samplesLost === null) tally.unknownGaps++;
      else tally.lost += event.samplesLost;
      return;
    }
    const n = event.deviceTime.length;
    tally.samples += n;
    if (event.acc.length > 0) tally.acc = Array.from(event.acc.subarray((n - 1) * 3, n * 3));
    if (event.gyro.length > 0) tally.gyro = Array.from(event.gyro.subarray((n - 1) * 3, n * 3));
    const recent = this.recent.get(event.sensorId) ?? [];
    recent.push([event.hostTime, n]);
    this.recent.set(event.sensorId, recent);
  }

  setBattery(id: string, battery: number | undefined): void {
    if (battery !== undefined) this.tally(id).battery = battery;
  }

  /** Every sensor's tally, rates as of host time `now`, sorted by id. */
  snapshot(now: number): SensorTally[] {
    for (const [id, recent] of this.recent) {
      while (recent.length > 0 && (recent[0] as [number, number])[0] < now - RATE_WINDOW) recent.shift();
      this.tally(id).rate = recent.reduce((s, [, n]) => s + n, 0) / RATE_WINDOW;
    }
    return [...this.tallies.values()].sort((a, b) => a.id.localeCompare(b.id)).map((t) => ({ ...t }));
  }

  private tally(id: string): SensorTally {
    let tally = this.tallies.get(id);
    if (tally === undefined) {
      tally = { id, samples: 0, lost: 0, gaps: 0, unknownGaps: 0, rate: 0, acc: [], gyro: [] };
      this.tallies.set(id, tally);
    }
    return tally;
  }
}

const fixed = (values: number[], digits: number) =>
  values.length === 0 ? '-' : values.map((v) => v.toFixed(digits).padStart(digits + 4)).join(' ');

/** One line per sensor for the live view. */
export function renderTallies(tallies: SensorTally[]): string[] {
  if (tallies.length === 0) return ['waiting for samples...'];
  return tallies.map(
    (t) =>
      `${t.id}  ${t.rate.toFixed(0).padStart(4)} Hz  samples ${String(t.samples).padStart(7)}  gaps ${t.gaps}  lost ${t.lost}${
        t.unknownGaps > 0 ? ` (+${t.unknownGaps} resets)` : ''
      }${t.battery !== undefined ? `  battery ${t.battery}%` : ''}  acc ${fixed(t.acc, 2)}  gyro ${fixed(t.gyro, 2)}`,
  );
}
