import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeBluetooth } from '../../sensors/ble/probe-bluetooth.ts';
import { DEVICE_SIMULATOR_DEFAULTS } from '../../sensors/simulator/device-simulator.ts';
import { SerialSimulator } from '../../sensors/simulator/serial-simulator.ts';
import { findSocat } from '../../sensors/simulator/socat-pty.ts';
import { motionfuseInProcess } from '../helpers/run-cli.ts';

const socat = findSocat();
if (socat === undefined) console.log('  sensors stream / simulate-device tests: skipped (socat is not installed)');

const Scan = suite('motionfuse sensors scan');

Scan('lists serial ports and says why BLE is unavailable, exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-scan-'));
  try {
    const r = await motionfuseInProcess(['sensors', 'scan', '--port', join(dir, 'absent'), '--sniff-ms', '50']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, 'Serial ports:');
    assert.match(r.stdout, `${join(dir, 'absent')}  cannot open:`);
    const ble = probeBluetooth();
    if (!ble.available) assert.match(r.stdout, `BLE: unavailable: ${ble.problem}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const Stream = suite('motionfuse sensors stream / simulate-device');
const test = socat === undefined ? Stream.skip : Stream;

test('streams a simulated port: one JSON line at the end, every sample in the CSV', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-stream-'));
  const link = join(dir, 'tty');
  const data = Float32Array.from({ length: 600 }, (_, i) => i % 7);
  const sim = await SerialSimulator.start({
    link,
    seconds: 1.6,
    speed: 1,
    unplugs: [],
    device: { ...DEVICE_SIMULATOR_DEFAULTS, sensors: [data, data], rate: 100 },
  });
  try {
    const running = sim.run();
    const csv = join(dir, 'samples.csv');
    const r = await motionfuseInProcess([
      'sensors',
      'stream',
      `serial:${link}`,
      '--seconds',
      '1',
      '--json',
      '--csv',
      csv,
    ]);
    await running;
    assert.is(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines.length, 1);
    const { sensors } = JSON.parse(lines[0] as string) as {
      sensors: { id: string; samples: number; lost: number; gaps: number }[];
    };
    assert.equal(
      sensors.map((s) => [s.id, s.lost, s.gaps]),
      [
        [`${link}#0`, 0, 0],
        [`${link}#1`, 0, 0],
      ],
    );
    // About 1 s at 100 Hz each, in frames of 10.
    for (const s of sensors) assert.ok(s.samples >= 60 && s.samples <= 140 && s.samples % 10 === 0, `${s.samples}`);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    assert.is(rows[0], 'sensor,sample,device_time_s,host_time_s,ax,ay,az,gx,gy,gz');
    assert.is(rows.length - 1, sensors[0]!.samples + sensors[1]!.samples);
  } finally {
    sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('simulate-device prints the pty path first and a summary last', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-simdev-'));
  try {
    const link = join(dir, 'tty');
    const r = await motionfuseInProcess([
      'simulate-device',
      '--serial',
      '--sensors',
      '1',
      '--seconds',
      '0.5',
      '--speed',
      '5',
      '--link',
      link,
    ]);
    assert.is(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines[0], link);
    // Frame k (10 samples at 200 Hz) is ready at (10k + 9) / 200 s: k = 0..9 by 0.5 s.
    assert.equal(JSON.parse(lines.at(-1) as string), {
      seconds: 0.5,
      frames: 10,
      samples: 100,
      lostFrames: 0,
      lostSamples: 0,
      garbageBytes: 0,
      unplugs: 0,
    });
    const bad = await motionfuseInProcess(['simulate-device', '--sensors', '2']);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, 'add --serial');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Scan.run();
Stream.run();
