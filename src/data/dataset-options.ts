import type { z } from 'zod';
import { UserError } from '../core/errors.ts';

/**
 * A data set's options checked by its schema: the parsed options, or one UserError naming every
 * problem (unknown options, the field and what is wrong with it) and `hint` (what the options are).
 */
export function checkDatasetOptions<T extends z.ZodType>(
  schema: T,
  request: unknown,
  name: string,
  hint: string,
): z.output<T> {
  const parsed = schema.safeParse(request);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
      : `${issue.path.map(String).join('.') || '(options)'}: ${issue.message}`,
  );
  throw new UserError(`${name} data set: ${problems.join('; ')}`, hint);
}
