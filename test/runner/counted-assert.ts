/**
 * uvu's assertions, each counted: test/run.ts prints how many ran, so a refactor of the tests can
 * show it lost none. assertion-hooks.mjs points every `uvu/assert` import of a test here.
 */
import * as uvuAssert from 'uvu/assert';

const tally = { count: 0 };

/** Assertions made in this process so far. */
export function assertionCount(): number {
  return tally.count;
}

function counted<F extends (...args: never[]) => unknown>(check: F): F {
  return ((...args: Parameters<F>) => {
    tally.count++;
    return check(...args);
  }) as F;
}

export const ok = counted(uvuAssert.ok);
export const is = Object.assign(counted(uvuAssert.is), { not: counted(uvuAssert.is.not) });
export const equal = counted(uvuAssert.equal);
export const unreachable = counted(uvuAssert.unreachable);
export const type = counted(uvuAssert.type);
export const instance = counted(uvuAssert.instance);
export const match = counted(uvuAssert.match);
export const snapshot = counted(uvuAssert.snapshot);
export const fixture = counted(uvuAssert.fixture);
export const throws = counted(uvuAssert.throws);
export const not = Object.assign(counted(uvuAssert.not), {
  ok: counted(uvuAssert.not.ok),
  equal: counted(uvuAssert.not.equal),
  type: counted(uvuAssert.not.type),
  instance: counted(uvuAssert.not.instance),
  snapshot: counted(uvuAssert.not.snapshot),
  fixture: counted(uvuAssert.not.fixture),
  match: counted(uvuAssert.not.match),
  throws: counted(uvuAssert.not.throws),
});
export const Assertion = uvuAssert.Assertion;
