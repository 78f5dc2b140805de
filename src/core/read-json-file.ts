import { readFile } from 'node:fs/promises';
import { UserError, errorMessage } from './errors.ts';

/** What to tell the user when the file cannot be read, and when it is not JSON. */
export interface JsonFileHints {
  unreadable: string;
  invalid: string;
}

/**
 * A JSON file's parsed content, unchecked (the caller checks its fields). A file that cannot be
 * read or is not JSON is a UserError naming the file, with the caller's hint.
 */
export async function readJsonFile(path: string, hints: JsonFileHints): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${errorMessage(err)}`, hints.unreadable, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${path} is not valid JSON: ${errorMessage(err)}`, hints.invalid, { cause: err });
  }
}
