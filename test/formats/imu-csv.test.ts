import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseImuCsv } from '../../src/formats/imu-csv.ts';

const ImuCsv = suite('parseImuCsv');

ImuCsv('reads units from the header: time_ms, ax_g, gyro in deg/s', () => {
  const text = 'time_ms,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n1000,0,0,1,0,0,90\n1010,0,0.5,1,0,180,0\n';
  const csv = parseImuCsv(text, 'a.csv');
  assert.equal(Array.from(csv.t), [0, 0.01]);
  assert.ok(Math.abs((csv.acc[2] as number) - 9.80665) < 1e-5);
  assert.ok(Math.abs((csv.acc[4] as number) - 4.903325) < 1e-5);
  assert.ok(Math.abs((csv.gyro![2] as number) - Math.PI / 2) < 1e-6);
  assert.ok(Math.abs((csv.gyro![4] as number) - Math.PI) < 1e-6);
  assert.match(csv.units.acc, /g \(header\)/);
});

ImuCsv('bracketed units and semicolons: acc_x[m/s^2], time[s]', () => {
  const text = 'time[s];acc_x[m/s^2];acc_y[m/s^2];acc_z[m/s^2]\n0.5;0;0;9.81\n0.52;1;2;3\n';
  const csv = parseImuCsv(text, 'b.csv');
  assert.equal(
    Array.from(csv.t).map((x) => Math.round(x * 1000)),
    [0, 20],
  );
  assert.equal(Array.from(csv.acc.slice(3)), [1, 2, 3]);
  assert.is(csv.gyro, undefined);
});

ImuCsv('without units in the header, the flags decide; else the resting magnitude', () => {
  const text = 'timestamp,ax,ay,az\n0,0,0,1\n5,0,0,1\n10,0,0,1\n';
  const given = parseImuCsv(text, 'c.csv', { timeUnit: 'ms', accUnit: 'ms2' });
  assert.equal(Array.from(given.t), [0, 0.005, 0.01]);
  assert.is(given.acc[2], 1);
  const inferred = parseImuCsv(text, 'c.csv', { timeUnit: 'ms' });
  assert.ok(Math.abs((inferred.acc[2] as number) - 9.80665) < 1e-5, 'a magnitude of 1 reads as g');
  assert.match(inferred.units.acc, /inferred/);
});

ImuCsv('a bad value names the file, the line and the field', () => {
  const text = 'time_s,ax,ay,az\n0,0,0,9.8\n0.01,0,abc,9.8\n';
  assert.throws(() => parseImuCsv(text, 'bad.csv'), /bad\.csv:3 \(field 'ay'\): not a number: 'abc'/);
});

ImuCsv('a header without accelerometer columns says which columns it found', () => {
  assert.throws(
    () => parseImuCsv('time,x1,x2\n0,1,2\n1,1,2\n', 'h.csv'),
    /h\.csv:1: no accelerometer columns in the header \(time, x1, x2\)/,
  );
});

ImuCsv('a time base that cannot be right asks for the unit', () => {
  // Milliseconds read as seconds: one sample every 10 s.
  assert.throws(
    () => parseImuCsv('time,ax,ay,az\n0,0,0,1\n10,0,0,1\n20,0,0,1\n', 't.csv'),
    /t\.csv: the time column read as s gives a sample every 10\.0 s/,
  );
});

ImuCsv.run();
