import { parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.ts';

/**
 * Dotted keys (`model.fusion`, `inputs.imu.placements`) address fields of an experiment from a
 * sweep or from `--set`. Setting one returns a new object; the input is never changed.
 */
export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function splitDottedKey(key: string): string[] {
  return key.split('.');
}

/** A copy of `target` with the field at `key` set to `value`; missing objects on the way are created. */
export function setDotted(target: PlainObject, key: string, value: unknown): PlainObject {
  const [head, ...rest] = splitDottedKey(key) as [string, ...string[]];
  if (rest.length === 0) return { ...target, [head]: value };
  const inner = target[head];
  return { ...target, [head]: setDotted(isPlainObject(inner) ? inner : {}, rest.join('.'), value) };
}

/**
 * A copy of `target` with one `--set key=value` applied: a dotted key, the value read as YAML,
 * so `5`, `true`, `[wrist, ankle]` and `{ kind: top }` work. A malformed one is a ConfigError
 * located at the `--set` itself; `example` is the assignment its message shows.
 */
export function applySet(target: PlainObject, assignment: string, example = 'train.epochs=5'): PlainObject {
  const at = assignment.indexOf('=');
  const key = at < 0 ? '' : assignment.slice(0, at);
  const where = { file: `--set ${assignment}` };
  if (!/^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/.test(key))
    throw new ConfigError(where, `must be key=value with a dotted key, e.g. --set ${example}`);
  const valueDoc = parseDocument(assignment.slice(at + 1));
  if (valueDoc.errors.length > 0)
    throw new ConfigError(where, `the value is not valid YAML: ${valueDoc.errors[0]?.message.split('\n')[0] ?? ''}`);
  return setDotted(target, key, valueDoc.toJS() as unknown);
}

/**
 * `override` laid over `base`: objects merge key by key, anything else (arrays included)
 * replaces. What `extends:` does with a base file.
 */
export function deepMerge(base: PlainObject, override: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const under = out[key];
    out[key] = isPlainObject(under) && isPlainObject(value) ? deepMerge(under, value) : value;
  }
  return out;
}
