import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigLocation } from '../core/errors.ts';
import { applySet, deepMerge, isPlainObject, type PlainObject } from './dotted-keys.ts';
import { experimentSchema, MODEL_TYPES, type Experiment } from './experiment-schema.ts';

/** One parsed YAML file of an experiment (the file itself, then each base it extends). */
export interface ExperimentSource {
  file: string;
  doc: Document;
  lines: LineCounter;
}

export interface LoadedExperiment {
  /** Validated, every default filled in: the base configuration (no sweep applied). */
  experiment: Experiment;
  /** The merged fields as written (extends resolved, --set applied), before defaults: sweeps apply to this. */
  written: PlainObject;
  /** The file first, then its bases: where to look a field's line up. */
  sources: ExperimentSource[];
  /** `--set` overrides as given. */
  sets: string[];
}

/**
 * Reads an experiment file: YAML, `extends:` resolved (the base file's fields are defaults), the
 * `--set key=value` overrides applied, then checked against the schema. Every problem is a
 * ConfigError naming the file, the line and the field.
 */
export async function loadExperiment(
  path: string,
  options: { set?: readonly string[] } = {},
): Promise<LoadedExperiment> {
  const sources: ExperimentSource[] = [];
  let written = await readWithBases(resolve(path), sources, []);
  const sets = [...(options.set ?? [])];
  for (const assignment of sets) written = applySet(written, assignment);
  const experiment = validateExperiment(
    written,
    sources,
    (issuePath) => locateSet(issuePath, sets) ?? locateField(issuePath, sources),
  );
  return { experiment, written, sources, sets };
}

async function readWithBases(file: string, sources: ExperimentSource[], chain: string[]): Promise<PlainObject> {
  if (chain.includes(file))
    throw new ConfigError(
      { file: chain[chain.length - 1] as string, field: 'extends' },
      `extends itself through ${[...chain, file].join(' -> ')}`,
    );
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const from = chain.length > 0 ? { file: chain[chain.length - 1] as string, field: 'extends' } : { file };
    throw new ConfigError(
      from,
      code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source: ExperimentSource = { file, doc, lines };
  sources.push(source);
  const problem = doc.errors[0];
  if (problem !== undefined) {
    const line = lines.linePos(problem.pos[0]).line;
    throw new ConfigError(
      { file, line },
      `not valid YAML: ${problem.message.split('\n')[0] ?? ''}`,
      'Check the indentation and the punctuation (: , [ ] { }) on that line.',
    );
  }
  const value = doc.toJS() as unknown;
  if (!isPlainObject(value))
    throw new ConfigError(
      { file, line: 1 },
      'an experiment file must be a YAML mapping (name: ..., dataset: ..., model: ...)',
    );
  if (value['extends'] === undefined) return value;
  const base = value['extends'];
  if (typeof base !== 'string')
    throw new ConfigError(locateIn(source, ['extends']), 'extends must be the path of a base experiment file');
  const { extends: _, ...own } = value;
  const merged = deepMerge(await readWithBases(resolve(dirname(file), base), sources, [...chain, file]), own);
  // The base's name is not inherited: each file names its own experiment (and results folder).
  if (own['name'] === undefined)
    throw new ConfigError(
      { file, line: 1, field: 'name' },
      "name is missing: a file that extends another names its own experiment (the base's name is not inherited)",
    );
  return merged;
}

type Locate = (path: readonly PropertyKey[]) => ConfigLocation;

/**
 * Checks `written` against the schema; the first problem becomes a ConfigError at the place
 * `locate` finds for its path (the others are counted in the hint).
 */
export function validateExperiment(
  written: PlainObject,
  sources: readonly ExperimentSource[],
  locate: Locate = (p) => locateField(p, sources),
): Experiment {
  const parsed = experimentSchema().safeParse(written);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0] as z.core.$ZodIssue;
  const { path, message } = describeIssue(first, written);
  const more =
    issues.length > 1 ? `${issues.length - 1} more problem${issues.length > 2 ? 's' : ''} after this one.` : undefined;
  const dataset = (written['dataset'] as PlainObject | undefined)?.['name'];
  const where =
    path[0] === 'dataset' && /^no such (folder|file): /.test(message) && typeof dataset === 'string'
      ? `\`motionfuse datasets info ${dataset}\` says where to get it and how it must lie on disk.`
      : undefined;
  throw new ConfigError(locate(path), message, [where, more].filter((h) => h !== undefined).join(' ') || undefined);
}

/** The path to point at and a sentence about the problem. */
function describeIssue(issue: z.core.$ZodIssue, written: PlainObject): { path: PropertyKey[]; message: string } {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    return {
      path: [...path, keys[0] as string],
      message: `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}${suggestion(path)}`,
    };
  }
  if (
    issue.code === 'invalid_union' ||
    (issue.code === 'invalid_value' && String(path[path.length - 1]) === 'type' && path[0] === 'model')
  ) {
    const field = path.join('.');
    if (field === 'model' || field === 'model.type') {
      const given = (written['model'] as PlainObject | undefined)?.['type'];
      return {
        path: ['model', 'type'],
        message:
          given === undefined
            ? `model.type is missing (one of ${MODEL_TYPES.join(', ')})`
            : `unknown model '${String(given)}' (known models: ${MODEL_TYPES.join(', ')})`,
      };
    }
  }
  if (issue.code === 'invalid_union' && /discriminator/i.test(issue.message)) {
    const given = path.reduce<unknown>((v, k) => (isPlainObject(v) ? v[String(k)] : undefined), written);
    const known = [...issue.message.matchAll(/'([^']+)'/g)].map((m) => m[1]).join(', ');
    const what = path.join('.') === 'dataset.name' ? 'data set' : path.join('.');
    return {
      path,
      message:
        given === undefined
          ? `${path.join('.')} is missing (one of ${known})`
          : `unknown ${what} '${String(given)}' (known: ${known})`,
    };
  }
  const value = path.reduce<unknown>(
    (v, k) => (isPlainObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    written,
  );
  if (issue.code === 'invalid_type' && value === undefined)
    return { path, message: `${path.join('.')} is missing (${issue.expected} expected)` };
  // The location names the field; the message says what is wrong with the value.
  const text = issue.message.replace(/^Invalid input: /, '');
  const shown = ['invalid_type', 'invalid_value', 'too_small', 'too_big', 'invalid_format'].includes(issue.code);
  const got = !shown || value === undefined || text.includes(', got ') ? '' : `, got ${JSON.stringify(value)}`;
  return { path, message: `${text}${got}` };
}

function suggestion(path: readonly PropertyKey[]): string {
  const where = path.length === 0 ? 'the top level' : `'${path.join('.')}'`;
  return ` in ${where} (see \`motionfuse schema\` for the fields)`;
}

/** An issue whose path starts with a --set key lies in that --set. */
function locateSet(path: readonly PropertyKey[], sets: readonly string[]): ConfigLocation | undefined {
  const field = path.join('.');
  const hit = [...sets].reverse().find((s) => {
    const key = s.slice(0, Math.max(0, s.indexOf('=')));
    return field === key || field.startsWith(`${key}.`) || key.startsWith(`${field}.`);
  });
  return hit === undefined ? undefined : { file: `--set ${hit}`, field };
}

/** The deepest place in the sources where `path` is written: the file that sets it, its line. */
export function locateField(path: readonly PropertyKey[], sources: readonly ExperimentSource[]): ConfigLocation {
  let best: { source: ExperimentSource; depth: number; line: number } | undefined;
  for (const source of sources) {
    const found = deepestLine(source, path);
    if (found !== undefined && (best === undefined || found.depth > best.depth)) best = { source, ...found };
  }
  const field = path.map(String).join('.');
  if (best === undefined) {
    const first = sources[0];
    return { file: first?.file ?? '(experiment)', ...(field === '' ? {} : { field }) };
  }
  return { file: best.source.file, line: best.line, ...(field === '' ? {} : { field }) };
}

export function locateIn(source: ExperimentSource, path: readonly PropertyKey[]): ConfigLocation {
  const found = deepestLine(source, path);
  return { file: source.file, ...(found === undefined ? {} : { line: found.line }), field: path.map(String).join('.') };
}

/** Walks the YAML nodes along `path`: the line of the deepest key (or item) that exists. */
function deepestLine(
  source: ExperimentSource,
  path: readonly PropertyKey[],
): { depth: number; line: number } | undefined {
  let node: unknown = source.doc.contents;
  let result: { depth: number; line: number } | undefined;
  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth];
    let next: unknown;
    let offset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === String(key),
      );
      if (pair === undefined) break;
      offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0];
      next = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
      offset = (next as { range?: [number, number, number] } | undefined)?.range?.[0];
    } else {
      break;
    }
    if (offset === undefined || next === undefined) break;
    result = { depth: depth + 1, line: source.lines.linePos(offset).line };
    node = next;
  }
  return result;
}
