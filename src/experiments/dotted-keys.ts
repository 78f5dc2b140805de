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
