import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * A folder option of a data set (`root`, `splits`): it must exist when the experiment file is
 * checked, so a mistyped path fails with the file, the line and the field, before any work. A
 * relative path is taken from the current folder.
 */
export function existingFolder(describe: string) {
  return z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      const full = resolve(path);
      if (!existsSync(full)) ctx.addIssue({ code: 'custom', message: `no such folder: ${full}` });
      else if (!statSync(full).isDirectory()) ctx.addIssue({ code: 'custom', message: `not a folder: ${full}` });
    })
    .transform((path) => resolve(path))
    .describe(describe);
}

/** The same for a file (an annotation file). */
export function existingFile(describe: string) {
  return z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      const full = resolve(path);
      if (!existsSync(full)) ctx.addIssue({ code: 'custom', message: `no such file: ${full}` });
      else if (!statSync(full).isFile()) ctx.addIssue({ code: 'custom', message: `not a file: ${full}` });
    })
    .transform((path) => resolve(path))
    .describe(describe);
}
