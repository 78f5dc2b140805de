import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A zip archive built in memory for tests, byte by byte as APPNOTE.TXT lays it out (local
 * headers, central directory, end record), so tests can make archives no honest tool would:
 * names with `..` or an absolute path, symbolic links, Windows separators.
 */
export interface ZipEntrySpec {
  /** The name as stored, unchecked. */
  name: string;
  data?: string | Uint8Array;
  /** file (default), folder (name should end in '/'), or symlink (data = the link's target). */
  kind?: 'file' | 'folder' | 'symlink';
  /** deflate (default) or store. */
  method?: 'deflate' | 'store';
}

const UNIX_MODES = { file: 0o100644, folder: 0o040755, symlink: 0o120777 } as const;

export function makeZip(entries: readonly ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const kind = spec.kind ?? 'file';
    const raw =
      typeof spec.data === 'string' ? Buffer.from(spec.data, 'utf8') : Buffer.from(spec.data ?? new Uint8Array(0));
    const method = spec.method === 'store' || kind !== 'file' ? 0 : 8;
    const body = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(spec.name, 'utf8');
    const crc = crc32(raw) >>> 0;
    // DOS time 12:00:00, date 2024-01-01.
    const time = 12 << 11;
    const date = ((2024 - 1980) << 9) | (1 << 5) | 1;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix, so the mode bits count
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE(((UNIX_MODES[kind] << 16) | (kind === 'folder' ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
