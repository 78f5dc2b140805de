import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseQueueUrl, redactQueueUrl, redactSecret } from '../../../src/experiments/distributed/queue-url.ts';

const ParseQueueUrl = suite('parseQueueUrl');

ParseQueueUrl('keeps the URL for the client and hides the password in the printable form', () => {
  const q = parseQueueUrl('redis://:s3cret@lab-pc:6379/2');
  assert.is(q.url, 'redis://:s3cret@lab-pc:6379/2');
  assert.is(q.redacted, 'redis://:***@lab-pc:6379/2');
  assert.is(q.tls, false);
});

ParseQueueUrl('takes rediss:// (TLS) with a user and a password', () => {
  const q = parseQueueUrl('rediss://alice:s3cret@redis.example.org:6380/0');
  assert.is(q.redacted, 'rediss://alice:***@redis.example.org:6380/0');
  assert.is(q.tls, true);
});

ParseQueueUrl('leaves a URL without a password as it is', () => {
  assert.is(parseQueueUrl('redis://127.0.0.1:6379/0').redacted, 'redis://127.0.0.1:6379/0');
});

ParseQueueUrl('refuses what is not a Redis URL, and never repeats a password in the message', () => {
  assert.throws(() => parseQueueUrl('http://:s3cret@host/0'), /--queue: http:\/\/ is not a Redis URL/);
  assert.throws(() => parseQueueUrl('redis://h:6379/queue'), /the database must be a number, got 'queue'/);
  for (const bad of ['redis://:s3cret@', 'not a url :s3cret@'])
    try {
      parseQueueUrl(bad);
      assert.unreachable(bad);
    } catch (err) {
      assert.not.ok((err as Error).message.includes('s3cret'), (err as Error).message);
    }
});

const Redact = suite('redactQueueUrl / redactSecret');

Redact('redactQueueUrl hides the password of text that is not a valid URL too', () => {
  assert.is(redactQueueUrl('redis://:pa ss@host'), 'redis://:***@host');
  assert.is(redactQueueUrl('redis://host:6379'), 'redis://host:6379', 'a port is not a password');
});

Redact('redactSecret removes the password, raw and percent-decoded, from a client message', () => {
  const q = parseQueueUrl('redis://:p%40ss@host:6379/0');
  assert.is(
    redactSecret('WRONGPASS for p@ss at redis://:p%40ss@host:6379/0 (p%40ss)', q),
    'WRONGPASS for *** at redis://:***@host:6379/0 (***)',
  );
});

ParseQueueUrl.run();
Redact.run();
