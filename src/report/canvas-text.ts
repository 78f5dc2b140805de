import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import { UserError } from '../core/errors.ts';
import type { Sample } from '../core/sample.ts';

/**
 * Text and axes for the PNGs motionfuse draws with @napi-rs/canvas (sample previews, key-frame
 * plots, pose overlays). The canvas draws text only in a font it has loaded, and without one
 * text silently vanishes. We ship DejaVu Sans (the @fontsource/dejavu-sans package, regular and
 * bold), so pictures look the same on every machine; should its files be missing, a system font
 * is used, and with none at all we fail once, saying what to install.
 */
const SHIPPED_FAMILY = 'motionfuse DejaVu Sans';
const PREFERRED_FAMILIES = ['DejaVu Sans', 'Liberation Sans', 'Arial', 'Helvetica'];
let textFamily: string | undefined;

function fontFamily(): string {
  if (textFamily !== undefined) return textFamily;
  if (registerShippedFont()) {
    textFamily = SHIPPED_FAMILY;
    return textFamily;
  }
  const loaded = GlobalFonts.families.map((f) => f.family);
  textFamily = PREFERRED_FAMILIES.find((f) => loaded.includes(f)) ?? loaded.find((f) => / Sans$/.test(f)) ?? loaded[0];
  if (textFamily === undefined) {
    throw new UserError(
      'no font is available, so pictures cannot draw their text',
      'Run `npm install` (it installs @fontsource/dejavu-sans), or install a system font, e.g. `apt-get install fonts-dejavu-core`.',
    );
  }
  return textFamily;
}

function registerShippedFont(): boolean {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@fontsource/dejavu-sans/package.json')), 'files');
    return ['400', '700'].every(
      (weight) =>
        GlobalFonts.registerFromPath(join(dir, `dejavu-sans-latin-${weight}-normal.woff2`), SHIPPED_FAMILY) !== null,
    );
  } catch {
    return false;
  }
}

/** Text, axes and plot frames in every picture. */
export const TEXT_COLOUR = '#222222';

/** A picture's title line for a sample: id, label and subject. */
export function sampleTitle(sample: Sample): string {
  return [sample.id, sample.label, sample.subject].filter((s) => s !== undefined && s !== '').join('  ·  ');
}

/** A CSS font string for the canvas: `px` pixels, regular or bold. */
export function canvasFont(px: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${px}px "${fontFamily()}"`;
}

/** Ticks at 1, 2 or 5 times a power of ten, about `about` of them, covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, about = 5): number[] {
  const raw = (hi - lo) / about;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) as number;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  // Multiples of the step, not sums, so 0.1 + 0.2 never prints as 0.30000000000000004.
  return Array.from({ length: last - first + 1 }, (_, k) => Number(((first + k) * step).toPrecision(12)));
}

/** Decimals that tell the ticks apart. */
export function tickDecimals(ticks: readonly number[]): number {
  const step = ticks.length > 1 ? (ticks[1] as number) - (ticks[0] as number) : 1;
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}
