import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, parseBackendPreference } from '../../src/backend/select-backend.ts';
import { UserError } from '../../src/core/errors.ts';
import { setLogLevel, getLogLevel } from '../../src/core/logger.ts';

/** Whether a package can be imported here: the expectations below follow what is installed. */
async function importable(pkg: string): Promise<boolean> {
  try {
    await import(pkg);
    return true;
  } catch {
    return false;
  }
}

const Select = suite('selectBackend');
let savedEnv: string | undefined;
let savedLevel = getLogLevel();
Select.before.each(() => {
  savedEnv = process.env['MOTIONFUSE_BACKEND'];
  delete process.env['MOTIONFUSE_BACKEND'];
  savedLevel = getLogLevel();
  setLogLevel('error');
});
Select.after.each(() => {
  if (savedEnv === undefined) delete process.env['MOTIONFUSE_BACKEND'];
  else process.env['MOTIONFUSE_BACKEND'] = savedEnv;
  setLogLevel(savedLevel);
});

Select('auto takes the first candidate that loads, and says why each earlier one did not', async () => {
  const native = (await importable('@tensorflow/tfjs-node-gpu')) || (await importable('@tensorflow/tfjs-node'));
  const choice = await selectBackend();
  assert.is(tf.getBackend(), choice.name);
  if (native) {
    assert.is(choice.name, 'tensorflow');
    return;
  }
  assert.is(choice.name, 'wasm');
  assert.equal(
    choice.attempts.map((a) => [a.candidate, a.ok]),
    [
      ['tfjs-node-gpu', false],
      ['tfjs-node', false],
      ['wasm', true],
    ],
  );
  assert.match(choice.attempts[0]?.reason ?? '', /not installed .*optional dependency.*libtensorflow/);
  assert.match(choice.reason, /first that loaded \(tfjs-node-gpu, tfjs-node unavailable\)/);
  assert.match(choice.attempts[2]?.reason ?? '', /training kernels added by motionfuse: Conv2DBackpropFilter/);
});

Select('MOTIONFUSE_BACKEND picks the backend, and a flag value wins over it', async () => {
  process.env['MOTIONFUSE_BACKEND'] = 'cpu';
  const fromEnv = await selectBackend();
  assert.is(fromEnv.name, 'cpu');
  assert.is(tf.getBackend(), 'cpu');
  assert.is(fromEnv.reason, 'requested by MOTIONFUSE_BACKEND=cpu');
  const fromFlag = await selectBackend('wasm');
  assert.is(fromFlag.name, 'wasm');
  assert.is(fromFlag.reason, 'requested by --backend=wasm');
});

Select('an unknown name is a user error listing the valid ones', async () => {
  process.env['MOTIONFUSE_BACKEND'] = 'gpu';
  try {
    await selectBackend();
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, UserError);
    assert.is((err as UserError).message, "MOTIONFUSE_BACKEND: unknown backend 'gpu'");
    assert.is((err as UserError).hint, 'Use one of: auto, tensorflow, wasm, cpu.');
  }
  assert.throws(() => parseBackendPreference('tpu', '--backend'), /--backend: unknown backend 'tpu'/);
});

Select('asking for tensorflow where no native binding installs is a user error with each reason', async () => {
  if (await importable('@tensorflow/tfjs-node')) return; // a machine where it installed has nothing to refuse
  try {
    await selectBackend('tensorflow');
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, UserError);
    assert.match(
      (err as Error).message,
      /no usable TensorFlow.js backend for --backend=tensorflow: tfjs-node-gpu: not installed .*; tfjs-node: not installed/,
    );
  }
  await selectBackend('wasm');
});

Select.run();
