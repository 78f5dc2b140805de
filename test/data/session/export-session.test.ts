import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrow } from 'arquero';
import { exportSession, safeFileName } from '../../../src/data/session/export-session.ts';
import { readSession, type SessionData, type SessionImu } from '../../../src/data/session/read-session.ts';
import { parseImuCsv } from '../../../src/formats/imu-csv.ts';
import { rejects } from '../../helpers/rejects.ts';
import { writeSessionFolder } from '../../helpers/session-folder.ts';

/** exportSession: one CSV or Arrow file per stream, time first, read back equal. */
const Export = suite('exportSession');
let dir = '';
let session: SessionData;

Export.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motionfuse-export-session-'));
  await writeSessionFolder(join(dir, 's'), { video: false });
  session = await readSession(join(dir, 's'));
});
Export.after(() => rmSync(dir, { recursive: true, force: true }));

Export('an unknown format is a UserError naming the formats, and nothing is written', async () => {
  await rejects(
    exportSession(session, join(dir, 'xml'), 'xml' as never),
    /export format must be one of csv, arrow, got xml/,
  );
  assert.not.ok(existsSync(join(dir, 'xml')));
});

Export('file names are the stream names made safe', () => {
  assert.is(safeFileName('serial:/dev/sim#0'), 'serial_dev_sim_0');
  assert.is(safeFileName('::'), 'stream');
});

Export('CSV: time first, IMU units in the header, every value back exactly; markers as text', async () => {
  const files = await exportSession(session, join(dir, 'csv'), 'csv');
  assert.equal(readdirSync(join(dir, 'csv')).sort(), [
    'gaps.csv',
    'markers.csv',
    'serial_dev_sim_0.csv',
    'serial_dev_sim_1.csv',
  ]);
  assert.equal(
    files.map((f) => f.rows),
    [980, 1000, 6, 2],
  );
  const text = readFileSync(join(dir, 'csv', 'serial_dev_sim_0.csv'), 'utf8');
  const lines = text.trimEnd().split('\n');
  assert.is(
    lines[0],
    'time (s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2),gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s)',
  );
  const imu = session.streams[0] as SessionImu;
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map(Number);
    assert.is(cells[0], imu.t[i]);
    for (let c = 0; c < 6; c++) assert.is(Math.fround(cells[c + 1] as number), imu.data[i * 6 + c]);
  });
  // The project's own IMU CSV reader takes the units from this header.
  const back = parseImuCsv(text, 'serial_dev_sim_0.csv');
  assert.equal(back.units, { acc: 'm/s^2 (header)', gyro: 'rad/s (header)', time: 's (header)' });
  assert.is(back.t.length, 980);
  assert.equal(
    readFileSync(join(dir, 'csv', 'markers.csv'), 'utf8')
      .split('\n')
      .slice(0, 4),
    ['time (s),event,label,subject,text', '1,trial-start,jump,ath1,', '3,trial-stop,,,', '3.5,note,,,knee wobble'],
  );
  assert.match(readFileSync(join(dir, 'csv', 'gaps.csv'), 'utf8'), /serial:\/dev\/sim#0,sequence-jump,[\d.]+,20\n/);
});

Export('Arrow IPC: the same columns and values read back with arquero', async () => {
  await exportSession(session, join(dir, 'arrow'), 'arrow');
  const t = fromArrow(readFileSync(join(dir, 'arrow', 'serial_dev_sim_1.arrow')));
  assert.is(t.columnNames()[0], 'time (s)');
  assert.is(t.numRows(), 1000);
  const imu = session.streams[1] as SessionImu;
  assert.equal(Array.from(t.array('time (s)') as ArrayLike<number>), Array.from(imu.t));
  const gyroZ = Array.from(t.array('gyro_z (rad/s)') as ArrayLike<number>);
  assert.equal(
    gyroZ,
    Array.from({ length: 1000 }, (_, i) => imu.data[i * 6 + 5]),
  );
  const markers = fromArrow(readFileSync(join(dir, 'arrow', 'markers.arrow')));
  assert.equal(markers.array('label') as unknown[], ['jump', null, null, 'squat', 'run', null]);
});

Export.run();
