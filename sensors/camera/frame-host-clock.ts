/**
 * Puts a camera's frame times on the host clock. A frame is never reported before it was captured,
 * so arrival - pts is the capture-to-report latency plus a constant offset between the clocks; the
 * smallest value seen is the best estimate of that offset (the lower envelope, as for IMU packets
 * in src/sync), and a frame's host time is its pts plus it. The stamps keep the camera's own
 * spacing (V4L2 buffer times, or a file's frame times played in real time by `-re`), late by the
 * smallest capture-to-report latency seen (a few milliseconds), which the video-IMU offset of
 * src/sync estimates.
 *
 * The first frames come late (ffmpeg starting up: 40-90 ms here), so the caller observes frames
 * for a while before it stamps them (FfmpegCamera holds each stamp 0.6 s). A stamp is
 * never before the previous one: should the envelope drop by more than a frame interval after
 * that, the stamp is the previous one + 1 us.
 */
export class FrameHostClock {
  private offset = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;

  /** A frame with presentation time `ptsTime` was reported at host time `arrival`. */
  observe(ptsTime: number, arrival: number): void {
    const lag = arrival - ptsTime;
    if (lag < this.offset) this.offset = lag;
  }

  /** The host time of a frame observed before, by the offset as it stands now; increasing from call to call. */
  stamp(ptsTime: number): number {
    let t = ptsTime + this.offset;
    if (t <= this.last) t = this.last + 1e-6;
    this.last = t;
    return t;
  }

  /** The current offset (host - pts), seconds; Infinity before the first frame. */
  get hostMinusPts(): number {
    return this.offset;
  }
}
