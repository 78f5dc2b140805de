/** Median wall time of `fn` in ms (3 decimals) over `repeats` calls, after two untimed warm-up calls. */
export function medianMs(fn: () => void, repeats: number): number {
  fn();
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Number((times[Math.floor(times.length / 2)] as number).toFixed(3));
}
