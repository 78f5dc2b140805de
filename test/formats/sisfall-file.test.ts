import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSisfallFile, parseSisfallName } from '../../src/formats/sisfall-file.ts';

const Sisfall = suite('parseSisfallFile');

Sisfall('converts counts to SI with the data set formula, 200 Hz', () => {
  // ADXL345: 2*16/2^13 g per count = 1/256 g; ITG3200: 4000/65536 deg/s; MMA8451Q: 1/1024 g.
  const trial = parseSisfallFile('   0,-256,  0, 0, 0, 16384,  0,-1024, 0;\n 256,0,0,0,0,0,1024,0,0;\n', 'x.txt');
  assert.equal(Array.from(trial.t), [0, 0.005]);
  assert.ok(Math.abs((trial.acc[1] as number) + 9.80665) < 1e-5);
  assert.ok(Math.abs((trial.acc[3] as number) - 9.80665) < 1e-5);
  // 16384 * 4000 / 65536 = 1000 deg/s
  assert.ok(Math.abs((trial.gyro[2] as number) - (1000 * Math.PI) / 180) < 1e-4);
  assert.ok(Math.abs((trial.acc2[1] as number) + 9.80665) < 1e-5);
});

Sisfall('a bad line names the file, line and column', () => {
  assert.throws(
    () => parseSisfallFile('1,2,3,4,5,6,7,8,9;\n1,2,x,4,5,6,7,8,9;\n', 'D19_SA01_R01.txt'),
    /D19_SA01_R01\.txt:2: column 3 is not an integer: 'x'/,
  );
  assert.throws(() => parseSisfallFile('1,2,3;\n', 'f.txt'), /f\.txt:1: expected 9 comma-separated values, found 3/);
});

Sisfall('reads activity, subject and trial from the name', () => {
  assert.equal(parseSisfallName('some/dir/D19_SA01_R03.txt'), { activity: 'D19', subject: 'SA01', trial: 3 });
  assert.is(parseSisfallName('Readme.txt'), null);
});

Sisfall.run();
