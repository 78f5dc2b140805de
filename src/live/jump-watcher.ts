import type { Placement } from '../core/stream.ts';
import { detectJumps, JUMP_PLACEMENTS, type Jump, type JumpPlacement } from '../biomech/detect-jumps.ts';
import { jumpTraceOf } from '../biomech/jump-trace.ts';
import type { SensorRing } from './sensor-ring.ts';

/** Where jumps are read best (docs/architecture.md, src/biomech/): near the centre of mass, then the shank. */
const JUMP_PREFERENCE: readonly Placement[] = ['pelvis', 'waist', 'ankle', 'thigh', 'shank'];

/** The sensor to watch for jumps: pelvis (or waist), else ankle, else thigh or shank, else any. */
export function jumpSensor(
  worn: ReadonlyMap<string, Placement>,
): { sensorId: string; placement: Placement } | undefined {
  const entries = [...worn.entries()];
  for (const place of JUMP_PREFERENCE) {
    const hit = entries.find(([, p]) => p === place);
    if (hit !== undefined) return { sensorId: hit[0], placement: hit[1] };
  }
  const first = entries[0];
  return first === undefined ? undefined : { sensorId: first[0], placement: first[1] };
}

export interface JumpWatcherOptions {
  /** Seconds of history each detection reads (a jump with its countermovement and landing fits). */
  span?: number;
  /** A jump is reported once its landing is this far behind the newest sample (its impact peak is in), s. */
  settle?: number;
}

/**
 * Runs biomech jump detection over the recent samples of one sensor and reports each jump once, when
 * it has completed. Detection runs on the whole rolling span each time (the detector's filters and
 * checks need context); a jump is new when its take-off is later than the last one reported.
 */
export class JumpWatcher {
  readonly sensorId: string;
  readonly placement: Placement;
  readonly #span: number;
  readonly #settle: number;
  #lastTakeoff = Number.NEGATIVE_INFINITY;

  constructor(sensorId: string, placement: Placement, options: JumpWatcherOptions = {}) {
    this.sensorId = sensorId;
    this.placement = placement;
    this.#span = options.span ?? 6;
    this.#settle = options.settle ?? 0.4;
  }

  /** The jumps completed since the last call (times on the host clock). */
  check(ring: SensorRing): Jump[] {
    const end = ring.latest;
    if (!Number.isFinite(end)) return [];
    const slice = ring.slice(end - this.#span, end);
    if (slice.t.length < 50) return [];
    const placement = (JUMP_PLACEMENTS as readonly string[]).includes(this.placement)
      ? (this.placement as JumpPlacement)
      : undefined;
    const found = detectJumps(jumpTraceOf(slice), placement !== undefined ? { placement } : {});
    const fresh = found.filter(
      (j) => j.kind === 'jump' && j.takeoff > this.#lastTakeoff + 0.05 && j.landing < end - this.#settle,
    );
    for (const j of fresh) this.#lastTakeoff = Math.max(this.#lastTakeoff, j.takeoff);
    return fresh;
  }
}
