/** Latencies seen so far (ms), for p50 / p99 / max; keeps the most recent `keep` values. */
export class LatencyStats {
  readonly #values: number[] = [];
  readonly #keep: number;
  #count = 0;
  #max = 0;

  constructor(keep = 100_000) {
    this.#keep = keep;
  }

  add(ms: number): void {
    this.#values.push(ms);
    if (this.#values.length > this.#keep) this.#values.shift();
    this.#count++;
    this.#max = Math.max(this.#max, ms);
  }

  get count(): number {
    return this.#count;
  }

  /** The q-quantile (0..1) of the kept values, nearest rank; NaN when empty. */
  quantile(q: number): number {
    if (this.#values.length === 0) return Number.NaN;
    const sorted = [...this.#values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank] as number;
  }

  summary(): { count: number; p50: number; p99: number; max: number } {
    return { count: this.#count, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.#max };
  }
}
