import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  XdfFormatError,
  isXdfChannelFormat,
  type XdfChannelFormat,
  type XdfChunkHeader,
  type XdfClockOffset,
} from './xdf-chunks.ts';
import { describe, type CheckedStreamInfo, type XdfDesc, type XdfDescValue } from './xdf-stream-input.ts';

/**
 * The XML documents an XDF file holds (FileHeader, StreamHeader and StreamFooter contents), with
 * fast-xml-parser. Built for the writers by its builder, which escapes text (names and characters
 * XML cannot hold are errors that say where they came from); parsed for the reader, which takes
 * any writer's (pretty-printed or not) and marks XML that does not parse as a damaged chunk.
 */

// ---------------------------------------------------------------------------------------------
// Building

const builder = new XMLBuilder({
  format: false,
  suppressEmptyNode: true,
  processEntities: true,
  ignoreAttributes: true,
});
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Characters XML 1.0 cannot hold at all (not even escaped), and unpaired surrogates.
const XML_FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function xmlDocument(info: Record<string, unknown>): string {
  return `<?xml version="1.0"?>${builder.build({ info }) as string}`;
}

function xmlText(value: string, what: string): string {
  const bad = XML_FORBIDDEN.exec(value);
  if (bad !== null) {
    const code = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`${what} holds U+${code} at index ${bad.index}, which XML 1.0 cannot store`);
  }
  return value;
}

function xmlName(name: string, what: string): string {
  if (!XML_NAME.test(name)) {
    throw new Error(
      `${what}: '${name}' is not a usable XML element name (letters, digits, '_', '.', '-'; not starting with a digit)`,
    );
  }
  return name;
}

export function fileHeaderXml(fields: Record<string, string> | undefined, fn: string): string {
  const info: Record<string, unknown> = { version: '1.0' };
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (key === 'version') throw new Error(`${fn}: fileHeader.version is set by the writer (XDF 1.0)`);
    if (typeof value !== 'string') throw new Error(`${fn}: fileHeader.${key} must be a string, got ${typeof value}`);
    info[xmlName(key, `${fn}: fileHeader`)] = xmlText(value, `${fn}: fileHeader.${key}`);
  }
  return xmlDocument(info);
}

/** The StreamHeader XML, in liblsl's element order. */
export function streamHeaderXml(info: CheckedStreamInfo, where: string): string {
  const xml: Record<string, unknown> = {
    name: xmlText(info.name, `${where}: name`),
    type: xmlText(info.type, `${where}: type`),
    channel_count: String(info.channelCount),
    channel_format: info.channelFormat,
    source_id: xmlText(info.sourceId, `${where}: sourceId`),
    nominal_srate: String(info.nominalSrate),
  };
  if (info.createdAt !== undefined) xml['created_at'] = String(info.createdAt);
  xml['desc'] = info.desc === undefined ? '' : descXml(info.desc, `${where}: desc`);
  return xmlDocument(xml);
}

/** The StreamFooter XML: first and last time stamp (when there was a sample), count, clock offsets. */
export function streamFooterXml(tally: {
  first: number | undefined;
  last: number;
  count: number;
  offsets: readonly XdfClockOffset[];
}): string {
  const info: Record<string, unknown> = {};
  if (tally.first !== undefined) {
    info['first_timestamp'] = String(tally.first);
    info['last_timestamp'] = String(tally.last);
  }
  info['sample_count'] = String(tally.count);
  info['clock_offsets'] =
    tally.offsets.length === 0
      ? ''
      : { offset: tally.offsets.map((o) => ({ time: String(o.time), value: String(o.value) })) };
  return xmlDocument(info);
}

function descXml(value: XdfDescValue, path: string): unknown {
  if (typeof value === 'string') return xmlText(value, path);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.map((item: XdfDescValue, i) => {
      if (Array.isArray(item)) throw new Error(`${path}[${i}]: an array inside an array has no XML form`);
      return descXml(item, `${path}[${i}]`);
    });
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value as XdfDesc)) {
      out[xmlName(key, path)] = descXml(child, `${path}.${key}`);
    }
    return Object.keys(out).length === 0 ? '' : out;
  }
  throw new Error(`${path} must be a string, number, boolean, array or plain object, got ${describe(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** A StreamHeader, parsed. XML has no types: `desc` and `fields` hold strings (as pyxdf's do). */
export interface XdfStreamHeaderInfo {
  name: string;
  type: string;
  channelCount: number;
  nominalSrate: number;
  channelFormat: XdfChannelFormat;
  sourceId: string;
  createdAt: number | undefined;
  /**
   * `<desc>` as nested objects. An element that occurs once is an object or string, one that
   * repeats an array; `channels.channel` (the LSL channel list) is always an array.
   */
  desc: Record<string, unknown>;
  /** Every element of the header's `<info>`, as parsed (hostname, uid, version, ...). */
  fields: Record<string, unknown>;
}

export interface XdfStreamFooter {
  firstTimestamp: number | undefined;
  lastTimestamp: number | undefined;
  sampleCount: number | undefined;
  clockOffsets: XdfClockOffset[];
  /** Every element of the footer's `<info>`, as parsed. */
  fields: Record<string, unknown>;
}

/** Elements that are lists even when they occur once, so that a reader's code need not care. */
const ALWAYS_LISTS = new Set(['info.desc.channels.channel', 'info.clock_offsets.offset']);

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  jPath: true,
  isArray: (_name, path) => typeof path === 'string' && ALWAYS_LISTS.has(path),
});

/**
 * The children of an XML document's `<info>` root. XML that does not parse marks the chunk as
 * damaged (a chunk whose length is wrong usually ends mid-XML).
 */
export function parseInfoXml(xml: string, chunk: XdfChunkHeader): Record<string, unknown> {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new XdfFormatError(
      'corrupt',
      chunk.start,
      `XML of the chunk (tag ${chunk.tag}) at byte ${chunk.start} does not parse: ${valid.err.msg}`,
    );
  }
  let doc: Record<string, unknown>;
  try {
    doc = dropLayoutText(parser.parse(xml)) as Record<string, unknown>;
  } catch (err) {
    throw new XdfFormatError(
      'corrupt',
      chunk.start,
      `XML of the chunk (tag ${chunk.tag}) at byte ${chunk.start} does not parse: ${(err as Error).message}`,
    );
  }
  const info = doc['info'];
  if (typeof info === 'object' && info !== null && !Array.isArray(info)) return info as Record<string, unknown>;
  if (info === '') return {};
  throw new XdfFormatError(
    'corrupt',
    chunk.start,
    `XML of the chunk (tag ${chunk.tag}) at byte ${chunk.start} has no <info> root element`,
  );
}

/** Removes whitespace-only text beside child elements: the indentation of pretty-printed XML. */
function dropLayoutText(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropLayoutText);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '#text' && typeof value === 'string' && value.trim() === '') continue;
    out[key] = dropLayoutText(value);
  }
  return out;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  const s = text(value);
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** The header's info, or why it cannot be used. */
export function streamInfo(fields: Record<string, unknown>): XdfStreamHeaderInfo | string {
  const channelCount = numberOrUndefined(fields['channel_count']);
  // The specification allows 0 channels (samples that are time stamps alone).
  if (channelCount === undefined || !Number.isInteger(channelCount) || channelCount < 0) {
    return `channel_count '${String(fields['channel_count'])}' is not a non-negative integer`;
  }
  const nominalSrate = numberOrUndefined(fields['nominal_srate']);
  if (nominalSrate === undefined || nominalSrate < 0)
    return `nominal_srate '${String(fields['nominal_srate'])}' is not a number >= 0`;
  const channelFormat = (text(fields['channel_format']) ?? '').trim();
  if (!isXdfChannelFormat(channelFormat))
    return `channel_format '${String(fields['channel_format'])}' is not one XDF knows`;
  const desc = fields['desc'];
  return {
    name: text(fields['name']) ?? '',
    type: text(fields['type']) ?? '',
    channelCount,
    nominalSrate,
    channelFormat,
    sourceId: text(fields['source_id']) ?? '',
    createdAt: numberOrUndefined(fields['created_at']),
    desc:
      typeof desc === 'object' && desc !== null && !Array.isArray(desc)
        ? (desc as Record<string, unknown>)
        : typeof desc === 'string' && desc.trim() !== ''
          ? { '#text': desc }
          : {},
    fields,
  };
}

export function parseFooter(fields: Record<string, unknown>): XdfStreamFooter {
  const clockOffsets: XdfClockOffset[] = [];
  const list = fields['clock_offsets'];
  const offsets = typeof list === 'object' && list !== null ? (list as Record<string, unknown>)['offset'] : undefined;
  if (Array.isArray(offsets)) {
    for (const o of offsets) {
      if (typeof o !== 'object' || o === null) continue;
      const time = numberOrUndefined((o as Record<string, unknown>)['time']);
      const value = numberOrUndefined((o as Record<string, unknown>)['value']);
      if (time !== undefined && value !== undefined) clockOffsets.push({ time, value });
    }
  }
  const sampleCount = numberOrUndefined(fields['sample_count']);
  return {
    firstTimestamp: numberOrUndefined(fields['first_timestamp']),
    lastTimestamp: numberOrUndefined(fields['last_timestamp']),
    sampleCount:
      sampleCount !== undefined && Number.isInteger(sampleCount) && sampleCount >= 0 ? sampleCount : undefined,
    clockOffsets,
    fields,
  };
}
