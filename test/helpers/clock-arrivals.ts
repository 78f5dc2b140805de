import { SeededRandom } from '../../src/core/random.ts';

/**
 * Packet arrivals from simulated sensors whose clocks drift against the host: what a recorder
 * sees, with the truth beside it, for the clock-alignment tests and bench/clock-sync.ts.
 *
 * Sensor s samples at `rate` Hz of its own clock, from device time deviceStart (+ a per-sensor
 * phase); sample j's true host time is hostStart + (j / rate + phase) * (1 + drift). A packet of
 * `perPacket` samples leaves when its last sample is taken and arrives after `minDelay` plus a
 * variable delay: 'uniform' draws it from [0, jitter); 'ble' queues packets for the sensor's next
 * BLE connection event (every `connectionInterval` s of host time; an event missed with
 * probability 0.1, its packets then going in a burst 0.4 ms apart at the next; plus up to 0.3 ms
 * of OS jitter), the bursts of ../shared/SENSORS.md. `lateOutliers` packets are held up a further
 * 50-300 ms (and, the link being in order, the
 * packets behind them). The truth for a sample is its true host time + the least delay any of its sensor's
 * packets had (minDelay and the least variable part): a constant delay cannot be seen from
 * arrivals.
 */
export interface ArrivalOptions {
  seed: number;
  sensors: number;
  rate: number;
  perPacket: number;
  seconds: number;
  /** Relative drift per sensor (1e-4 = 100 ppm), cycled. */
  drifts: number[];
  minDelay: number;
  mode: 'uniform' | 'ble';
  jitter: number;
  connectionInterval: number;
  lateOutliers: number;
  deviceStart: number;
  hostStart: number;
}

export const ARRIVAL_DEFAULTS: ArrivalOptions = {
  seed: 1,
  sensors: 4,
  rate: 200,
  perPacket: 10,
  seconds: 600,
  drifts: [100e-6, -100e-6, 100e-6, -100e-6],
  minDelay: 0.003,
  mode: 'uniform',
  jitter: 0.005,
  // A multiple of BLE's 1.25 ms, prime to the 50 ms packet period in 1.25 ms steps: the packets
  // meet the events at every phase on a 1.25 ms grid, sliding with the drift.
  connectionInterval: 0.04875,
  lateOutliers: 0.001,
  // Seconds since 2000 (Polar's device epoch) and since 1970 (the host's): float64 precision.
  deviceStart: 8.1e8,
  hostStart: 1.76e9,
};

export interface SensorArrivals {
  /** Per packet: device time of its last sample, host arrival time (arrival order). */
  device: Float64Array;
  host: Float64Array;
  /** Per sample: device time and true host time + minDelay. */
  sampleDevice: Float64Array;
  sampleTruth: Float64Array;
}

export function simulateArrivals(request: Partial<ArrivalOptions> = {}): SensorArrivals[] {
  const o = { ...ARRIVAL_DEFAULTS, ...request };
  const rng = new SeededRandom(o.seed);
  const samples = Math.floor(o.seconds * o.rate);
  const packets = Math.floor(samples / o.perPacket);
  const out: SensorArrivals[] = [];
  for (let s = 0; s < o.sensors; s++) {
    const drift = o.drifts[s % o.drifts.length] as number;
    const phase = rng.uniform(0, 1 / o.rate);
    // Each wearable has its own BLE connection: events at its own phase.
    const eventPhase = rng.uniform(0, o.connectionInterval);
    const eventAfter = (t: number) =>
      o.hostStart +
      eventPhase +
      Math.ceil((t - o.hostStart - eventPhase) / o.connectionInterval) * o.connectionInterval;
    const sampleDevice = new Float64Array(packets * o.perPacket);
    const sampleTruth = new Float64Array(packets * o.perPacket);
    for (let j = 0; j < sampleDevice.length; j++) {
      const local = j / o.rate + phase;
      sampleDevice[j] = o.deviceStart + local;
      sampleTruth[j] = o.hostStart + local * (1 + drift) + o.minDelay;
    }
    const device = new Float64Array(packets);
    const host = new Float64Array(packets);
    let lastEvent = -Infinity;
    let position = 0;
    let minExcess = Infinity;
    for (let p = 0; p < packets; p++) {
      const last = (p + 1) * o.perPacket - 1;
      device[p] = sampleDevice[last] as number;
      const ready = sampleTruth[last] as number;
      let arrival: number;
      if (o.mode === 'uniform') arrival = ready + rng.uniform(0, o.jitter);
      else {
        // First in, first out: behind a packet still queued for a later event, or the next event
        // (missed with probability 0.1, a radio retry); a burst's packets 0.4 ms apart.
        let event = eventAfter(ready);
        if (lastEvent >= event) {
          event = lastEvent;
          position++;
        } else {
          while (rng.bernoulli(0.1)) event += o.connectionInterval;
          position = 0;
        }
        lastEvent = event;
        arrival = event + 0.0004 * position + rng.uniform(0, 0.0003);
      }
      if (rng.bernoulli(o.lateOutliers)) arrival += rng.uniform(0.05, 0.3);
      // In order, as a serial line or a BLE link delivers: a held-up packet holds up those behind it.
      host[p] = p > 0 ? Math.max(arrival, host[p - 1] as number) : arrival;
      minExcess = Math.min(minExcess, (host[p] as number) - ready);
    }
    // The minimum transport delay as it happened: minDelay plus the least variable delay drawn.
    for (let j = 0; j < sampleTruth.length; j++) sampleTruth[j] = (sampleTruth[j] as number) + minExcess;
    out.push({ device, host, sampleDevice, sampleTruth });
  }
  return out;
}

/** Max and 99th percentile of |error| (s). */
export function errorStats(errors: ArrayLike<number>): { max: number; p99: number; count: number } {
  const abs = Float64Array.from(errors, Math.abs).sort();
  return {
    max: abs.length ? (abs[abs.length - 1] as number) : 0,
    p99: abs.length ? (abs[Math.min(abs.length - 1, Math.floor(0.99 * abs.length))] as number) : 0,
    count: abs.length,
  };
}
