import { createCanvas, loadImage } from '@napi-rs/canvas';
import * as assert from 'uvu/assert';

/** PNG bytes decoded back to pixels, for tests that check what a picture shows. */
export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export async function decodePng(png: Buffer): Promise<Pixels> {
  assert.equal(Array.from(png.subarray(0, 8)), PNG_SIGNATURE, 'PNG signature');
  const image = await loadImage(png);
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, rgba: ctx.getImageData(0, 0, image.width, image.height).data };
}

export const rgbAt = (img: Pixels, x: number, y: number): number[] => {
  const i = (y * img.width + x) * 4;
  return [img.rgba[i] as number, img.rgba[i + 1] as number, img.rgba[i + 2] as number];
};

/** Pixels in [x0, x1) x [y0, y1) that pass `test`. */
export function countPixels(
  img: Pixels,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  test: (rgb: number[]) => boolean,
): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(rgbAt(img, x, y))) n++;
  return n;
}

export const isDark = (rgb: number[]) => Math.max(...rgb) < 110;

/** Within 30 (summed over R, G, B) of `hex` ('#rrggbb'). */
export const near = (hex: string) => {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return (rgb: number[]) => rgb.reduce((sum, c, i) => sum + Math.abs(c - (want[i] as number)), 0) <= 30;
};
