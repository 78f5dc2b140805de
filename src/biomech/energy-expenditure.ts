import type { JumpPlacement } from './detect-jumps.ts';

/**
 * Energy expenditure from a raw accelerometer, by the ENMO-based oxygen-uptake regressions of
 * Hildebrand et al. (Med Sci Sports Exerc 46(9):1816-1824, 2014; adults, hip and non-dominant
 * wrist, GENEActiv and ActiGraph GT3X+): VO2 (ml/kg/min) = a + b ENMO (mg), with ENMO the
 * epoch mean of max(0, |a| - 1 g) (van Hees et al., PLoS ONE 8(4):e61691, 2013). Wrist:
 * a = 7.28, b = 0.0320; hip (waist, pelvis): a = 6.67, b = 0.0554 (the lines through the
 * paper's moderate and vigorous cut-points, 3 and 6 METs at 100.6 and 428.8 mg on the wrist,
 * 69.1 and 258.7 mg on the hip). METs = VO2 / 3.5; kcal/min = METs x 3.5 x mass / 200 (ACSM).
 *
 * Not verified against the paper's text: a and b were reconstructed from memory as the lines
 * through those cut-points, and no source at hand prints the paper's regression coefficients.
 * The cut-points themselves match the adult ActiGraph rows that secondary tables list (GGIR's
 * CutPoints vignette, https://cran.r-project.org/web/packages/GGIR/vignettes/CutPoints.html, as
 * other packages tabulate it: wrist 100.6 / 428.8 mg, hip 69.1 / 258.7 mg), but one such table
 * gives 61.1 mg for the hip's moderate point, and GENEActiv has its own (wrist 93.2 / 418.3, hip
 * 68.7 / 266.8 mg). Treat the kcal as a rough figure until someone checks the paper.
 *
 * Limits: calibrated on adults walking, running and doing daily tasks on a treadmill and in a
 * laboratory; jumps, sprints and lifting are mostly anaerobic and short, so it underestimates
 * them; the ankle and thigh have no published ENMO equation here (returns undefined).
 */
export const ENMO_MODELS: Partial<Record<JumpPlacement, { a: number; b: number }>> = {
  wrist: { a: 7.28, b: 0.032 },
  waist: { a: 6.67, b: 0.0554 },
  pelvis: { a: 6.67, b: 0.0554 },
};

export interface EnergyEpoch {
  /** Epoch start, s. */
  start: number;
  /** Mean ENMO over the epoch, milli-g. */
  enmo: number;
  /** ml O2 / kg / min. */
  vo2: number;
  mets: number;
  /** kcal per minute for `mass` kg. */
  kcalPerMin: number;
}

export interface EnergyOptions {
  placement: JumpPlacement;
  /** Body mass, kg. */
  mass: number;
  /** Epoch length, s (the paper: 1 to 60 s epochs; 60 s is the usual report). */
  epoch?: number;
  gravity?: number;
}

/** Per epoch ENMO, VO2, METs and kcal/min; undefined for a placement without a published equation. */
export function energyExpenditure(
  t: Float64Array,
  acc: Float32Array,
  options: EnergyOptions,
): EnergyEpoch[] | undefined {
  const model = ENMO_MODELS[options.placement];
  if (model === undefined) return undefined;
  if (!(options.mass > 0)) throw new Error(`energyExpenditure(): mass must be > 0 kg, got ${options.mass}`);
  const epoch = options.epoch ?? 60;
  const g = options.gravity ?? 9.80665;
  const out: EnergyEpoch[] = [];
  const n = t.length;
  let k = 0;
  while (k < n) {
    const start = t[k] as number;
    let sum = 0;
    let count = 0;
    for (; k < n && (t[k] as number) < start + epoch; k++) {
      const m = Math.hypot(acc[3 * k] as number, acc[3 * k + 1] as number, acc[3 * k + 2] as number);
      sum += Math.max(0, m / g - 1);
      count++;
    }
    const enmo = (1000 * sum) / count;
    const vo2 = model.a + model.b * enmo;
    const mets = vo2 / 3.5;
    out.push({ start, enmo, vo2, mets, kcalPerMin: (mets * 3.5 * options.mass) / 200 });
  }
  return out;
}
