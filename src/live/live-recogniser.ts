import * as tf from '@tensorflow/tfjs';
import type { Placement } from '../core/stream.ts';
import type { Jump } from '../biomech/detect-jumps.ts';
import { inputShapes } from '../inputs/model-inputs.ts';
import type { TrainedModel } from '../train/model-store.ts';
import { JumpWatcher, jumpSensor } from './jump-watcher.ts';
import { LatencyStats } from './latency-stats.ts';
import type { LiveSensorEvent } from './live-packet.ts';
import { SensorRing } from './sensor-ring.ts';
import { compileInference, type CompiledInference } from '../models/inference/compile-inference.ts';
import {
  requiredPlacements,
  windowCoverage,
  windowInputs,
  windowSample,
  type PlacementSlice,
} from './window-assembler.ts';

/** One prediction: the window ending at `t` (host clock, s). */
export interface LivePrediction {
  /** Windows predicted so far, this one included. */
  index: number;
  t: number;
  action: string;
  /** Softmax probability of `action`. */
  confidence: number;
  top: { action: string; p: number }[];
  /** Host arrival of the window's last sample to the prediction being ready, ms. */
  latencyMs: number;
  /** Of which building the input and predicting, ms (the rest is the packet's wait in the event loop and decoding). */
  computeMs: number;
  /** Per placement, the share of the window's steps with real samples (the coverage mask's mean). */
  coverage: Record<string, number>;
}

export interface LiveJump {
  sensorId: string;
  placement: Placement;
  /** Host clock, s. */
  takeoff: number;
  landing: number;
  flightTime: number;
  /** Flight-time method, m. */
  height: number;
}

export interface LiveSensorState {
  sensorId: string;
  placement?: Placement;
  received: number;
  /** The sensor's counter value of the first sample received (samples sent before the port was open never arrive). */
  firstCounter: number;
  gaps: number;
  lost: number;
  /** Samples per second since the first packet. */
  rate: number;
  /** Seconds since the last packet arrived. */
  silentFor: number;
  clockResets: number;
}

export interface LiveStatus {
  /** Whether windows are being predicted; `reason` says why not. */
  predicting: boolean;
  reason?: string;
  sensors: LiveSensorState[];
  latency: { count: number; p50: number; p99: number; max: number };
}

export interface LiveRecogniserOptions {
  trained: TrainedModel;
  /** Sensor id -> where it is worn (sensors not listed are buffered and shown, not read by the model). */
  placements: ReadonlyMap<string, Placement>;
  /** Seconds between predictions (default 0.25). */
  hop?: number;
  /** A sensor this far behind the newest one is treated as in a gap, s (default 0.5). */
  staleAfter?: number;
  /** Seconds between jump checks (default 0.5; 0: no jump detection). */
  jumpEvery?: number;
  /** The host clock, s (default: performance.timeOrigin + performance.now(), as the drivers stamp arrivals). */
  now?: () => number;
  /** Samples each sensor's ring holds (default 16384: 80 s at 200 Hz). */
  ringCapacity?: number;
}

const hostClock = () => (performance.timeOrigin + performance.now()) / 1000;

/**
 * Sliding windows over live sensor streams into a trained model. Every packet goes into its
 * sensor's ring (host clock); when the newest common time of the model's sensors passes the next
 * hop, the window of the last `inputs.imu.window` seconds is turned into the model's input by the
 * training code and predicted at once (batch 1, synchronously, in the packet's turn of the event
 * loop), so the latency is the packet's arrival to the probabilities being read back.
 */
export class LiveRecogniser {
  readonly trained: TrainedModel;
  readonly rings = new Map<string, SensorRing>();
  readonly latency = new LatencyStats();
  readonly window: number;
  readonly hop: number;
  readonly #required: { placement: Placement; sensorId: string }[];
  readonly #placements: ReadonlyMap<string, Placement>;
  readonly #staleAfter: number;
  readonly #jumpEvery: number;
  readonly #now: () => number;
  readonly #capacity: number;
  readonly #jumps: JumpWatcher | undefined;
  readonly #predictionListeners: ((p: LivePrediction) => void)[] = [];
  readonly #jumpListeners: ((j: LiveJump) => void)[] = [];
  #nextHop = Number.NaN;
  #nextJumpCheck = Number.NEGATIVE_INFINITY;
  #count = 0;
  #last: LivePrediction | undefined;
  /** The model's forward compiled for batch 1 (src/models/inference), or undefined: model.predict then. */
  readonly #compiled: CompiledInference | undefined;

  constructor(options: LiveRecogniserOptions) {
    const { trained } = options;
    this.trained = trained;
    this.#placements = options.placements;
    // Throws a UserError naming the placements the model needs and the sensors there are.
    this.#required = requiredPlacements(trained.inputs, options.placements);
    this.window = trained.inputs.imu!.window;
    this.hop = options.hop ?? 0.25;
    if (!(this.hop > 0)) throw new Error(`LiveRecogniser(): hop must be > 0, got ${this.hop}`);
    this.#staleAfter = options.staleAfter ?? 0.5;
    this.#jumpEvery = options.jumpEvery ?? 0.5;
    this.#now = options.now ?? hostClock;
    this.#capacity = options.ringCapacity ?? 16384;
    const watched = this.#jumpEvery > 0 ? jumpSensor(options.placements) : undefined;
    this.#jumps = watched === undefined ? undefined : new JumpWatcher(watched.sensorId, watched.placement);
    for (const id of options.placements.keys()) this.#ring(id);
    this.#compiled = compileInference(trained.model).compiled;
    this.#warmUp();
  }

  /** One prediction on zeros, so the backend's first-call work (kernel set-up) is not in the first window's latency. */
  #warmUp(): void {
    const { model, inputs } = this.trained;
    const shape = inputShapes(inputs);
    const xs = this.trained.pipeline.modalities.map((m) => tf.zeros([1, ...(shape[m] ?? [])]));
    // The compiled forward sizes its native scratch buffers on its first call.
    this.#compiled?.predict(xs.map((x) => x.dataSync() as Float32Array));
    tf.dispose([...xs, tf.tidy(() => model.predict(xs) as tf.Tensor | tf.Tensor[])]);
  }

  onPrediction(listener: (p: LivePrediction) => void): void {
    this.#predictionListeners.push(listener);
  }

  onJump(listener: (j: LiveJump) => void): void {
    this.#jumpListeners.push(listener);
  }

  /** The sensor the jump detector watches, if any. */
  get jumpSensor(): string | undefined {
    return this.#jumps?.sensorId;
  }

  /** Where a sensor is worn, when it was mapped. */
  placementOf(sensorId: string): Placement | undefined {
    return this.#placements.get(sensorId);
  }

  get lastPrediction(): LivePrediction | undefined {
    return this.#last;
  }

  /** Takes one sensor event; predicts when it completes the next window. */
  handle(event: LiveSensorEvent): void {
    const ring = this.#ring(event.sensorId);
    if (event.kind === 'gap') {
      ring.gap(event);
      return;
    }
    ring.push(event);
    if (this.#required.some((r) => r.sensorId === event.sensorId)) this.#maybePredict();
    if (this.#jumps !== undefined && event.sensorId === this.#jumps.sensorId) {
      const latest = ring.latest;
      if (latest >= this.#nextJumpCheck) {
        this.#nextJumpCheck = latest + this.#jumpEvery;
        // After the prediction's turn, so detection never adds to a window's latency.
        setImmediate(() => this.#checkJumps(ring));
      }
    }
  }

  /** What is happening: per sensor counts and silence, and whether (or why not) windows are predicted. */
  status(): LiveStatus {
    const now = this.#now();
    const sensors = [...this.rings.values()].map((ring) => {
      const placement = this.#placements.get(ring.sensorId);
      return {
        sensorId: ring.sensorId,
        ...(placement !== undefined ? { placement } : {}),
        received: ring.received,
        firstCounter: ring.firstCounter,
        gaps: ring.gaps,
        lost: ring.lost,
        rate: ring.rate,
        silentFor: Number.isNaN(ring.lastArrival) ? Number.POSITIVE_INFINITY : now - ring.lastArrival,
        clockResets: ring.clockResets,
      };
    });
    const reason = this.#whyNot(now);
    return {
      predicting: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
      sensors,
      latency: this.latency.summary(),
    };
  }

  /** Releases the model's weights. */
  dispose(): void {
    this.trained.model.dispose();
  }

  #ring(sensorId: string): SensorRing {
    let ring = this.rings.get(sensorId);
    if (ring === undefined) {
      ring = new SensorRing(sensorId, this.#capacity);
      this.rings.set(sensorId, ring);
    }
    return ring;
  }

  #whyNot(now: number): string | undefined {
    for (const { sensorId, placement } of this.#required) {
      const ring = this.rings.get(sensorId)!;
      if (ring.received === 0) return `waiting for ${sensorId} (${placement}): nothing received yet`;
      const silent = now - ring.lastArrival;
      if (silent > this.window)
        return `no prediction: ${sensorId} (${placement}) has sent nothing for ${silent.toFixed(1)} s, longer than the ${this.window} s window`;
    }
    if (this.#count === 0) return `filling the first ${this.window} s window`;
    return undefined;
  }

  /** The window's end: the newest time every model sensor has reached (a sensor far behind counts as in a gap). */
  #windowEnd(): number {
    const latest = this.#required.map((r) => this.rings.get(r.sensorId)!.latest);
    if (latest.some((t) => Number.isNaN(t))) return Number.NaN;
    const newest = Math.max(...latest);
    return Math.min(...latest.filter((t) => t >= newest - this.#staleAfter));
  }

  #maybePredict(): void {
    const end = this.#windowEnd();
    if (Number.isNaN(end)) return;
    if (Number.isNaN(this.#nextHop)) {
      // The first window is due once every model sensor has a whole window of samples.
      const starts = this.#required.map((r) => this.rings.get(r.sensorId)!.slice(-Infinity, Infinity).t[0] as number);
      this.#nextHop = Math.max(...starts) + this.window;
    }
    if (end < this.#nextHop) return;
    this.#nextHop += this.hop;
    if (this.#nextHop <= end) this.#nextHop = end + this.hop;
    this.#predict(end);
  }

  #predict(end: number): void {
    const started = this.#now();
    const slices: PlacementSlice[] = [];
    let lastArrival = Number.NEGATIVE_INFINITY;
    for (const { placement, sensorId } of this.#required) {
      const slice = this.rings.get(sensorId)!.slice(end - this.window, end);
      // A sensor silent for the whole window: nothing to predict from (status() says why).
      if (slice.t.length === 0) return;
      lastArrival = Math.max(lastArrival, slice.arrival[slice.arrival.length - 1] as number);
      slices.push({ placement, sensorId, slice });
    }
    const { model, inputs, classes, pipeline } = this.trained;
    const sample = windowSample(`live-${this.#count}`, slices, classes);
    const { set, tensors: xs } = windowInputs(sample, inputs, classes, pipeline);
    const p =
      this.#compiled === undefined
        ? predictWithTfjs(model, xs)
        : softmax(this.#compiled.predict(xs.map((x) => x.dataSync() as Float32Array)));
    const ready = this.#now();
    const latencyMs = (ready - lastArrival) * 1000;
    const computeMs = (ready - started) * 1000;
    tf.dispose(xs);
    this.latency.add(latencyMs);
    const order = Array.from(p.keys()).sort((a, b) => (p[b] as number) - (p[a] as number));
    const top = order.slice(0, 3).map((k) => ({ action: classes[k] as string, p: p[k] as number }));
    this.#count++;
    const prediction: LivePrediction = {
      index: this.#count,
      t: end,
      action: top[0]!.action,
      confidence: top[0]!.p,
      top,
      latencyMs,
      computeMs,
      coverage: windowCoverage(set, inputs),
    };
    this.#last = prediction;
    for (const l of this.#predictionListeners) l(prediction);
  }

  #checkJumps(ring: SensorRing): void {
    const watcher = this.#jumps!;
    for (const j of watcher.check(ring)) {
      const jump: LiveJump = {
        sensorId: watcher.sensorId,
        placement: watcher.placement,
        takeoff: j.takeoff,
        landing: j.landing,
        flightTime: j.flightTime,
        height: j.height,
      };
      for (const l of this.#jumpListeners) l(jump);
    }
  }
}

/** Softmax of the model's first output by tfjs. */
function predictWithTfjs(model: tf.LayersModel, xs: tf.Tensor[]): Float32Array {
  const probs = tf.tidy(() => {
    const out = model.predict(xs) as tf.Tensor | tf.Tensor[];
    return tf.softmax(Array.isArray(out) ? (out[0] as tf.Tensor) : out);
  });
  const p = Float32Array.from(probs.dataSync() as Float32Array);
  probs.dispose();
  return p;
}

/** Softmax of compiled logits (a new array: the compiled output buffer is reused by the next window). */
function softmax(logits: Float32Array): Float32Array {
  const max = logits.reduce((m, x) => Math.max(m, x), -Infinity);
  const p = logits.map((x) => Math.exp(x - max));
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / sum);
}
