import { UserError } from '../core/errors.ts';
import { PLACEMENTS, type Placement } from '../core/stream.ts';
import type { TrainedModel } from '../train/model-store.ts';
import type { LiveSensorEvent } from './live-packet.ts';
import { LiveRecogniser, type LiveRecogniserOptions } from './live-recogniser.ts';
import { requiredPlacements } from './window-assembler.ts';

/**
 * A sensor as live recognition drives it: the part of sensors/sensor-source.ts's SensorSource it
 * uses (src/live may not import sensors/; the CLI and the bench pass openSensor's sources).
 */
export interface LiveSource {
  readonly spec: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  onEvent(listener: (event: LiveSensorEvent) => void): () => void;
}

export interface LiveSessionOptions extends Omit<LiveRecogniserOptions, 'placements' | 'trained'> {
  trained: TrainedModel;
  sources: readonly LiveSource[];
  /** Where the user says a sensor is worn (--placement rules); undefined: not said. */
  placementOf?: (sensorId: string) => Placement | undefined;
  /** Placement of a sensor the user did not map and whose packets name none (e.g. the simulator's order). */
  fallbackPlacement?: (sensorId: string) => Placement | undefined;
  /** Seconds to wait for the sensors the model needs to send their first packets (default 5). */
  discoverSeconds?: number;
}

/**
 * Live recognition over a set of sensor sources: starts them, learns which sensor is worn where
 * from the first packets (the user's rules first, then what a packet says, then the fallback),
 * checks that the model's placements are all there (a UserError naming what it needs and what
 * there is), and feeds every event to a LiveRecogniser, the discovery packets included.
 */
export class LiveSession {
  readonly recogniser: LiveRecogniser;
  readonly placements: ReadonlyMap<string, Placement>;
  readonly #sources: readonly LiveSource[];
  readonly #unsubscribe: (() => void)[];

  private constructor(
    recogniser: LiveRecogniser,
    placements: ReadonlyMap<string, Placement>,
    sources: readonly LiveSource[],
    unsubscribe: (() => void)[],
  ) {
    this.recogniser = recogniser;
    this.placements = placements;
    this.#sources = sources;
    this.#unsubscribe = unsubscribe;
  }

  static async start(options: LiveSessionOptions): Promise<LiveSession> {
    const placements = new Map<string, Placement>();
    const held: LiveSensorEvent[] = [];
    let recogniser: LiveRecogniser | undefined;
    let onChange = () => {};
    const listen = (event: LiveSensorEvent) => {
      if (recogniser !== undefined) return recogniser.handle(event);
      held.push(event);
      if (!placements.has(event.sensorId)) {
        const said = event.kind === 'imu' ? event.placement : undefined;
        const place =
          options.placementOf?.(event.sensorId) ??
          (said !== undefined && (PLACEMENTS as readonly string[]).includes(said) ? (said as Placement) : undefined) ??
          options.fallbackPlacement?.(event.sensorId);
        if (place !== undefined) {
          placements.set(event.sensorId, place);
          onChange();
        }
      }
    };
    const unsubscribe = options.sources.map((s) => s.onEvent(listen));
    const stopAll = () => Promise.allSettled(options.sources.map((s) => s.stop()));
    try {
      await Promise.all(options.sources.map((s) => s.start()));
      await waitForPlacements(options.trained, placements, options.discoverSeconds ?? 5, (f) => (onChange = f));
      // Throws the UserError naming the placements the model needs and the sensors seen.
      requiredPlacements(options.trained.inputs, placements);
      recogniser = new LiveRecogniser({ ...options, placements });
    } catch (err) {
      unsubscribe.forEach((u) => u());
      await stopAll();
      throw err;
    }
    for (const e of held.splice(0)) recogniser.handle(e);
    return new LiveSession(recogniser, placements, options.sources, unsubscribe);
  }

  /** Stops the sensors (no event after it resolves). */
  async stop(): Promise<void> {
    const results = await Promise.allSettled(this.#sources.map((s) => s.stop()));
    this.#unsubscribe.forEach((u) => u());
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}

/** Resolves once every placement the model reads has a sensor (or after `seconds`: the caller's check then names what is missing). */
async function waitForPlacements(
  trained: TrainedModel,
  placements: Map<string, Placement>,
  seconds: number,
  subscribe: (onChange: () => void) => void,
): Promise<void> {
  const needed = trained.inputs.imu?.placements ?? [];
  if (trained.inputs.imu === undefined)
    throw new UserError('the model reads no IMU', 'Live recognition needs a model with inputs.imu.');
  const satisfied = () => {
    const worn = new Set(placements.values());
    return needed.every((p) => (p === 'any' ? worn.size > 0 : worn.has(p)));
  };
  if (satisfied()) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    subscribe(() => {
      if (!satisfied()) return;
      clearTimeout(timer);
      resolve();
    });
  });
}
