import type { SKRSContext2D } from '@napi-rs/canvas';
import { putFrame, whiteCanvas } from './canvas-primitives.ts';
import { canvasFont as font, TEXT_COLOUR } from './canvas-text.ts';

/** One row of a Grad-CAM strip: the key frames bare (no maps) or with a heat map over each. */
export interface GradCamStripRow {
  label: string;
  /** [frames x size x size] in 0..1 (gradCam's maps of one sample); absent: the frames bare. */
  maps?: Float32Array;
}

export interface GradCamStripInput {
  title: string;
  /** The key frames: [frames x size x size x 3] RGB, as the model's video input holds them. */
  frames: Uint8Array;
  count: number;
  size: number;
  rows: readonly GradCamStripRow[];
  /** Under each column (e.g. the frame's attention weight); optional. */
  columnNotes?: readonly string[];
  /** Integer zoom; default: frames about 96 px wide. */
  scale?: number;
}

const STRIP = { margin: 8, gap: 4, label: 150, title: 24, note: 16 } as const;
/** The heat map's strongest opacity: the frame stays visible under the hottest cell. */
const MAX_ALPHA = 0.6;

/**
 * A PNG of a sample's key frames with Grad-CAM over them, one row per class explained: the first
 * row bare, then each map as a colour ramp (transparent at 0, blue through yellow to red at 1,
 * more opaque where hotter) over the frame, zoomed by whole pixels so the frame's bytes show.
 */
export async function renderGradCamStrip(input: GradCamStripInput): Promise<Buffer> {
  const { count, size } = input;
  if (input.frames.length !== count * size * size * 3)
    throw new Error(
      `renderGradCamStrip(): frames must be ${count} x ${size} x ${size} x 3, got ${input.frames.length}`,
    );
  const bad = input.rows.find((r) => r.maps !== undefined && r.maps.length !== count * size * size);
  if (bad !== undefined)
    throw new Error(`renderGradCamStrip(): the maps of '${bad.label}' are not ${count} x ${size} x ${size}`);
  const scale = input.scale ?? Math.max(1, Math.round(96 / size));
  const cell = size * scale;
  const notes = input.columnNotes === undefined ? 0 : STRIP.note;
  const width = STRIP.margin * 2 + STRIP.label + count * cell + (count - 1) * STRIP.gap;
  const height = STRIP.margin * 2 + STRIP.title + input.rows.length * (cell + STRIP.gap) + notes;
  const { canvas, ctx } = whiteCanvas(width, height);
  ctx.fillStyle = TEXT_COLOUR;
  ctx.font = font(14, true);
  ctx.fillText(input.title, STRIP.margin, STRIP.margin + 15, width - 2 * STRIP.margin);
  const decoded = { frames: input.frames, width: size, height: size, channels: 3 as const };
  input.rows.forEach((row, r) => {
    const y = STRIP.margin + STRIP.title + r * (cell + STRIP.gap);
    ctx.fillStyle = TEXT_COLOUR;
    ctx.font = font(12);
    wrapText(ctx, row.label, STRIP.margin, y + 14, STRIP.label - 8);
    for (let k = 0; k < count; k++) {
      const x = STRIP.margin + STRIP.label + k * (cell + STRIP.gap);
      putFrame(ctx, decoded, k, x, y, scale);
      if (row.maps !== undefined)
        overlayMap(ctx, row.maps.subarray(k * size * size, (k + 1) * size * size), size, scale, x, y);
    }
  });
  if (input.columnNotes !== undefined) {
    ctx.fillStyle = TEXT_COLOUR;
    ctx.font = font(11);
    const y = STRIP.margin + STRIP.title + input.rows.length * (cell + STRIP.gap) + 11;
    input.columnNotes.slice(0, count).forEach((note, k) => {
      ctx.fillText(note, STRIP.margin + STRIP.label + k * (cell + STRIP.gap), y, cell);
    });
  }
  return canvas.encode('png');
}

/** A heat map's colour at v in 0..1: blue, cyan, yellow, red (a short jet-like ramp). */
export function heatColour(v: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [0, 0, 255],
    [0, 255, 255],
    [255, 255, 0],
    [255, 0, 0],
  ];
  const x = Math.min(1, Math.max(0, v)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i] as [number, number, number];
  const b = stops[i + 1] as [number, number, number];
  return [0, 1, 2].map((c) => Math.round((a[c] as number) + f * ((b[c] as number) - (a[c] as number)))) as [
    number,
    number,
    number,
  ];
}

function overlayMap(ctx: SKRSContext2D, map: Float32Array, size: number, scale: number, x: number, y: number): void {
  const out = size * scale;
  const image = ctx.getImageData(x, y, out, out);
  for (let oy = 0; oy < out; oy++) {
    for (let ox = 0; ox < out; ox++) {
      const v = map[Math.floor(oy / scale) * size + Math.floor(ox / scale)] as number;
      const alpha = MAX_ALPHA * Math.min(1, Math.max(0, v));
      const [r, g, b] = heatColour(v);
      const d = (oy * out + ox) * 4;
      image.data[d] = Math.round((1 - alpha) * (image.data[d] as number) + alpha * r);
      image.data[d + 1] = Math.round((1 - alpha) * (image.data[d + 1] as number) + alpha * g);
      image.data[d + 2] = Math.round((1 - alpha) * (image.data[d + 2] as number) + alpha * b);
    }
  }
  ctx.putImageData(image, x, y);
}

/** Text broken at spaces onto lines of at most `maxWidth` px, 14 px apart. */
function wrapText(ctx: SKRSContext2D, text: string, x: number, y: number, maxWidth: number): void {
  let line = '';
  let row = 0;
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && ctx.measureText(next).width > maxWidth) {
      ctx.fillText(line, x, y + 14 * row++, maxWidth);
      line = word;
    } else {
      line = next;
    }
  }
  if (line !== '') ctx.fillText(line, x, y + 14 * row, maxWidth);
}
