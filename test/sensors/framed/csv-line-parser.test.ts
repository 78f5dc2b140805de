import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvLineParser } from '../../../sensors/framed/csv-line-parser.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

const Csv = suite('CsvLineParser');

Csv('reads 7-field lines (no counter) and 8-field lines (counter first), \\n or \\r\\n', () => {
  const parser = new CsvLineParser();
  const rows = parser.push(bytes('1000,0,0,1,10,-20,30\r\n7,2000,0.5,-0.5,1,0,0,90\n'));
  assert.equal(rows, [
    { sample: null, timeUs: 1000, acc: [0, 0, 1], gyro: [10, -20, 30] },
    { sample: 7, timeUs: 2000, acc: [0.5, -0.5, 1], gyro: [0, 0, 90] },
  ]);
});

Csv('keeps a partial line across chunks, whatever the split', () => {
  const text = 'sample,t_us,ax,ay,az,gx,gy,gz\n1,5000,0,0,1,0,0,0\n2,10000,0,0,1,0,0,0\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new CsvLineParser();
    const rows = [...parser.push(bytes(text.slice(0, cut))), ...parser.push(bytes(text.slice(cut)))];
    assert.equal(
      rows.map((r) => r.sample),
      [1, 2],
      `cut at ${cut}`,
    );
    assert.equal(parser.stats(), { samples: 2, skippedLines: 1, badLines: 0 });
  }
});

Csv('skips comments and headers, counts bad lines, and drops over-long ones', () => {
  const parser = new CsvLineParser();
  const rows = parser.push(
    bytes(`# BMI270\n\n1,2,3\n1,x,0,0,0,0,0\n-1,0,0,0,0,0,0,0\n${'9'.repeat(300)}\n3,0,0,0,0,0,0\n`),
  );
  assert.is(rows.length, 1);
  assert.equal(parser.stats(), { samples: 1, skippedLines: 2, badLines: 4 });
});

Csv.run();
