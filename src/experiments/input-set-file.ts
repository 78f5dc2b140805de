import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../core/atomic-file.ts';
import { MODALITIES, type InputSet, type ModalityArray } from '../inputs/input-spec.ts';

/**
 * An input set on disk, so that trial workers read the inputs the main thread prepared once
 * instead of each preparing them again: a little-endian uint32 header length, a JSON header
 * (ids, subjects, labels, and per modality its type, shape and byte offset), then the arrays,
 * each 8-byte aligned. Written atomically.
 */
const FORMAT = 'motionfuse-input-set/1';

interface Header {
  format: typeof FORMAT;
  count: number;
  ids: string[];
  subjects: string[];
  labels: number[];
  augmentedFrom?: number[];
  arrays: { modality: string; type: 'float32' | 'uint8'; shape: number[]; offset: number; length: number }[];
}

export function writeInputSet(path: string, set: InputSet): void {
  const arrays: Header['arrays'] = [];
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const modality of MODALITIES) {
    const arr = set[modality] as ModalityArray | undefined;
    if (arr === undefined) continue;
    const bytes = new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
    arrays.push({
      modality,
      type: arr.data instanceof Float32Array ? 'float32' : 'uint8',
      shape: arr.shape,
      offset,
      length: arr.data.length,
    });
    blobs.push(bytes);
    offset += align8(bytes.byteLength);
  }
  const header: Header = {
    format: FORMAT,
    count: set.count,
    ids: set.ids,
    subjects: set.subjects,
    labels: Array.from(set.labels),
    ...(set.augmentedFrom === undefined ? {} : { augmentedFrom: Array.from(set.augmentedFrom) }),
    arrays,
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = align8(4 + json.byteLength);
  const out = new Uint8Array(start + offset);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  arrays.forEach((a, i) => out.set(blobs[i] as Uint8Array, start + a.offset));
  writeFileAtomicSync(path, out);
}

export function readInputSet(path: string): InputSet {
  const file = readFileSync(path);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(4, 4 + length)).toString('utf8')) as Header;
  if (header.format !== FORMAT) throw new Error(`readInputSet(): ${path} is not a ${FORMAT} file`);
  const start = align8(4 + length);
  const set: InputSet = {
    count: header.count,
    ids: header.ids,
    subjects: header.subjects,
    labels: Int32Array.from(header.labels),
    ...(header.augmentedFrom === undefined ? {} : { augmentedFrom: Int32Array.from(header.augmentedFrom) }),
  };
  for (const a of header.arrays) {
    const byteLength = a.length * (a.type === 'float32' ? 4 : 1);
    // Copied into its own buffer: aligned for Float32Array, and independent of the file's.
    const own = bytes.slice(start + a.offset, start + a.offset + byteLength);
    const data = a.type === 'float32' ? new Float32Array(own.buffer, 0, a.length) : own;
    (set as unknown as Record<string, ModalityArray>)[a.modality] = { data, shape: a.shape };
  }
  return set;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
