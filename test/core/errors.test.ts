import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, UserError, isUserError } from '../../src/core/errors.ts';

const Errors = suite('UserError and ConfigError');

Errors('UserError carries a hint and a cause', () => {
  const cause = new Error('ENOENT');
  const err = new UserError('data set not found at /x', 'Run `motionfuse datasets fetch ucf101`.', { cause });
  assert.is(err.message, 'data set not found at /x');
  assert.is(err.hint, 'Run `motionfuse datasets fetch ucf101`.');
  assert.is(err.cause, cause);
  assert.ok(isUserError(err));
  assert.not.ok(isUserError(new Error('bug')));
});

Errors('ConfigError names the file, the line and the field', () => {
  const err = new ConfigError(
    { file: 'experiments/ablation.yaml', line: 12, field: 'train.lr' },
    'must be > 0, got -1',
    'Use e.g. 0.001.',
  );
  assert.is(err.message, "experiments/ablation.yaml:12 (field 'train.lr'): must be > 0, got -1");
  assert.ok(isUserError(err));
  assert.equal(err.location, { file: 'experiments/ablation.yaml', line: 12, field: 'train.lr' });
  assert.is(new ConfigError({ file: 'a.yaml' }, 'empty file').message, 'a.yaml: empty file');
});

Errors.run();
