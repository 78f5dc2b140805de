import { rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { errorMessage } from '../../src/core/errors.ts';
import { XdfWriter } from '../../src/formats/xdf/xdf-writer.ts';
import {
  SESSION_FILES,
  SESSION_FORMAT,
  SESSION_STREAMS,
  type SessionFile,
  type SessionGapMarker,
  type SessionMarker,
} from '../../src/formats/session/session-layout.ts';
import { FfmpegCamera, type CameraExit, type CameraFrame } from '../camera/ffmpeg-camera.ts';
import { hostNow, type GapEvent, type ImuPacket, type SensorEvent } from '../imu-packet.ts';
import type { SensorSource } from '../sensor-source.ts';
import { ImuStreamRecorder } from './imu-stream-recorder.ts';
import { PlacementRules } from './placement-rules.ts';
import { quantile, type RecorderSnapshot, type RecordingSummary } from './recording-summary.ts';
import { createSessionFolder, writeSessionFile } from './session-folder.ts';

export interface SessionRecorderOptions {
  /** The session folder; must not exist or be empty. */
  dir: string;
  /** Sensors opened by openSensor, not started: the recorder starts and stops them. */
  sources: readonly SensorSource[];
  placements?: PlacementRules;
  /** A camera: the ffmpeg binary and a V4L2 device or a video file. */
  camera?: { ffmpeg: string; source: string };
  subject?: string;
  provenance?: Record<string, unknown>;
}

/** The camera frame rate is counted over this many seconds. */
const FPS_WINDOW_SECONDS = 2;

/**
 * Records a lab session into a folder as src/formats/session/session-layout.ts lays it out: one XDF
 * file (an IMU stream per sensor on its device clock with ClockOffset chunks, the camera's frame
 * times, the markers and the gaps on the host clock), the camera's video beside it, session.json.
 * Everything is written as it arrives, one chunk per packet, and fsynced every second, so a crash
 * loses at most the last second. `stop()` is the clean end: sensors stopped, ffmpeg finished,
 * footers written, session.json with `stoppedAt`.
 */
export class SessionRecorder {
  readonly dir: string;
  readonly xdfPath: string;
  readonly videoPath: string;
  private readonly writer: XdfWriter;
  private readonly options: SessionRecorderOptions;
  private readonly placements: PlacementRules;
  private readonly session: SessionFile;
  private readonly markersStream: number;
  private readonly gapsStream: number;
  private readonly streams = new Map<string, ImuStreamRecorder>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly failureListeners = new Set<(err: unknown) => void>();
  private camera: FfmpegCamera | undefined;
  private cameraExit: CameraExit | undefined;
  private videoStream: number | undefined;
  private readonly frameTimes: number[] = [];
  private unassignedGaps = 0;
  private markers = 0;
  private trial: { label: string; since: number } | undefined;
  private sessionWrites: Promise<void> = Promise.resolve();
  private stopping: Promise<RecordingSummary> | undefined;
  private failure: unknown;

  private constructor(options: SessionRecorderOptions, writer: XdfWriter, session: SessionFile) {
    this.options = options;
    this.dir = options.dir;
    this.xdfPath = writer.path;
    this.videoPath = join(options.dir, SESSION_FILES.video);
    this.writer = writer;
    this.session = session;
    this.placements = options.placements ?? new PlacementRules();
    this.markersStream = writer.addStream(markerStreamInfo(SESSION_STREAMS.markers));
    this.gapsStream = writer.addStream(markerStreamInfo(SESSION_STREAMS.gaps));
  }

  /**
   * Creates the session folder, the XDF file and session.json, starts the sensors and the camera.
   * When anything fails to start, what was started is stopped and what was made removed (it held
   * no data: the new folder, or the files in a folder that was there empty), and the error (a UserError for a busy port, a missing camera) is thrown.
   */
  static async start(options: SessionRecorderOptions): Promise<SessionRecorder> {
    const dir = resolve(options.dir);
    const made = createSessionFolder(dir);
    const started = new Date();
    const session: SessionFile = {
      format: SESSION_FORMAT,
      id: basename(dir),
      ...(options.subject !== undefined ? { subject: options.subject } : {}),
      startedAt: started.toISOString(),
      startedHostTime: hostNow(),
      sensors: [],
      ...(options.provenance !== undefined ? { provenance: options.provenance } : {}),
    };
    let recorder: SessionRecorder | undefined;
    try {
      const writer = await XdfWriter.open(join(dir, SESSION_FILES.xdf), {
        flushEverySeconds: 1,
        fileHeader: { datetime: started.toISOString() },
      });
      recorder = new SessionRecorder({ ...options, dir }, writer, session);
      await writeSessionFile(join(dir, SESSION_FILES.session), session);
      await recorder.startDevices();
      return recorder;
    } catch (err) {
      await recorder?.abandon();
      // Only what this start made: the files of the layout, and the folder if it was not there.
      if (made) rmSync(dir, { recursive: true, force: true });
      else for (const file of Object.values(SESSION_FILES)) rmSync(join(dir, file), { force: true });
      throw err;
    }
  }

  /** Called with the error when writing fails mid-session (a full disk): the caller should stop(). */
  onFailure(listener: (err: unknown) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Starts a labelled trial (ending the running one, if any, as the layout says a new start does). */
  startTrial(label: string): void {
    this.mark({
      event: 'trial-start',
      label,
      ...(this.options.subject !== undefined ? { subject: this.options.subject } : {}),
    });
    this.trial = { label, since: hostNow() };
  }

  /** Ends the running trial; nothing when none runs. */
  stopTrial(): void {
    if (this.trial === undefined) return;
    this.mark({ event: 'trial-stop' });
    this.trial = undefined;
  }

  note(text: string): void {
    this.mark({ event: 'note', text });
  }

  snapshot(): RecorderSnapshot {
    const now = hostNow();
    while (this.frameTimes.length > 0 && (this.frameTimes[0] as number) < now - FPS_WINDOW_SECONDS)
      this.frameTimes.shift();
    const snap: RecorderSnapshot = {
      dir: this.dir,
      elapsed: now - this.session.startedHostTime,
      sensors: [...this.streams.values()]
        .map((s) => s.snapshot(now))
        .sort((a, b) => a.sensorId.localeCompare(b.sensorId)),
      unassignedGaps: this.unassignedGaps,
      markers: this.markers,
      xdfBytes: sizeOf(this.xdfPath),
      videoBytes: sizeOf(this.videoPath),
    };
    if (this.camera !== undefined) {
      snap.video = {
        source: this.camera.source,
        frames: this.camera.frameCount,
        fps: this.frameTimes.length / FPS_WINDOW_SECONDS,
        running: this.cameraExit === undefined,
        ...(this.cameraExit !== undefined && !this.cameraExit.requested
          ? { stoppedWhy: describeCameraExit(this.cameraExit) }
          : {}),
      };
    }
    if (this.trial !== undefined) snap.trial = { label: this.trial.label, seconds: now - this.trial.since };
    return snap;
  }

  /**
   * The clean end: the sensors stopped (their last events written), ffmpeg asked to finish the
   * video and waited for, the stream footers written and the file fsynced, then session.json with
   * `stoppedAt`. A second call returns the same promise.
   */
  stop(): Promise<RecordingSummary> {
    this.stopping ??= this.stopNow();
    return this.stopping;
  }

  private async stopNow(): Promise<RecordingSummary> {
    await Promise.allSettled(this.options.sources.map((s) => s.stop()));
    // The camera's last frames come while ffmpeg finishes: listeners stay until it has exited.
    await this.camera?.stop();
    for (const off of this.unsubscribe) off();
    const snapshot = this.snapshot();
    await this.writer.close();
    this.session.stoppedAt = new Date().toISOString();
    await this.saveSession();
    if (this.failure !== undefined) throw this.failure;
    const latencies = [...this.streams.values()].flatMap((s) => s.latencies);
    return {
      ...snapshot,
      xdfBytes: sizeOf(this.xdfPath),
      videoBytes: sizeOf(this.videoPath),
      clean: true,
      writeLatency: {
        max: latencies.reduce((m, v) => Math.max(m, v), 0),
        p99: quantile(latencies, 0.99),
        packets: latencies.length,
      },
      unusedPlacements: this.placements.unused(),
    };
  }

  private async startDevices(): Promise<void> {
    for (const source of this.options.sources) {
      this.unsubscribe.push(source.onEvent((event) => this.guard(() => this.event(source, event))));
    }
    for (const source of this.options.sources) await source.start();
    if (this.options.camera !== undefined) {
      const camera = new FfmpegCamera({ ...this.options.camera, out: this.videoPath });
      this.camera = camera;
      this.unsubscribe.push(camera.onFrame((frame) => this.guard(() => this.frame(frame))));
      camera.onExit((exit) => this.guard(() => this.cameraExited(exit)));
      await camera.start();
      this.session.video = {
        file: SESSION_FILES.video,
        source: this.options.camera.source,
        streamName: SESSION_STREAMS.video.name,
      };
      await this.saveSession();
    }
  }

  /** After a failed start: stop what runs, close the file (the caller removes the folder). */
  private async abandon(): Promise<void> {
    await Promise.allSettled(this.options.sources.map((s) => s.stop()));
    await this.camera?.stop().catch(() => undefined);
    await this.writer.close().catch(() => undefined);
  }

  private event(source: SensorSource, event: SensorEvent): void {
    if (event.kind === 'imu') this.packet(source, event);
    else this.gap(event);
  }

  private packet(source: SensorSource, packet: ImuPacket): void {
    let stream = this.streams.get(packet.sensorId);
    if (stream === undefined) {
      const placement = this.placements.placementOf(packet.sensorId, packet.placement);
      stream = new ImuStreamRecorder(this.writer, packet, source.spec, placement);
      this.streams.set(packet.sensorId, stream);
      this.session.sensors.push({
        streamName: packet.sensorId,
        sensorId: packet.sensorId,
        spec: source.spec,
        ...(placement !== undefined ? { placement } : {}),
      });
      this.saveSession().catch((err: unknown) =>
        this.guard(() => {
          throw err;
        }),
      );
    }
    const before = stream.lastDeviceTime;
    const { reset } = stream.packet(packet);
    if (reset) {
      this.writeGap({
        sensorId: packet.sensorId,
        reason: 'clock-reset',
        fromDeviceTime: before,
        toDeviceTime: packet.deviceTime[0] as number,
        samplesLost: null,
      });
    }
  }

  private gap(gap: GapEvent): void {
    const stream = this.streams.get(gap.sensorId);
    if (stream !== undefined) stream.gap(gap.samplesLost);
    else this.unassignedGaps++;
    this.writeGap({
      sensorId: gap.sensorId,
      reason: gap.reason,
      fromDeviceTime: gap.fromDeviceTime,
      toDeviceTime: gap.toDeviceTime,
      samplesLost: gap.samplesLost,
    });
  }

  private writeGap(gap: SessionGapMarker): void {
    this.writer.writeSamples(this.gapsStream, Float64Array.of(hostNow()), [JSON.stringify(gap)]);
  }

  private mark(marker: SessionMarker): void {
    this.guard(() => {
      this.writer.writeSamples(this.markersStream, Float64Array.of(hostNow()), [JSON.stringify(marker)]);
      this.markers++;
    });
  }

  private frame(frame: CameraFrame): void {
    if (this.videoStream === undefined) {
      this.videoStream = this.writer.addStream({
        ...SESSION_STREAMS.video,
        channelCount: 1,
        nominalSrate: 0,
        channelFormat: 'int32',
        sourceId: `camera:${this.options.camera?.source ?? ''}`,
        desc: {
          file: SESSION_FILES.video,
          ...(frame.width !== undefined ? { width: frame.width, height: frame.height ?? 0 } : {}),
          source: this.options.camera?.source ?? '',
          clock: 'host',
        },
      });
    }
    this.writer.writeSamples(this.videoStream, Float64Array.of(frame.hostTime), Int32Array.of(frame.index));
    this.frameTimes.push(frame.hostTime);
  }

  /** ffmpeg ended without being asked: the camera died or the file ended; the IMU recording goes on. */
  private cameraExited(exit: CameraExit): void {
    this.cameraExit = exit;
    if (!exit.requested && this.stopping === undefined) this.note(`camera stopped: ${describeCameraExit(exit)}`);
  }

  /** Runs a write; a failure (disk full) is kept, reported once to the failure listeners, and ends writing. */
  private guard(write: () => void): void {
    if (this.failure !== undefined) return;
    try {
      write();
    } catch (err) {
      this.failure = err;
      for (const listener of this.failureListeners) listener(err);
    }
  }

  /** Rewrites session.json (atomically), one write at a time, in order. */
  private saveSession(): Promise<void> {
    const copy = structuredClone(this.session);
    this.sessionWrites = this.sessionWrites
      .catch(() => undefined)
      .then(() => writeSessionFile(join(this.dir, SESSION_FILES.session), copy));
    return this.sessionWrites;
  }
}

function markerStreamInfo(stream: { name: string; type: string }) {
  return {
    ...stream,
    channelCount: 1,
    nominalSrate: 0,
    channelFormat: 'string' as const,
    sourceId: `motionfuse-recorder:${stream.name}`,
    desc: { clock: 'host' },
  };
}

function describeCameraExit(exit: CameraExit): string {
  const how =
    exit.signal !== null
      ? `ffmpeg killed by ${exit.signal}`
      : exit.code === 0
        ? 'ffmpeg ended (end of file)'
        : `ffmpeg exited with code ${exit.code}`;
  return `${how} after ${exit.frames} frames${exit.code !== 0 && exit.message !== '' ? `: ${exit.message}` : ''}`;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new Error(`cannot stat ${path}: ${errorMessage(err)}`, { cause: err });
  }
}
