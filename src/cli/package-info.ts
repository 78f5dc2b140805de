import { readFileSync } from 'node:fs';

/** The project's own package.json, read once: name, version and the Node range it needs. */
export interface PackageInfo {
  name: string;
  version: string;
  engines: { node: string };
}

export const PACKAGE: PackageInfo = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as PackageInfo;
