/**
 * An XDF parser written from the tables of the specification ("Format specification of XDF 1.0",
 * https://github.com/sccn/xdf/wiki/Specifications), independent of src/formats/xdf: the
 * conformance tests walk our files with it byte by byte (test/formats/xdf-spec.test.ts has the
 * specification's rules it follows). It reads every field, checks that each chunk's content fills
 * its Length exactly, and throws naming the byte offset at the first thing that does not fit.
 */

/** The Boundary chunk's content as the specification prints it. */
export const SPEC_UUID = [
  0x43, 0xa5, 0x46, 0xdc, 0xcb, 0xf5, 0x41, 0x0f, 0xb3, 0x0e, 0xd5, 0x46, 0x73, 0x83, 0xcb, 0xe4,
];
const VALUE_BYTES: Record<string, number> = { int8: 1, int16: 2, int32: 4, int64: 8, float32: 4, double64: 8 };

/** Reads little-endian fields in order; each error names the byte offset. */
class Bytes {
  pos: number;
  private readonly view: DataView;
  constructor(
    readonly buf: Uint8Array,
    pos = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
  }
  private take(n: number, what: string): number {
    if (this.pos + n > this.buf.length) throw new Error(`byte ${this.pos}: ${what} runs past the end`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(what: string): number {
    return this.view.getUint8(this.take(1, what));
  }
  u16(what: string): number {
    return this.view.getUint16(this.take(2, what), true);
  }
  u32(what: string): number {
    return this.view.getUint32(this.take(4, what), true);
  }
  f64(what: string): number {
    return this.view.getFloat64(this.take(8, what), true);
  }
  value(format: string, what: string): number {
    const at = this.take(VALUE_BYTES[format] ?? 0, what);
    switch (format) {
      case 'float32':
        return this.view.getFloat32(at, true);
      case 'double64':
        return this.view.getFloat64(at, true);
      case 'int8':
        return this.view.getInt8(at);
      case 'int16':
        return this.view.getInt16(at, true);
      case 'int32':
        return this.view.getInt32(at, true);
      case 'int64':
        return Number(this.view.getBigInt64(at, true));
    }
    throw new Error(`byte ${at}: ${what}: unknown channel_format '${format}'`);
  }
  /** [NumBytes: 1, 4 or 8][unsigned value]; returns the value and the width used. */
  varlen(what: string): { value: number; width: number } {
    const width = this.u8(`${what} width`);
    if (width === 1) return { value: this.u8(what), width };
    if (width === 4) return { value: this.u32(what), width };
    if (width === 8) return { value: Number(this.view.getBigUint64(this.take(8, what), true)), width };
    throw new Error(`byte ${this.pos - 1}: ${what} width is ${width}, not 1, 4 or 8`);
  }
  utf8(n: number, what: string): string {
    const at = this.take(n, what);
    return new TextDecoder('utf-8', { fatal: true }).decode(this.buf.subarray(at, at + n));
  }
}

/** An XML element: name, child elements, and its text (entities decoded). */
export interface El {
  name: string;
  children: El[];
  text: string;
}

/** Parses the XML these chunks hold: a declaration, elements, text, the five predefined entities. */
export function parseXml(xml: string, where: string): El {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`${where}: XML at character ${at}: ${why}`);
  };
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  const decode = (s: string) =>
    s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (_, e: string) =>
      e.startsWith('#x')
        ? String.fromCodePoint(parseInt(e.slice(2), 16))
        : e.startsWith('#')
          ? String.fromCodePoint(Number(e.slice(1)))
          : (entities[e] ?? fail(`unknown entity &${e};`)),
    );
  const skipSpace = () => {
    while (/\s/.test(xml[at] ?? '')) at++;
  };
  skipSpace();
  if (xml.startsWith('<?xml', at)) {
    const end = xml.indexOf('?>', at);
    if (end < 0) fail('unterminated declaration');
    at = end + 2;
  }
  const element = (): El => {
    const open = /^<([A-Za-z_][\w.-]*)\s*(\/?)>/.exec(xml.slice(at));
    if (open === null) return fail('expected an element');
    at += open[0].length;
    const el: El = { name: open[1] as string, children: [], text: '' };
    if (open[2] === '/') return el;
    for (;;) {
      const lt = xml.indexOf('<', at);
      if (lt < 0) fail(`<${el.name}> is not closed`);
      el.text += decode(xml.slice(at, lt));
      at = lt;
      if (xml.startsWith('</', at)) {
        const close = `</${el.name}>`;
        if (!xml.startsWith(close, at)) fail(`expected ${close}`);
        at += close.length;
        return el;
      }
      el.children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== xml.length) fail('content after the root element');
  return root;
}

export function child(el: El, name: string, where: string): El {
  const found = el.children.filter((c) => c.name === name);
  if (found.length !== 1) throw new Error(`${where}: <${el.name}> has ${found.length} <${name}> elements, not 1`);
  return found[0] as El;
}

export interface WalkedChunk {
  start: number;
  numLengthBytes: number;
  length: number;
  tag: number;
}

export interface WalkedStream {
  header: El;
  /** Per sample: the stored time stamp (null for TimeStampBytes 0) and the values. */
  samples: { stamp: number | null; values: (number | string)[] }[];
  offsets: { time: number; value: number }[];
  footer: El | undefined;
  /** NumSamplesBytes of each Samples chunk. */
  countWidths: number[];
}

export interface Walk {
  chunks: WalkedChunk[];
  fileHeader: El;
  streams: Map<number, WalkedStream>;
}

/** Walks a whole XDF file by the specification, checking that each chunk's content fills its Length exactly. */
export function walkXdf(buf: Uint8Array): Walk {
  const r = new Bytes(buf);
  const magic = r.utf8(4, 'magic code');
  if (magic !== 'XDF:') throw new Error(`the file starts with '${magic}', not 'XDF:'`);
  const chunks: WalkedChunk[] = [];
  const streams = new Map<number, WalkedStream>();
  let fileHeader: El | undefined;
  while (r.pos < buf.length) {
    const start = r.pos;
    const { value: length, width: numLengthBytes } = r.varlen(`chunk length at byte ${start}`);
    const contentEnd = r.pos + length;
    const tag = r.u16(`tag of the chunk at byte ${start}`);
    const where = `chunk (tag ${tag}) at byte ${start}`;
    chunks.push({ start, numLengthBytes, length, tag });
    const stream = (id: number): WalkedStream => {
      const s = streams.get(id);
      if (s === undefined) throw new Error(`${where}: stream ${id} has no StreamHeader before it`);
      return s;
    };
    switch (tag) {
      case 1:
        fileHeader = parseXml(r.utf8(contentEnd - r.pos, where), where);
        break;
      case 2: {
        const id = r.u32(`${where}: StreamID`);
        if (streams.has(id)) throw new Error(`${where}: a second StreamHeader for stream ${id}`);
        const header = parseXml(r.utf8(contentEnd - r.pos, where), where);
        streams.set(id, { header, samples: [], offsets: [], footer: undefined, countWidths: [] });
        break;
      }
      case 3: {
        const s = stream(r.u32(`${where}: StreamID`));
        const format = child(s.header, 'channel_format', where).text;
        const channels = Number(child(s.header, 'channel_count', where).text);
        const { value: count, width } = r.varlen(`${where}: NumSamples`);
        s.countWidths.push(width);
        for (let n = 0; n < count; n++) {
          const stampBytes = r.u8(`${where}: TimeStampBytes of sample ${n}`);
          if (stampBytes !== 0 && stampBytes !== 8) throw new Error(`${where}: TimeStampBytes ${stampBytes}`);
          const stamp = stampBytes === 8 ? r.f64(`${where}: time stamp of sample ${n}`) : null;
          const values: (number | string)[] = [];
          for (let c = 0; c < channels; c++) {
            if (format === 'string') {
              const { value: bytes } = r.varlen(`${where}: string length`);
              values.push(r.utf8(bytes, `${where}: string of sample ${n}`));
            } else {
              values.push(r.value(format, `${where}: value ${c} of sample ${n}`));
            }
          }
          s.samples.push({ stamp, values });
        }
        break;
      }
      case 4: {
        const s = stream(r.u32(`${where}: StreamID`));
        s.offsets.push({ time: r.f64(`${where}: CollectionTime`), value: r.f64(`${where}: OffsetValue`) });
        break;
      }
      case 5: {
        const uuid = Array.from(buf.subarray(r.pos, contentEnd));
        if (uuid.join() !== SPEC_UUID.join())
          throw new Error(`${where}: Boundary content is not the UUID: ${uuid.join(' ')}`);
        r.pos = contentEnd;
        break;
      }
      case 6: {
        const s = stream(r.u32(`${where}: StreamID`));
        if (s.footer !== undefined) throw new Error(`${where}: a second StreamFooter`);
        s.footer = parseXml(r.utf8(contentEnd - r.pos, where), where);
        break;
      }
      default:
        throw new Error(`${where}: tag ${tag} is not one of XDF 1.0's tags 1-6`);
    }
    if (r.pos !== contentEnd) {
      throw new Error(`${where}: its content ends at byte ${r.pos}, but its Length says ${contentEnd}`);
    }
  }
  if (fileHeader === undefined) throw new Error('the file has no FileHeader chunk');
  return { chunks, fileHeader, streams };
}

/** The text of each child element, by name. */
export const texts = (el: El): Record<string, string> => Object.fromEntries(el.children.map((c) => [c.name, c.text]));
