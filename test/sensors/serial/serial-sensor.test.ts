import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors.ts';
import type { GapEvent, ImuPacket, SensorEvent } from '../../../sensors/imu-packet.ts';
import { SerialSensor } from '../../../sensors/serial/serial-sensor.ts';
import { DEVICE_SIMULATOR_DEFAULTS } from '../../../sensors/simulator/device-simulator.ts';
import {
  SerialSimulator,
  type SerialSimulatorOptions,
  type SimulatorLog,
} from '../../../sensors/simulator/serial-simulator.ts';
import { SocatPty, findSocat } from '../../../sensors/simulator/socat-pty.ts';

const socat = findSocat();
if (socat === undefined) console.log('  serial-sensor tests: skipped (socat is not installed; apt-get install socat)');

/** A sensor's data: 1 s of a slow wave on every channel, distinct per sensor. */
function wave(sensor: number): Float32Array {
  const rows = 200;
  return Float32Array.from(
    { length: rows * 6 },
    (_, i) => Math.sin((i / 6 / rows) * 2 * Math.PI + sensor) * (i % 6 < 3 ? 9 : 2),
  );
}

interface Reading {
  packets: ImuPacket[];
  gaps: GapEvent[];
  log: SimulatorLog;
}

/** Streams a simulated device over a socat pty into a SerialSensor and collects what arrives. */
async function stream(
  options: Omit<Partial<SerialSimulatorOptions>, 'device'> & { device?: Partial<SerialSimulatorOptions['device']> },
): Promise<Reading> {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-serial-'));
  const link = join(dir, 'tty');
  const sim = await SerialSimulator.start({
    link,
    seconds: 5,
    speed: 20,
    unplugs: [],
    ...options,
    device: { ...DEVICE_SIMULATOR_DEFAULTS, sensors: [0, 1, 2, 3].map(wave), ...options.device },
  });
  const sensor = new SerialSensor({ path: link, reconnectIntervalMs: 10 });
  const events: SensorEvent[] = [];
  sensor.onEvent((e) => events.push(e));
  try {
    await sensor.start();
    const log = await sim.run();
    // Let the reader drain the pty: done when nothing arrives for 100 ms.
    for (let seen = -1; seen !== events.length;) {
      seen = events.length;
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      packets: events.filter((e): e is ImuPacket => e.kind === 'imu'),
      gaps: events.filter((e): e is GapEvent => e.kind === 'gap'),
      log,
    };
  } finally {
    sim.stop();
    await sensor.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bySensor = <T extends { sensorId: string }>(items: T[]) => {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.sensorId, [...(out.get(item.sensorId) ?? []), item]);
  return out;
};

const Serial = suite('SerialSensor over a socat pty');
const test = socat === undefined ? Serial.skip : Serial;

test('4 sensors at 200 Hz arrive whole: every sample in order, no gap, across the u32 counter wrap', async () => {
  const base = 2 ** 32 - 400;
  const { packets, gaps, log } = await stream({ seconds: 5, device: { firstCounter: base } });
  assert.is(gaps.length, 0);
  assert.is(log.lost.length, 0);
  const sensors = bySensor(packets);
  assert.is(sensors.size, 4);
  // 5 s x 200 Hz = 1000 samples per sensor, 100 frames of 10; the first few may predate the open.
  for (const [id, list] of sensors) {
    const first = list[0]?.firstSample as number;
    let next = first;
    for (const p of list) {
      assert.is(p.firstSample, next, `${id}: contiguous`);
      next += p.deviceTime.length;
    }
    assert.is(next, base + 1000, `${id}: through the last sample, unwrapped past 2^32`);
    assert.ok(first - base <= 20, `${id}: started at ${first - base}`);
    // Device time advances by the 5000 us period.
    const d = list[1]?.deviceTime as Float64Array;
    assert.ok(Math.abs((d[1] as number) - (d[0] as number) - 0.005) < 1e-9);
  }
});

test('60 s of 4 sensors at 200 Hz pushed as fast as the reader takes them: 48000 samples, none lost', async () => {
  const { packets, gaps, log } = await stream({ seconds: 60, speed: Number.POSITIVE_INFINITY });
  assert.is(log.samples, 48_000);
  assert.is(gaps.length, 0);
  for (const [id, list] of bySensor(packets)) {
    const last = list.at(-1) as ImuPacket;
    const received = list.reduce((n, p) => n + p.deviceTime.length, 0);
    assert.is(last.firstSample + last.deviceTime.length, 12_000, id);
    assert.is(received, 12_000 - (list[0] as ImuPacket).firstSample, id);
  }
});

test('with 5% loss, torn frames and garbage, every gap has the exact count the simulator dropped', async () => {
  const { packets, gaps, log } = await stream({
    seconds: 5,
    device: { loss: 0.05, torn: 0.03, garbage: 0.1, seed: 3 },
  });
  assert.ok(log.lost.length > 10, `some frames dropped (${log.lost.length})`);
  assert.ok(log.garbageBytes > 0);
  const received = bySensor(packets);
  for (const [id, list] of received) {
    const sensor = Number(id.split('#').pop());
    const first = list[0]?.firstSample as number;
    const last = list.at(-1) as ImuPacket;
    const end = last.firstSample + last.deviceTime.length;
    // Runs of consecutive dropped frames between the first and last received one are the expected gaps.
    const expected: [number, number][] = [];
    for (const f of log.lost.filter((l) => l.sensor === sensor && l.firstSample > first && l.firstSample < end)) {
      const run = expected.at(-1);
      if (run !== undefined && run[0] + run[1] === f.firstSample) run[1] += f.count;
      else expected.push([f.firstSample, f.count]);
    }
    const reported = (bySensor(gaps).get(id) ?? []).map((g) => g.samplesLost);
    assert.equal(
      reported,
      expected.map(([, n]) => n),
      id,
    );
    const samples = list.reduce((n, p) => n + p.deviceTime.length, 0);
    assert.is(samples + expected.reduce((n, [, c]) => n + c, 0), end - first, `${id}: received + lost = span`);
  }
});

test('unplugging and plugging back gives one disconnect gap per sensor and the stream resumes', async () => {
  const { packets, gaps, log } = await stream({ seconds: 4, unplugs: [{ at: 1.5, for: 1 }] });
  assert.is(log.unplugs, 1);
  const perSensor = bySensor(gaps);
  assert.is(perSensor.size, 4);
  for (const [id, list] of perSensor) {
    assert.is(list.length, 1, `${id}: one gap, got ${JSON.stringify(list)}`);
    const gap = list[0] as GapEvent;
    assert.is(gap.reason, 'disconnect');
    // At least the second unplugged (200 samples) is lost; the count is the counter's jump.
    assert.ok((gap.samplesLost as number) >= 200, `${id}: lost ${gap.samplesLost}`);
    // The stream resumed by itself and ran to the end: 4 s x 200 Hz = 800 samples.
    const after = (bySensor(packets).get(id) ?? []).filter((p) => p.hostTime >= gap.toHostTime);
    assert.ok(after.length >= 1, `${id}: resumed`);
    assert.ok(Math.abs((after[0]?.deviceTime[0] as number) - gap.toDeviceTime) < 1e-9);
    const last = after.at(-1) as ImuPacket;
    assert.is(last.firstSample + last.deviceTime.length, 800, `${id}: through the last sample`);
  }
});

test('CSV mode: lines to packets in SI units, a counter jump to a gap', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-serial-'));
  const link = join(dir, 'tty');
  const pty = await SocatPty.open(link);
  const sensor = new SerialSensor({ path: link, format: 'csv', reconnectIntervalMs: 10 });
  const events: SensorEvent[] = [];
  sensor.onEvent((e) => events.push(e));
  try {
    await sensor.start();
    await pty.write(new TextEncoder().encode('sample,t_us,ax,ay,az,gx,gy,gz\r\n0,0,0,0,1,0,0,90\r\n1,5000,0,0,1'));
    await pty.write(new TextEncoder().encode(',0,0,90\r\n4,20000,0,0,-1,0,0,0\r\n'));
    for (let i = 0; i < 100 && !events.some((e) => e.kind === 'gap'); i++) await new Promise((r) => setTimeout(r, 10));
    const packets = events.filter((e): e is ImuPacket => e.kind === 'imu');
    const samples = packets.flatMap((p) =>
      Array.from(p.deviceTime, (t, i) => [p.firstSample + i, t, p.acc[i * 3 + 2], p.gyro[i * 3 + 2]]),
    );
    assert.equal(
      samples.map((r) => r.map((v) => Number((v as number).toFixed(4)))),
      [
        [0, 0, 9.8067, 1.5708],
        [1, 0.005, 9.8067, 1.5708],
        [4, 0.02, -9.8067, 0],
      ],
    );
    assert.equal(
      events.filter((e): e is GapEvent => e.kind === 'gap').map((g) => [g.sensorId, g.samplesLost]),
      [[link, 2]],
    );
  } finally {
    await sensor.stop();
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port that does not exist is a UserError that says to check the device', async () => {
  const sensor = new SerialSensor({ path: '/nonexistent/ttyX' });
  try {
    await sensor.start();
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as UserError).message, 'no such port');
    assert.match((err as UserError).hint ?? '', 'plugged in');
  }
});

Serial.run();
