import type { DatasetAdapter, SampleRef } from '../core/dataset.ts';
import { checkDatasetOptions } from './dataset-options.ts';
import { UserError, errorMessage } from '../core/errors.ts';
import { startProgress } from '../core/progress.ts';
import type { DatasetEntry } from './dataset-entry.ts';
import { requireDatasetEntry } from './dataset-registry.ts';
import { optionRows } from './option-rows.ts';

/**
 * What `motionfuse datasets verify` finds in a copy of a data set on disk: the samples its adapter
 * lists, per class; what the annotations name but the disk lacks; and, unless `quick`, which
 * listed samples cannot be opened and why. A copy that cannot even be listed, or a bad option, is
 * a UserError.
 */
export interface VerifyOptions {
  /** Only list; open nothing. */
  quick?: boolean;
}

export interface VerifyReport {
  dataset: string;
  /** The options as the data set's schema resolved them. */
  options: Record<string, unknown>;
  listed: number;
  /** Whether every listed sample was opened (false with quick). */
  opened: boolean;
  classes: { name: string; listed: number; readable?: number }[];
  /** Samples the data set's annotations name but the disk lacks (or samples lacking a modality). */
  missing: { id: string; what: string }[];
  unreadable: { id: string; reason: string }[];
}

/** Verifies the registered data set `name` with `spec`, its options as an experiment file writes them (without `name`). */
export async function verifyDataset(
  name: string,
  spec: Record<string, unknown>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  return verifyDatasetEntry(requireDatasetEntry(name), spec, options);
}

/** `verifyDataset` for an entry in hand (one not registered, in tests). */
export async function verifyDatasetEntry(
  entry: DatasetEntry,
  spec: Record<string, unknown>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const { name } = entry;
  const needsRoot = optionRows(entry.options).some(([key, , dflt]) => key === 'root' && dflt === 'required');
  if (needsRoot && spec['root'] === undefined) {
    throw new UserError(
      `datasets verify ${name} needs --root DIR, the data set's folder`,
      `e.g. motionfuse datasets verify ${name} --root datasets/${name}/data`,
    );
  }
  const checked = checkDatasetOptions(
    entry.options,
    spec,
    name,
    `Its options are ${optionRows(entry.options)
      .map((r) => r[0])
      .join(', ')}; see motionfuse datasets info ${name}.`,
  );
  const adapter = await entry.create(spec);
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
    options: checked as Record<string, unknown>,
    listed: refs.length,
    opened: options.quick !== true,
    classes: [...listed].map(([c, n]) => ({
      name: c,
      listed: n,
      ...(options.quick === true ? {} : { readable: readable.get(c) ?? 0 }),
    })),
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

/** What the adapter knows to be missing: `missing()` (the video data sets) and `incomplete()` (UTD-MHAD). */
async function missingOf(adapter: DatasetAdapter): Promise<VerifyReport['missing']> {
  const out: VerifyReport['missing'] = [];
  for (const m of (await adapter.missing?.()) ?? []) out.push({ id: m.id, what: m.path });
  for (const t of (await adapter.incomplete?.()) ?? []) out.push({ id: t.id, what: `no ${t.missing.join(', ')} file` });
  return out;
}
