import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Arquero from 'arquero';
import { z } from 'zod';
import type { OfficialSplit } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import { existingFile, existingFolder } from '../existing-path.ts';
import {
  clipDataset,
  DECODE_OPTIONS,
  type ClipDataset,
  type ClipEntry,
  type ClipListing,
  type MissingClip,
} from './labelled-clips.ts';

/**
 * Kinetics-400 (Kay et al. 2017) as the usual download tools leave it: the annotation CSVs
 * (`label,youtube_id,time_start,time_end,split`) and the clips as
 * `root/<label>/<youtube_id>_<start:06d>_<end:06d>.<ext>` (a label folder may use `_` for spaces,
 * as some downloaders write it). Many YouTube videos are gone: clips not on disk are counted and
 * listed by `missing()`, and the run reports them. Classes: the labels of the annotations, sorted
 * (the order of the official label map). Each clip is its own video, so there are no subjects.
 */
export const KINETICS400_OPTIONS_SCHEMA = z.strictObject({
  root: existingFolder('folder of the label folders'),
  annotations: z
    .array(existingFile('an annotation CSV'))
    .min(1)
    .describe('annotation CSVs (train.csv, val.csv, ...): label,youtube_id,time_start,time_end,split'),
  ...DECODE_OPTIONS,
});
export type Kinetics400Options = z.output<typeof KINETICS400_OPTIONS_SCHEMA>;

export async function kinetics400Dataset(options: Kinetics400Options): Promise<ClipDataset> {
  // arquero (~170 modules) reads the CSVs: loaded when a Kinetics data set is made, not with every experiment file.
  const aq = await import('arquero');
  return clipDataset('kinetics400', () => listKinetics(aq, options.root, options.annotations), options);
}

interface Row {
  label: string;
  youtube_id: string;
  time_start: number;
  time_end: number;
  split: string;
}

export function listKinetics(aq: typeof Arquero, root: string, annotations: readonly string[]): ClipListing {
  const rows: Row[] = annotations.flatMap((file) => {
    const table = aq.fromCSV(readFileSync(file, 'utf8'), {
      parse: { youtube_id: String, label: String, split: String },
    });
    const needed = ['label', 'youtube_id', 'time_start', 'time_end', 'split'];
    const lacking = needed.filter((c) => !table.columnNames().includes(c));
    if (lacking.length > 0)
      throw new UserError(
        `${file}: no column ${lacking.join(', ')} (Kinetics annotation CSVs have ${needed.join(',')})`,
      );
    return table.objects() as unknown as Row[];
  });
  const classes = [...new Set(rows.map((r) => r.label))].sort();
  // One directory listing per label folder: clip files found by their YouTube id and times.
  const files = new Map<string, Map<string, string>>();
  const folderFiles = (label: string) => {
    let found = files.get(label);
    if (found === undefined) {
      found = new Map();
      for (const folder of [label, label.replace(/ /g, '_')]) {
        const dir = join(root, folder);
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir)) found.set(name.replace(/\.[^.]+$/, ''), join(dir, name));
      }
      files.set(label, found);
    }
    return found;
  };
  const clips: ClipEntry[] = [];
  const missing: MissingClip[] = [];
  const bySplit = new Map<string, string[]>();
  for (const r of rows) {
    const id = `${r.youtube_id}_${String(r.time_start).padStart(6, '0')}_${String(r.time_end).padStart(6, '0')}`;
    const path = folderFiles(r.label).get(id);
    if (path === undefined) missing.push({ id, path: join(root, r.label, `${id}.mp4`) });
    else clips.push({ id, label: r.label, path });
    bySplit.set(r.split, [...(bySplit.get(r.split) ?? []), id]);
  }
  const train = bySplit.get('train') ?? [];
  const splits: OfficialSplit[] = [...bySplit.keys()]
    .filter((s) => s !== 'train')
    .map((s) => ({ name: s, train, test: bySplit.get(s) ?? [] }));
  return { classes, clips, missing, splits };
}
