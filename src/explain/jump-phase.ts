/** The part of a jump an input window covers (ground truth: take-off and landing times). */
export const JUMP_PHASES = ['take-off', 'flight', 'landing', 'none'] as const;
export type JumpPhase = (typeof JUMP_PHASES)[number];

/**
 * Which jump phase the window [start, end] covers, from the take's true take-off and landing
 * times (paired in order; a flight is [take-off, landing]):
 * - 'landing': it holds a landing (the end of a flight: the whole jump, or its end);
 * - 'take-off': it holds a take-off but not that flight's landing (the window ends in the air);
 * - 'flight': it lies inside a flight (neither event in it);
 * - 'none': it touches no flight.
 * With several flights the first of landing, take-off, flight that applies wins.
 */
export function jumpPhase(
  window: readonly [number, number],
  takeoffs: readonly number[],
  landings: readonly number[],
): JumpPhase {
  const [start, end] = window;
  if (!(end >= start))
    throw new Error(`jumpPhase(): window must be [start, end] with end >= start, got [${start}, ${end}]`);
  if (takeoffs.length !== landings.length)
    throw new Error(`jumpPhase(): ${takeoffs.length} take-offs but ${landings.length} landings`);
  const inside = (t: number) => t >= start && t <= end;
  const flights = takeoffs.map((t, i) => [t, landings[i] as number] as const);
  if (flights.some(([, l]) => inside(l))) return 'landing';
  if (flights.some(([t]) => inside(t))) return 'take-off';
  if (flights.some(([t, l]) => t < start && l > end)) return 'flight';
  return 'none';
}
