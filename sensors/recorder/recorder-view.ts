import type { RecorderSnapshot } from './recording-summary.ts';

/**
 * The terminal view: one block redrawn in place about twice a second. Per sensor: the rate over
 * the last seconds, samples, gaps, samples lost, the clock offset's change since the start (host -
 * device, ms: the drift so far), the fitted drift (ppm) and the arrival jitter about the fit (ms).
 */
export function renderRecorderView(snap: RecorderSnapshot, labels: readonly string[], typing?: string): string[] {
  const lines = [
    `recording ${snap.dir}  ${clock(snap.elapsed)}  xdf ${bytes(snap.xdfBytes)}${snap.video !== undefined ? `  video ${bytes(snap.videoBytes)}` : ''}`,
    `${'sensor'.padEnd(28)} ${'place'.padEnd(8)} ${'Hz'.padStart(6)} ${'samples'.padStart(9)} ${'gaps'.padStart(5)} ${'lost'.padStart(6)} ${'offset ms'.padStart(9)} ${'drift ppm'.padStart(9)} ${'jitter ms'.padStart(9)}`,
  ];
  for (const s of snap.sensors) {
    const fit = s.fit;
    lines.push(
      `${s.sensorId.slice(-28).padEnd(28)} ${(s.placement ?? '-').slice(0, 8).padEnd(8)} ${s.rate.toFixed(1).padStart(6)} ${String(s.samples).padStart(9)} ${String(s.gaps).padStart(5)} ${String(s.lost).padStart(6)} ${(fit === null ? '-' : (s.offsetChange * 1000).toFixed(2)).padStart(9)} ${(fit === null ? '-' : (fit.drift * 1e6).toFixed(1)).padStart(9)} ${(fit === null ? '-' : (fit.spread * 1000).toFixed(2)).padStart(9)}${s.clockResets > 0 ? `  ${s.clockResets} clock reset(s)` : ''}`,
    );
  }
  if (snap.sensors.length === 0) lines.push('  (no sensor has sent data yet)');
  if (snap.video !== undefined) lines.push(videoLine(snap.video));
  lines.push(
    snap.trial !== undefined
      ? `trial: ${snap.trial.label}  ${clock(snap.trial.seconds)}   markers ${snap.markers}`
      : `trial: none   markers ${snap.markers}`,
  );
  const keys = labels.slice(0, 9).map((l, i) => `${i + 1} ${l}`);
  lines.push(
    typing !== undefined
      ? `note: ${typing}_   (Enter records it, Esc drops it)`
      : `keys: ${keys.length > 0 ? `${keys.join('  ')}  ` : ''}space/s stop trial  n note  q stop recording`,
  );
  return lines;
}

/** A plain line for logs (standard input is not a terminal): every few seconds. */
export function recorderStatusLine(snap: RecorderSnapshot): string {
  const sensors = snap.sensors
    .map((s) => `${s.placement ?? s.sensorId} ${s.rate.toFixed(0)}Hz ${s.samples} (${s.gaps} gaps, ${s.lost} lost)`)
    .join('; ');
  const video =
    snap.video !== undefined ? `; video ${snap.video.frames} frames${snap.video.running ? '' : ' (stopped)'}` : '';
  const trial = snap.trial !== undefined ? `; trial ${snap.trial.label} ${snap.trial.seconds.toFixed(1)} s` : '';
  return `[${clock(snap.elapsed)}] ${sensors || 'no data yet'}${video}${trial}; ${bytes(snap.xdfBytes)}`;
}

function videoLine(v: NonNullable<RecorderSnapshot['video']>): string {
  const state = v.running ? `${v.fps.toFixed(1)} fps` : `stopped: ${v.stoppedWhy ?? 'stopped'}`;
  return `video ${v.source}  ${v.frames} frames  ${state}`;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
