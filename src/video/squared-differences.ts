/**
 * sum_k (y[k] - x[k])^2 over two byte arrays, the core of the key-frame differences, in a tiny
 * WebAssembly SIMD function (8 bytes a step: widen to 16 bits, subtract, i32x4.dot_i16x8_s),
 * about ten times the speed of the plain loop, with the exact same integer sums. The module is
 * assembled below from its bytes (no toolchain needed); where WebAssembly SIMD is missing the
 * plain loop runs instead. Frames are copied into the instance's memory once each: two slots,
 * loaded in turn.
 */
export class SquaredDifferences {
  private readonly simd = simdKernel();
  private slotBytes = 0;

  /** Copies `bytes` into slot 0 or 1 (ready for sum()); in plain mode it only keeps the view. */
  load(slot: 0 | 1, bytes: Uint8Array): void {
    if (this.simd === undefined) {
      this.plain[slot] = bytes;
      return;
    }
    const { memory } = this.simd;
    const slotBytes = Math.ceil(bytes.length / 8) * 8;
    if (slotBytes > this.slotBytes) {
      const need = 2 * slotBytes - memory.buffer.byteLength;
      if (need > 0) memory.grow(Math.ceil(need / PAGE));
      this.slotBytes = slotBytes;
    }
    const heap = new Uint8Array(memory.buffer);
    heap.set(bytes, slot * this.slotBytes);
    // The padding to 8 bytes is zero in both slots, so it adds nothing.
    heap.fill(0, slot * this.slotBytes + bytes.length, slot * this.slotBytes + slotBytes);
  }

  /** The sum over the first `size` bytes of the two slots (as loaded with `size` bytes each). */
  sum(size: number): number {
    if (this.simd === undefined) return plainSum(this.plain[0] as Uint8Array, this.plain[1] as Uint8Array, size);
    const padded = Math.ceil(size / 8) * 8;
    let total = 0;
    // Each i32 lane gains at most 2 x 255^2 per 8 bytes: CHUNK bytes keep it below 2^31.
    for (let at = 0; at < padded; at += CHUNK)
      total += this.simd.ssd(at, this.slotBytes + at, Math.min(CHUNK, padded - at));
    return total;
  }

  private readonly plain: [Uint8Array | undefined, Uint8Array | undefined] = [undefined, undefined];
}

const PAGE = 65536;
const CHUNK = 65536;

/** sum (y - x)^2 in JavaScript: integer partial sums (a 4096-byte run sums below 2^31) keep V8's loop tight. */
export function plainSum(x: Uint8Array, y: Uint8Array, size: number): number {
  let sum = 0;
  for (let start = 0; start < size; start += 4096) {
    const end = Math.min(size, start + 4096);
    let part = 0;
    for (let k = start; k < end; k++) {
      const d = ((y[k] as number) - (x[k] as number)) | 0;
      part = (part + d * d) | 0;
    }
    sum += part;
  }
  return sum;
}

interface SimdKernel {
  memory: WebAssembly.Memory;
  /** sum (b - a)^2 over n bytes (a multiple of 8, at most CHUNK) at byte offsets a and b. */
  ssd: (a: number, b: number, n: number) => number;
}

let compiled: WebAssembly.Module | null | undefined;

/** An instance of its own (own memory, own slots); the module is compiled once per process. Undefined without WebAssembly SIMD. */
function simdKernel(): SimdKernel | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled === null ? undefined : (new WebAssembly.Instance(compiled).exports as unknown as SimdKernel);
}

/**
 * (func (export "ssd") (param $a i32) (param $b i32) (param $n i32) (result f64)) over an
 * exported memory: acc += dot(d, d) with d = load8x8_u(a) - load8x8_u(b), 8 bytes a step, then
 * the four i32 lanes summed as f64. Encoding: the WebAssembly core and SIMD binary formats.
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const GET = 0x20;
  const SET = 0x21;
  const TEE = 0x22;
  const SIMD = 0xfd;
  const load8x8u = [SIMD, 0x02, 0x00, 0x00]; // v128.load8x8_u align=1 offset=0
  const body = [
    ...[0x02, 0x01, 0x7f, 0x02, 0x7b], // locals: 1 i32 ($end), 2 v128 ($acc, $d)
    ...[GET, 0, GET, 2, 0x6a, SET, 3], // $end = $a + $n
    ...[0x02, 0x40, GET, 2, 0x45, 0x0d, 0], // block; br_if $n == 0
    ...[0x03, 0x40], // loop
    ...[GET, 4, GET, 0, ...load8x8u, GET, 1, ...load8x8u],
    ...[SIMD, 0x91, 0x01], // i16x8.sub
    ...[TEE, 5, GET, 5, SIMD, 0xba, 0x01], // i32x4.dot_i16x8_s ($d, $d)
    ...[SIMD, 0xae, 0x01, SET, 4], // $acc = i32x4.add
    ...[GET, 0, 0x41, 8, 0x6a, SET, 0, GET, 1, 0x41, 8, 0x6a, SET, 1],
    ...[GET, 0, GET, 3, 0x49, 0x0d, 0], // br_if $a < $end (unsigned)
    ...[0x0b, 0x0b], // end loop, end block
    ...[0, 1, 2, 3].flatMap((lane) => [GET, 4, SIMD, 0x1b, lane, 0xb8, ...(lane > 0 ? [0xa0] : [])]), // f64 sum of lanes
    0x0b,
  ];
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7c]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('ssd'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}
