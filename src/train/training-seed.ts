/** Seeds apart of one repeat's trainings and the next (a network takes seed, seed + 1, ... per layer). */
export const REPEAT_SEED_STRIDE = 1_000_000;

/**
 * The seed of a fold's training (weight initialisation, dropout, batch order): seed + fold, and
 * REPEAT_SEED_STRIDE further per repeat, so repeat 0 trains as a run without repeats does. The
 * folds themselves (who is tested) stay on the experiment's seed, so repeats pair up.
 */
export function trainingSeed(seed: number, fold: number, repeat = 0): number {
  return seed + fold + REPEAT_SEED_STRIDE * repeat;
}
