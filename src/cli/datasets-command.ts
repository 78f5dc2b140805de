import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/atomic-file.ts';
import type { DatasetAdapter, SampleRef } from '../core/dataset.ts';
import { UserError, errorMessage } from '../core/errors.ts';
import { startProgress, type Progress } from '../core/progress.ts';
import { catalogEntry, defaultFiles, type Acquisition, type CatalogEntry, type CatalogFile } from '../data/dataset-catalog.ts';
import { datasetEntries, datasetEntry, datasetNames, type DatasetEntry } from '../data/dataset-registry.ts';
import { downloadFile } from '../data/fetch/download-file.ts';
import { extractZip } from '../data/fetch/extract-zip.ts';
import { setDotted, type PlainObject } from '../experiments/dotted-keys.ts';

/**
 * `motionfuse datasets list | info NAME | verify NAME --root DIR | fetch NAME`: what data sets an
 * experiment file can name, what one needs (catalog entry, options, layout, the `dataset:`
 * block), whether a copy on disk is complete and readable, and the download of those whose
 * publisher offers one.
 *
 * verify exits 0 when every sample listed is readable and nothing the annotations name is
 * missing, 1 otherwise (a copy that cannot even be listed, a bad option, is a UserError: 2).
 * fetch downloads into datasets/<name>/data/ (or --to), resumes a partial download, checks a
 * published checksum, unpacks zip archives and tells how to unpack rar ones; for a data set
 * that cannot be downloaded it says how to get it and exits 2. MOTIONFUSE_FETCH_BASE_URL (or
 * --base-url) replaces the publisher's address up to the file name: a mirror, or a local server
 * in tests.
 */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MIB = 1024 * 1024;
const MISSING_SHOWN = 50;

export function datasetsCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'datasets',
    'List the data sets, show what one needs, verify a copy on disk, or download one',
    (y) => y
      .command('list', 'Every data set an experiment file can name, and whether it is generated, downloadable or user-supplied', (a) => a, () => {
        process.stdout.write(formatList());
      })
      .command(
        'info <name>',
        'Where a data set comes from, its licence and citation, its options, the layout on disk and the dataset: block for an experiment file',
        (a) => a.positional('name', { type: 'string', demandOption: true, describe: `One of ${datasetNames().join(', ')}` }),
        (args) => {
          process.stdout.write(formatInfo(registryEntry(args.name)));
        },
      )
      .command(
        'verify <name>',
        'List a copy of a data set, open every sample, and report counts per class, missing and unreadable files (exit 0: all readable, 1: something missing or unreadable)',
        (a) => a
          .positional('name', { type: 'string', demandOption: true, describe: `One of ${datasetNames().join(', ')}` })
          .option('root', { type: 'string', describe: 'The data set\'s folder (its root option)' })
          .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Another option of the data set, key=value (value read as YAML), repeatable' })
          .option('quick', { type: 'boolean', default: false, describe: 'Only list (counts and missing files); do not open the samples' })
          .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
          .example('$0 datasets verify utd-mhad --root datasets/utd-mhad/data', 'Open every trial of UTD-MHAD')
          .example('$0 datasets verify ucf101 --root data/UCF-101 --set splits=data/ucfTrainTestlist --quick', 'Count the clips the splits name and which are missing'),
        async (args) => {
          const report = await verifyDataset(args.name, { ...(args.root === undefined ? {} : { root: args.root }), sets: args.set, quick: args.quick });
          process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
          if (report.missing.length > 0 || report.unreadable.length > 0) process.exitCode = 1;
        },
      )
      .command(
        'fetch <name>',
        'Download a data set from its publisher (resuming a partial download), check it, and unpack its zip archives',
        (a) => a
          .positional('name', { type: 'string', demandOption: true, describe: `One of ${datasetNames().join(', ')}` })
          .option('to', { type: 'string', describe: 'Download folder (default datasets/<name>/data/ in the project)' })
          .option('only', { type: 'string', array: true, describe: 'Only these files of the catalog (by file name); also fetches optional ones' })
          .option('base-url', { type: 'string', describe: 'Fetch from this address instead of the publisher\'s: <base-url>/<file name> (default MOTIONFUSE_FETCH_BASE_URL, if set)' })
          .option('extract', { type: 'boolean', default: true, describe: 'Unpack zip archives after download (--no-extract to keep them packed)' })
          .option('retries', { type: 'number', default: 3, describe: 'When the connection drops, resume up to this many times in a row without progress' })
          .example('$0 datasets fetch utd-mhad', 'Download and unpack UTD-MHAD into datasets/utd-mhad/data/')
          .example('MOTIONFUSE_FETCH_BASE_URL=http://mirror.example/ucf $0 datasets fetch ucf101 --only UCF101TrainTestSplits-RecognitionTask.zip', 'Only the split files, from a mirror'),
        async (args) => {
          await fetchDataset(args.name, {
            ...(args.to === undefined ? {} : { to: args.to }),
            ...(args.only === undefined ? {} : { only: args.only }),
            ...(args['base-url'] === undefined ? {} : { baseUrl: args['base-url'] }),
            extract: args.extract,
            retries: args.retries,
          });
        },
      )
      .demandCommand(1, 'Name a datasets subcommand: list, info, verify or fetch.'),
    () => {},
  );
}

function registryEntry(name: string): DatasetEntry {
  const entry = datasetEntry(name);
  if (entry === undefined) throw new UserError(`unknown data set '${name}'`, `known data sets: ${datasetNames().join(', ')}`);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// list and info

const ACQUISITION_WORDS: Record<Acquisition, string> = { generated: 'generated', downloadable: 'downloadable', 'user-supplied': 'user-supplied' };

function formatList(): string {
  const rows = datasetEntries().map((e) => [e.name, ACQUISITION_WORDS[catalogEntry(e.name).acquisition], e.describe]);
  return `${table([['name', 'data', 'description'], ...rows]).join('\n')}\n\nmotionfuse datasets info NAME: where it comes from, options, layout; verify NAME --root DIR: check a copy; fetch NAME: download one marked downloadable.\n`;
}

function formatInfo(entry: DatasetEntry): string {
  const cat = catalogEntry(entry.name);
  const out: string[] = [`${cat.name}: ${cat.title}`, '', entry.describe, ''];
  out.push(`data:      ${cat.acquisition}`);
  if (cat.homepage !== undefined) out.push(`homepage:  ${cat.homepage}`);
  out.push(`citation:  ${cat.citation}`, `licence:   ${cat.licence}`, '');
  if (cat.files.length > 0) {
    out.push('files (motionfuse datasets fetch):');
    for (const f of cat.files) {
      const notes = [f.archive === 'none' ? 'used as is' : `${f.archive} archive`, f.size, f.optional ? 'optional: --only to fetch' : undefined].filter((n) => n !== undefined);
      out.push(`  ${f.name} (${notes.join(', ')}): ${f.describe}`, `    ${f.url}`, `    checksum: ${f.checksum === undefined ? 'none published' : `${f.checksum.algorithm} ${f.checksum.value}`}`);
    }
    out.push('');
  }
  out.push('how to get it:', ...cat.obtain.map((s) => `  - ${s}`));
  if (cat.unpack !== undefined) out.push('', 'unpack (in the download folder):', ...cat.unpack.map((s) => `  ${s}`));
  out.push('', 'layout on disk:', ...cat.layout.map((s) => `  ${s}`));
  out.push('', 'options:', ...indent(table([['option', 'type', 'default', 'description'], ...optionRows(entry.options)])));
  out.push('', 'in an experiment file:', ...cat.experiment.split('\n').map((s) => `  ${s}`), '');
  return `${out.join('\n')}\n`;
}

interface JsonSchemaProperty {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: JsonSchemaProperty;
  minimum?: number;
  maximum?: number;
}

/** One row per option of a data set's schema: name, type, default (or required), description. */
export function optionRows(schema: z.ZodType): string[][] {
  let json: { properties?: Record<string, JsonSchemaProperty>; required?: string[] };
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as typeof json;
  } catch {
    const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
    return Object.keys(shape).map((k) => [k, '', '', '']);
  }
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => [
    name,
    describeType(p),
    p.default !== undefined ? JSON.stringify(p.default) : required.has(name) ? 'required' : '',
    p.description ?? p.items?.description ?? '',
  ]);
}

function describeType(p: JsonSchemaProperty): string {
  if (p.enum !== undefined) return `one of ${p.enum.map(String).join(', ')}`;
  if (p.type === 'array') return `list of ${p.items === undefined ? 'values' : describeType(p.items)}`;
  const range = p.minimum !== undefined || p.maximum !== undefined ? ` ${p.minimum ?? ''}..${p.maximum ?? ''}` : '';
  return `${p.type ?? 'value'}${range}`;
}

// ---------------------------------------------------------------------------------------------
// verify

export interface VerifyOptions {
  root?: string;
  /** `key=value` assignments, the value read as YAML. */
  sets?: readonly string[];
  /** Only list; open nothing. */
  quick?: boolean;
}

export interface VerifyReport {
  dataset: string;
  options: PlainObject;
  listed: number;
  /** Whether every listed sample was opened (false with quick). */
  opened: boolean;
  classes: { name: string; listed: number; readable?: number }[];
  /** Samples the data set's annotations name but the disk lacks (or trials lacking a modality). */
  missing: { id: string; what: string }[];
  unreadable: { id: string; reason: string }[];
}

export async function verifyDataset(name: string, options: VerifyOptions): Promise<VerifyReport> {
  const entry = registryEntry(name);
  let spec: PlainObject = options.root === undefined ? {} : { root: options.root };
  for (const assignment of options.sets ?? []) spec = applySet(spec, assignment);
  const needsRoot = optionRows(entry.options).some(([key, , dflt]) => key === 'root' && dflt === 'required');
  if (needsRoot && spec['root'] === undefined) {
    throw new UserError(`datasets verify ${name} needs --root DIR, the data set's folder`, `e.g. motionfuse datasets verify ${name} --root datasets/${name}/data`);
  }
  const parsed = entry.options.safeParse(spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.code === 'unrecognized_keys'
      ? `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
      : `${issue.path.map(String).join('.') || '(options)'}: ${issue.message}`);
    throw new UserError(`${name} data set: ${problems.join('; ')}`, `Its options are ${optionRows(entry.options).map((r) => r[0]).join(', ')}; see motionfuse datasets info ${name}.`);
  }
  const adapter = entry.create(spec);
  const refs = await adapter.list();
  const missing = await missingOf(adapter);

  const listed = new Map<string, number>();
  const readable = new Map<string, number>();
  for (const c of adapter.classes) listed.set(c, 0);
  for (const r of refs) listed.set(r.label, (listed.get(r.label) ?? 0) + 1);
  const unreadable: VerifyReport['unreadable'] = [];
  if (options.quick !== true) {
    const progress = startProgress({ label: `opening ${name}`, total: refs.length, unit: 'samples' });
    try {
      for (const ref of refs) {
        const reason = await tryLoad(adapter, ref);
        if (reason === undefined) readable.set(ref.label, (readable.get(ref.label) ?? 0) + 1);
        else unreadable.push({ id: ref.id, reason });
        progress.tick(1, unreadable.length > 0 ? `${unreadable.length} unreadable` : undefined);
      }
    } finally {
      progress.stop();
    }
  }
  return {
    dataset: name,
    options: parsed.data as PlainObject,
    listed: refs.length,
    opened: options.quick !== true,
    classes: [...listed].map(([c, n]) => ({ name: c, listed: n, ...(options.quick === true ? {} : { readable: readable.get(c) ?? 0 }) })),
    missing,
    unreadable,
  };
}

/** The reason a sample cannot be opened, or undefined when it opens. */
async function tryLoad(adapter: DatasetAdapter, ref: SampleRef): Promise<string | undefined> {
  try {
    await adapter.load(ref);
    return undefined;
  } catch (err) {
    if (err instanceof UserError) return err.message;
    // Not the adapter's own report of a bad file: likely a bug, kept apart so it is not taken for one.
    return `unexpected error (possibly a bug in the adapter): ${errorMessage(err)}`;
  }
}

/** What the adapter knows to be missing: `missing()` of the video data sets, `incomplete()` of UTD-MHAD. */
async function missingOf(adapter: DatasetAdapter): Promise<VerifyReport['missing']> {
  const extra = adapter as DatasetAdapter & { missing?: () => Promise<{ id: string; path: string }[]>; incomplete?: () => Promise<{ id: string; missing: string[] }[]> };
  const out: VerifyReport['missing'] = [];
  if (typeof extra.missing === 'function') for (const m of await extra.missing()) out.push({ id: m.id, what: m.path });
  if (typeof extra.incomplete === 'function') for (const t of await extra.incomplete()) out.push({ id: t.id, what: `no ${t.missing.join(', ')} file` });
  return out;
}

/** `key=value`: the value is read as YAML, as the experiment files' --set reads it. */
function applySet(spec: PlainObject, assignment: string): PlainObject {
  const at = assignment.indexOf('=');
  const key = at < 0 ? '' : assignment.slice(0, at);
  if (!/^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/.test(key)) throw new UserError(`--set ${assignment}: must be key=value, e.g. --set size=64`);
  const doc = parseDocument(assignment.slice(at + 1));
  if (doc.errors.length > 0) throw new UserError(`--set ${assignment}: the value is not valid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
  return setDotted(spec, key, doc.toJS() as unknown);
}

export function formatVerifyReport(report: VerifyReport): string {
  const out: string[] = [];
  const where = typeof report.options['root'] === 'string' ? ` under ${report.options['root']}` : '';
  out.push(`${report.dataset}: ${report.listed} samples listed in ${report.classes.length} classes${where}`, '');
  const head = report.opened ? ['class', 'listed', 'readable'] : ['class', 'listed'];
  out.push(...table([head, ...report.classes.map((c) => [c.name, String(c.listed), ...(report.opened ? [String(c.readable ?? 0)] : [])])], [false, true, true]), '');
  if (report.missing.length > 0) {
    out.push(`missing (${report.missing.length}):`);
    for (const m of report.missing.slice(0, MISSING_SHOWN)) out.push(`  ${m.id}: ${m.what}`);
    if (report.missing.length > MISSING_SHOWN) out.push(`  ... and ${report.missing.length - MISSING_SHOWN} more (--json lists all)`);
  } else out.push('missing: none');
  if (report.opened) {
    if (report.unreadable.length > 0) {
      out.push(`unreadable (${report.unreadable.length}):`);
      for (const u of report.unreadable) out.push(`  ${u.id}: ${u.reason}`);
    } else out.push('unreadable: none');
  }
  const ok = report.missing.length === 0 && report.unreadable.length === 0;
  const readableCount = report.listed - report.unreadable.length;
  out.push('', !report.opened
    ? `listed only (--quick): ${report.listed} samples, ${report.missing.length} missing; no sample was opened`
    : ok ? `all ${report.listed} samples are readable` : `${readableCount} of ${report.listed} samples readable, ${report.missing.length} missing, ${report.unreadable.length} unreadable`);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// fetch

export interface FetchOptions {
  to?: string;
  only?: readonly string[];
  baseUrl?: string;
  extract?: boolean;
  retries?: number;
}

export async function fetchDataset(name: string, options: FetchOptions): Promise<void> {
  const cat = catalogEntry(name);
  if (cat.acquisition !== 'downloadable') {
    process.stdout.write(`${name} (${cat.title}) is ${cat.acquisition}: motionfuse cannot download it.\n${cat.obtain.map((s) => `  - ${s}`).join('\n')}\nlayout on disk:\n${cat.layout.map((s) => `  ${s}`).join('\n')}\n`);
    throw new UserError(`${name} cannot be fetched: ${cat.acquisition === 'generated' ? 'it is generated, not downloaded' : 'its data come from the user'}`, 'Follow the steps printed above.');
  }
  if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0)) throw new UserError(`--retries must be a whole number >= 0, got ${options.retries}`);
  const files = pickFiles(cat, options.only);
  const folder = resolve(options.to ?? join(PROJECT_ROOT, 'datasets', name, 'data'));
  const base = options.baseUrl ?? (process.env['MOTIONFUSE_FETCH_BASE_URL'] || undefined);
  for (const file of files) {
    const url = base === undefined ? file.url : `${base.replace(/\/+$/, '')}/${encodeURIComponent(file.name)}`;
    const path = join(folder, file.name);
    let progress: Progress | undefined;
    try {
      const result = await downloadFile({
        url, to: path, retries: options.retries ?? 3,
        ...(file.checksum === undefined ? {} : { checksum: file.checksum }),
        onProgress: (received, total) => {
          progress ??= startProgress({ label: file.name, total: total === undefined ? 0 : mib(total), unit: 'MiB' });
          progress.update(mib(received));
        },
      });
      progress?.stop();
      progress = undefined;
      const resumed = result.resumedFrom > 0 ? `, resumed at byte ${result.resumedFrom}` : '';
      const checked = result.digest === undefined ? '' : `, ${file.checksum?.algorithm} ok`;
      process.stdout.write(result.alreadyThere ? `already downloaded: ${path}${checked}\n` : `downloaded ${url} -> ${path} (${result.bytes} bytes${resumed}${checked})\n`);
    } finally {
      progress?.stop();
    }
    if (file.archive === 'zip' && options.extract !== false) await unpackOnce(path, folder);
  }
  const rars = files.filter((f) => f.archive === 'rar');
  if (rars.length > 0) {
    process.stdout.write(`\n${rars.map((f) => f.name).join(' and ')} ${rars.length > 1 ? 'are rar archives' : 'is a rar archive'}, which motionfuse does not unpack (npm has no maintained open-source rar reader).\nUnpack with unrar or 7z (Debian: apt-get install unrar, or 7zip):\n  cd ${folder}\n${(cat.unpack ?? []).map((s) => `  ${s}`).join('\n')}\n`);
  }
  const defaultFolder = resolve(join(PROJECT_ROOT, 'datasets', name, 'data'));
  process.stdout.write(`\nin an experiment file${folder === defaultFolder ? '' : ` (paths for the default folder ${defaultFolder}; yours is ${folder})`}:\n${cat.experiment.split('\n').map((s) => `  ${s}`).join('\n')}\nthen check it with: motionfuse datasets verify ${name} --root <root above>\n`);
}

function pickFiles(cat: CatalogEntry, only: readonly string[] | undefined): CatalogFile[] {
  if (only === undefined || only.length === 0) return defaultFiles(cat);
  return only.map((name) => {
    const file = cat.files.find((f) => f.name === name);
    if (file === undefined) throw new UserError(`${cat.name} has no file '${name}'`, `its files: ${cat.files.map((f) => f.name).join(', ')}`);
    return file;
  });
}

/**
 * Unpacks a zip into `folder` unless the marker beside it says this very archive (same size and
 * time) was unpacked already.
 */
async function unpackOnce(zipPath: string, folder: string): Promise<void> {
  const marker = `${zipPath}.unpacked.json`;
  const { size, mtimeMs } = statSync(zipPath);
  if (existsSync(marker)) {
    try {
      const seen = JSON.parse(readFileSync(marker, 'utf8')) as { size?: number; mtimeMs?: number };
      if (seen.size === size && seen.mtimeMs === mtimeMs) {
        process.stdout.write(`already unpacked: ${zipPath} (delete ${marker} to unpack again)\n`);
        return;
      }
    } catch {
      // A damaged marker: unpack again.
    }
  }
  let progress: Progress | undefined;
  try {
    const result = await extractZip(zipPath, folder, {
      onEntry: (done, total) => {
        progress ??= startProgress({ label: `unpacking ${zipPath.split(/[\\/]/).pop() ?? ''}`, total, unit: 'entries' });
        progress.update(done);
      },
    });
    progress?.stop();
    process.stdout.write(`unpacked ${zipPath} -> ${folder} (${result.files} files, ${result.bytes} bytes)\n`);
  } finally {
    progress?.stop();
  }
  await writeJsonAtomic(marker, { size, mtimeMs, unpackedInto: folder });
}

const mib = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;

// ---------------------------------------------------------------------------------------------

/** Rows as aligned columns; `right` marks columns aligned right. */
function table(rows: string[][], right: boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 && !right[i] ? cell : right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function indent(lines: string[]): string[] {
  return lines.map((l) => `  ${l}`);
}
