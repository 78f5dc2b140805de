import type { Argv } from 'yargs';
import type { DatasetEntry } from '../data/dataset-entry.ts';
import { datasetEntries, datasetNames, requireDatasetEntry } from '../data/dataset-registry.ts';
import type { FetchEvent, FetchResult } from '../data/fetch/fetch-dataset.ts';
import { optionRows } from '../data/option-rows.ts';
import type { VerifyReport } from '../data/verify-dataset.ts';
import { applySet, type PlainObject } from '../experiments/dotted-keys.ts';

/**
 * `motionfuse datasets list | info NAME | verify NAME --root DIR | fetch NAME`: what data sets an
 * experiment file can name, what one needs (its registry entry, options, layout, the `dataset:`
 * block), whether a copy on disk is complete and readable (`src/data/verify-dataset.ts`), and the
 * download of those whose publisher offers one (`src/data/fetch/fetch-dataset.ts`). This file
 * only wires the arguments and prints; verify and fetch (progress bars, unzip) are imported by
 * their handlers, so that list and info load neither.
 *
 * verify exits 0 when every sample listed is readable and nothing the annotations name is
 * missing, 1 otherwise (a copy that cannot even be listed, a bad option, is a UserError: 2).
 * fetch says how to get a data set that cannot be downloaded and exits 2.
 */
const MISSING_SHOWN = 50;

export function datasetsCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'datasets',
    'List the data sets, show what one needs, verify a copy on disk, or download one',
    (y) =>
      y
        .command(
          'list',
          'Every data set an experiment file can name, and whether it is generated, downloadable or user-supplied',
          (a) => a,
          () => {
            process.stdout.write(formatList());
          },
        )
        .command(
          'info <name>',
          'Where a data set comes from, its licence and citation, its options, the layout on disk and the dataset: block for an experiment file',
          (a) =>
            a.positional('name', {
              type: 'string',
              demandOption: true,
              describe: `One of ${datasetNames().join(', ')}`,
            }),
          (args) => {
            process.stdout.write(formatInfo(requireDatasetEntry(args.name)));
          },
        )
        .command(
          'verify <name>',
          'List a copy of a data set, open every sample, and report counts per class, missing and unreadable files (exit 0: all readable, 1: something missing or unreadable)',
          (a) =>
            a
              .positional('name', {
                type: 'string',
                demandOption: true,
                describe: `One of ${datasetNames().join(', ')}`,
              })
              .option('root', { type: 'string', describe: "The data set's folder (its root option)" })
              .option('set', {
                type: 'string',
                array: true,
                default: [] as string[],
                describe: 'Another option of the data set, key=value (value read as YAML), repeatable',
              })
              .option('quick', {
                type: 'boolean',
                default: false,
                describe: 'Only list (counts and missing files); do not open the samples',
              })
              .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
              .example('$0 datasets verify utd-mhad --root datasets/utd-mhad/data', 'Open every sample of UTD-MHAD')
              .example(
                '$0 datasets verify ucf101 --root data/UCF-101 --set splits=data/ucfTrainTestlist --quick',
                'Count the clips the splits name and which are missing',
              ),
          async (args) => {
            const entry = requireDatasetEntry(args.name);
            let spec: PlainObject = args.root === undefined ? {} : { root: args.root };
            for (const assignment of args.set) spec = applySet(spec, assignment, 'size=64');
            const { verifyDatasetEntry } = await import('../data/verify-dataset.ts');
            const report = await verifyDatasetEntry(entry, spec, { quick: args.quick });
            process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
            if (report.missing.length > 0 || report.unreadable.length > 0) process.exitCode = 1;
          },
        )
        .command(
          'fetch <name>',
          'Download a data set from its publisher (resuming a partial download), check it, and unpack its zip archives',
          (a) =>
            a
              .positional('name', {
                type: 'string',
                demandOption: true,
                describe: `One of ${datasetNames().join(', ')}`,
              })
              .option('to', {
                type: 'string',
                describe: 'Download folder (default datasets/<name>/data/ in the project)',
              })
              .option('only', {
                type: 'string',
                array: true,
                describe: 'Only these files of the data set (by file name); also fetches optional ones',
              })
              .option('base-url', {
                type: 'string',
                describe:
                  "Fetch from this address instead of the publisher's: <base-url>/<file name> (default MOTIONFUSE_FETCH_BASE_URL, if set)",
              })
              .option('extract', {
                type: 'boolean',
                default: true,
                describe: 'Unpack zip archives after download (--no-extract to keep them packed)',
              })
              .option('retries', {
                type: 'number',
                default: 3,
                describe: 'When the connection drops, resume up to this many times in a row without progress',
              })
              .example('$0 datasets fetch utd-mhad', 'Download and unpack UTD-MHAD into datasets/utd-mhad/data/')
              .example(
                'MOTIONFUSE_FETCH_BASE_URL=http://mirror.example/ucf $0 datasets fetch ucf101 --only UCF101TrainTestSplits-RecognitionTask.zip',
                'Only the split files, from a mirror',
              ),
          async (args) => {
            const { fetchDataset } = await import('../data/fetch/fetch-dataset.ts');
            const result = await fetchDataset(args.name, {
              ...(args.to === undefined ? {} : { to: args.to }),
              ...(args.only === undefined ? {} : { only: args.only }),
              ...(args['base-url'] === undefined ? {} : { baseUrl: args['base-url'] }),
              extract: args.extract,
              retries: args.retries,
              onEvent: (event) => process.stdout.write(formatFetchEvent(event)),
            });
            process.stdout.write(formatFetchResult(result));
          },
        )
        .demandCommand(1, 'Name a datasets subcommand: list, info, verify or fetch.'),
    () => {},
  );
}

// ---------------------------------------------------------------------------------------------
// list and info

function formatList(): string {
  const rows = datasetEntries().map((e) => [e.name, e.acquisition, e.describe]);
  return `${table([['name', 'data', 'description'], ...rows]).join('\n')}\n\nmotionfuse datasets info NAME: where it comes from, options, layout; verify NAME --root DIR: check a copy; fetch NAME: download one marked downloadable.\n`;
}

function formatInfo(entry: DatasetEntry): string {
  const out: string[] = [`${entry.name}: ${entry.title}`, '', entry.describe, ''];
  out.push(`data:      ${entry.acquisition}`);
  if (entry.homepage !== undefined) out.push(`homepage:  ${entry.homepage}`);
  out.push(`citation:  ${entry.citation}`, `licence:   ${entry.licence}`, '');
  if (entry.files.length > 0) {
    out.push('files (motionfuse datasets fetch):');
    for (const f of entry.files) {
      const notes = [
        f.archive === 'none' ? 'used as is' : `${f.archive} archive`,
        f.size,
        f.optional ? 'optional: --only to fetch' : undefined,
      ].filter((n) => n !== undefined);
      out.push(
        `  ${f.name} (${notes.join(', ')}): ${f.describe}`,
        `    ${f.url}`,
        `    checksum: ${f.checksum === undefined ? 'none published' : `${f.checksum.algorithm} ${f.checksum.value}`}`,
      );
    }
    out.push('');
  }
  out.push('how to get it:', ...entry.obtain.map((s) => `  - ${s}`));
  if (entry.unpack !== undefined)
    out.push('', 'unpack (in the download folder):', ...entry.unpack.map((s) => `  ${s}`));
  out.push('', 'layout on disk:', ...entry.layout.map((s) => `  ${s}`));
  out.push(
    '',
    'options:',
    ...indent(table([['option', 'type', 'default', 'description'], ...optionRows(entry.options)])),
  );
  out.push('', 'in an experiment file:', ...entry.experiment.split('\n').map((s) => `  ${s}`), '');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// verify

export function formatVerifyReport(report: VerifyReport): string {
  const out: string[] = [];
  const where = typeof report.options['root'] === 'string' ? ` under ${report.options['root']}` : '';
  out.push(`${report.dataset}: ${report.listed} samples listed in ${report.classes.length} classes${where}`, '');
  const head = report.opened ? ['class', 'listed', 'readable'] : ['class', 'listed'];
  out.push(
    ...table(
      [
        head,
        ...report.classes.map((c) => [c.name, String(c.listed), ...(report.opened ? [String(c.readable ?? 0)] : [])]),
      ],
      [false, true, true],
    ),
    '',
  );
  if (report.missing.length > 0) {
    out.push(`missing (${report.missing.length}):`);
    for (const m of report.missing.slice(0, MISSING_SHOWN)) out.push(`  ${m.id}: ${m.what}`);
    if (report.missing.length > MISSING_SHOWN)
      out.push(`  ... and ${report.missing.length - MISSING_SHOWN} more (--json lists all)`);
  } else out.push('missing: none');
  if (report.opened) {
    if (report.unreadable.length > 0) {
      out.push(`unreadable (${report.unreadable.length}):`);
      for (const u of report.unreadable) out.push(`  ${u.id}: ${u.reason}`);
    } else out.push('unreadable: none');
  }
  const ok = report.missing.length === 0 && report.unreadable.length === 0;
  const readableCount = report.listed - report.unreadable.length;
  out.push(
    '',
    !report.opened
      ? `listed only (--quick): ${report.listed} samples, ${report.missing.length} missing; no sample was opened`
      : ok
        ? `all ${report.listed} samples are readable`
        : `${readableCount} of ${report.listed} samples readable, ${report.missing.length} missing, ${report.unreadable.length} unreadable`,
  );
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// fetch

function formatFetchEvent(event: FetchEvent): string {
  switch (event.type) {
    case 'not-downloadable': {
      const { entry } = event;
      return `${entry.name} (${entry.title}) is ${entry.acquisition}: motionfuse cannot download it.\n${entry.obtain.map((s) => `  - ${s}`).join('\n')}\nlayout on disk:\n${entry.layout.map((s) => `  ${s}`).join('\n')}\n`;
    }
    case 'downloaded': {
      const { result, path } = event;
      const resumed = result.resumedFrom > 0 ? `, resumed at byte ${result.resumedFrom}` : '';
      const checked = result.digest === undefined ? '' : `, ${event.file.checksum?.algorithm} ok`;
      return result.alreadyThere
        ? `already downloaded: ${path}${checked}\n`
        : `downloaded ${event.url} -> ${path} (${result.bytes} bytes${resumed}${checked})\n`;
    }
    case 'already-unpacked':
      return `already unpacked: ${event.zip} (delete ${event.marker} to unpack again)\n`;
    case 'unpacked':
      return `unpacked ${event.zip} -> ${event.folder} (${event.files} files, ${event.bytes} bytes)\n`;
  }
}

function formatFetchResult({ entry, folder, defaultFolder, rars }: FetchResult): string {
  let out = '';
  if (rars.length > 0) {
    out += `\n${rars.map((f) => f.name).join(' and ')} ${rars.length > 1 ? 'are rar archives' : 'is a rar archive'}, which motionfuse does not unpack (npm has no maintained open-source rar reader).\nUnpack with unrar or 7z (Debian: apt-get install unrar, or 7zip):\n  cd ${folder}\n${(entry.unpack ?? []).map((s) => `  ${s}`).join('\n')}\n`;
  }
  out += `\nin an experiment file${folder === defaultFolder ? '' : ` (paths for the default folder ${defaultFolder}; yours is ${folder})`}:\n${entry.experiment
    .split('\n')
    .map((s) => `  ${s}`)
    .join('\n')}\nthen check it with: motionfuse datasets verify ${entry.name} --root <root above>\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Rows as aligned columns; `right` marks columns aligned right. */
function table(rows: string[][], right: boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 && !right[i]
          ? cell
          : right[i]
            ? cell.padStart(widths[i] ?? 0)
            : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

function indent(lines: string[]): string[] {
  return lines.map((l) => `  ${l}`);
}
