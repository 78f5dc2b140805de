import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { locateMoveNet } from '../../src/pose/locate-movenet.ts';

const Locate = suite('locateMoveNet');
Locate("finds MoveNet Lightning's model.json in @vladmandic/human's models folder, its weights beside it", () => {
  const path = locateMoveNet();
  assert.is(basename(path), 'movenet-lightning.json');
  assert.is(basename(dirname(path)), 'models');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const files = json.weightsManifest.flatMap((g) => g.paths);
  assert.ok(files.length > 0);
  for (const f of files) assert.ok(existsSync(join(dirname(path), f)), f);
});
Locate.run();
