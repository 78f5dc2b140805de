import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { DecodedFrames } from '../core/stream.ts';

/**
 * What every PNG motionfuse draws starts from: a white canvas, one-pixel lines, and decoded video
 * frames copied in pixel for pixel (nearest-neighbour zoom, never smoothed, so a person sees the
 * bytes the models see).
 */

export function whiteCanvas(width: number, height: number): { canvas: Canvas; ctx: SKRSContext2D } {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx };
}

/** A straight line in the current stroke style. */
export function strokeLine(ctx: SKRSContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/**
 * Frame `index` of `decoded` with its top-left corner at (x, y), each pixel repeated
 * scale x scale times: exact bytes, grey frames as grey RGB.
 */
export function putFrame(
  ctx: SKRSContext2D,
  decoded: DecodedFrames,
  index: number,
  x: number,
  y: number,
  scale = 1,
): void {
  const { frames, width, height, channels } = decoded;
  const outWidth = width * scale;
  const outHeight = height * scale;
  const image = ctx.createImageData(outWidth, outHeight);
  const base = index * width * height * channels;
  for (let oy = 0; oy < outHeight; oy++) {
    const row = base + Math.floor(oy / scale) * width * channels;
    for (let ox = 0; ox < outWidth; ox++) {
      const src = row + Math.floor(ox / scale) * channels;
      const dst = (oy * outWidth + ox) * 4;
      const r = frames[src] as number;
      image.data[dst] = r;
      image.data[dst + 1] = channels === 3 ? (frames[src + 1] as number) : r;
      image.data[dst + 2] = channels === 3 ? (frames[src + 2] as number) : r;
      image.data[dst + 3] = 255;
    }
  }
  ctx.putImageData(image, x, y);
}

/** Frame `index` of `decoded` alone, at its own size, as PNG bytes. */
export async function framePng(decoded: DecodedFrames, index: number): Promise<Buffer> {
  const canvas = createCanvas(decoded.width, decoded.height);
  putFrame(canvas.getContext('2d'), decoded, index, 0, 0);
  return canvas.encode('png');
}
