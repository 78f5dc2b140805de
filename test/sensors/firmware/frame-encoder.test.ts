import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeImuFrame } from '../../../sensors/framed/encode-imu-frame.ts';
import { FrameParser } from '../../../sensors/framed/frame-parser.ts';
import type { ImuFrame } from '../../../sensors/framed/imu-frame.ts';

const firmware = fileURLToPath(new URL('../../../sensors/firmware/motionfuse-imu/', import.meta.url));
const driver = fileURLToPath(new URL('./encode-frames.c', import.meta.url));

/** The host's C compiler, or why there is none. */
function findCompiler(): string | null {
  for (const cc of [process.env['CC'], 'cc', 'gcc', 'clang']) {
    if (cc !== undefined && cc !== '' && spawnSync(cc, ['--version']).status === 0) return cc;
  }
  return null;
}

const cc = findCompiler();
const dir = mkdtempSync(join(tmpdir(), 'motionfuse-fw-'));
const binary = join(dir, 'encode-frames');
if (cc !== null) {
  execFileSync(cc, [
    '-std=c99',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-pedantic',
    '-O1',
    `-I${firmware}`,
    join(firmware, 'frame_encoder.c'),
    driver,
    '-o',
    binary,
  ]);
}

function line(f: ImuFrame): string {
  const channels = (f.hasAcc ? 1 : 0) | (f.hasGyro ? 2 : 0);
  const n = (f.hasAcc ? f.acc.length : f.gyro.length) / 3;
  return [
    f.sensorId,
    channels,
    n,
    f.firstSample,
    f.deviceTimeUs,
    f.periodUs,
    f.accRange,
    f.gyroRange,
    ...f.acc,
    ...f.gyro,
  ].join(' ');
}

const frames: ImuFrame[] = [
  {
    // Counter at its last u32 value, a device time past 2^32 us, and the int16 extremes.
    sensorId: 7,
    hasAcc: true,
    hasGyro: true,
    firstSample: 0xffffffff,
    deviceTimeUs: 2 ** 40 + 5,
    periodUs: 10_000,
    accRange: 16,
    gyroRange: 2000,
    acc: Int16Array.from([32767, -32768, 0, 1, -1, 4096]),
    gyro: Int16Array.from([-32768, 32767, 12, -12, 0, 16384]),
  },
  {
    sensorId: 0,
    hasAcc: true,
    hasGyro: false,
    firstSample: 1234,
    deviceTimeUs: 987_654_321,
    periodUs: 4_808,
    accRange: 4,
    gyroRange: 0,
    acc: Int16Array.from({ length: 64 * 3 }, (_, i) => ((i * 977) % 65536) - 32768),
    gyro: new Int16Array(0),
  },
  {
    sensorId: 255,
    hasAcc: false,
    hasGyro: true,
    firstSample: 0,
    deviceTimeUs: 0,
    periodUs: 1,
    accRange: 0,
    gyroRange: 500,
    acc: new Int16Array(0),
    gyro: Int16Array.from([-5, 6, -7]),
  },
];

const Encoder = suite('firmware frame_encoder.c');

Encoder('writes frames that the TypeScript parser decodes to the same values, CRC checked', () => {
  if (cc === null) return console.log('  skip: no C compiler (cc, gcc or clang) on this machine');
  const out = execFileSync(binary, { input: frames.map(line).join('\n') + '\n' });
  const parser = new FrameParser();
  const decoded = parser.push(new Uint8Array(out));
  assert.is(decoded.length, 3);
  assert.equal(parser.stats(), { frames: 3, bytesDropped: 0, badCrc: 0, badHeader: 0 });
  decoded.forEach((d, i) => {
    const f = frames[i]!;
    assert.equal(
      [d.sensorId, d.hasAcc, d.hasGyro, d.firstSample, d.deviceTimeUs, d.periodUs, d.accRange, d.gyroRange],
      [f.sensorId, f.hasAcc, f.hasGyro, f.firstSample, f.deviceTimeUs, f.periodUs, f.accRange, f.gyroRange],
    );
    assert.equal([...d.acc], [...f.acc]);
    assert.equal([...d.gyro], [...f.gyro]);
  });
  // Byte for byte what the TypeScript encoder writes.
  assert.equal(
    [...out],
    frames.flatMap((f) => [...encodeImuFrame(f)]),
  );
});

Encoder('computes CRC-16/CCITT-FALSE ("123456789" -> 0x29B1) and refuses an empty frame', () => {
  if (cc === null) return console.log('  skip: no C compiler (cc, gcc or clang) on this machine');
  assert.is(execFileSync(binary, ['crc', '123456789']).toString().trim(), '29b1');
  const empty = spawnSync(binary, { input: '0 3 0 0 0 0 4 2000\n' });
  assert.is(empty.status, 3);
  assert.is(empty.stdout.length, 0);
});

Encoder('compiles the sketch where arduino-cli is installed', () => {
  if (spawnSync('arduino-cli', ['version']).status !== 0) {
    return console.log('  skip: arduino-cli is not installed (the sketch compiles only with it)');
  }
  const result = spawnSync('arduino-cli', ['compile', '--fqbn', 'arduino:mbed_nano:nano33ble', firmware], {
    encoding: 'utf8',
  });
  assert.is(result.status, 0, result.stderr);
});

Encoder.after(() => rmSync(dir, { recursive: true, force: true }));
Encoder.run();
