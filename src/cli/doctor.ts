import { NATIVE_ADDON_PATH, loadNativeAddon } from '../backend/native/native-addon.ts';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../backend/select-backend.ts';
import { type BackendPreference } from '../backend/backend-preference.ts';
import { probeTraining } from '../backend/probe-training.ts';
import { locateFfmpeg } from '../video/ffmpeg-binary.ts';
import { locateChromium } from '../report/locate-chromium.ts';
import { probeSerial } from '../../sensors/serial/probe-serial.ts';
import { probeBluetooth } from '../../sensors/ble/probe-bluetooth.ts';
import { PACKAGE } from './package-info.ts';

/**
 * `motionfuse doctor`: what this machine can do. Only the core decides the exit code: a
 * TensorFlow.js backend that can train. Video, sensors and reports are reported with the reason
 * when they are missing, since a user may not need them.
 */
export type CheckStatus = 'ok' | 'warn' | 'missing';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  summary: string;
  /** Further lines: each backend tried, each port found. */
  details: string[];
  /** Part of the core: a failure makes doctor exit non-zero. */
  core: boolean;
}

export interface DoctorReport {
  motionfuse: string;
  checks: DoctorCheck[];
  coreUsable: boolean;
  backend?: Pick<BackendChoice, 'name' | 'candidate' | 'reason' | 'attempts'>;
}

export async function runDoctor(options: { backend?: BackendPreference } = {}): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  checks.push(checkNode());

  let choice: BackendChoice | undefined;
  try {
    choice = await selectBackend(options.backend);
    checks.push({
      name: 'backend',
      status: 'ok',
      core: true,
      summary: `${choice.name}${choice.candidate === choice.name ? '' : ` (${choice.candidate})`}: ${choice.reason}`,
      details: choice.attempts.map((a) => `${a.candidate}: ${a.ok ? 'loaded' : 'not used'}: ${a.reason}`),
    });
  } catch (err) {
    checks.push({ name: 'backend', status: 'missing', core: true, summary: message(err), details: [] });
  }
  if (choice !== undefined) {
    const probe = await probeTraining();
    checks.push({
      name: 'training',
      core: true,
      status: probe.ok ? 'ok' : 'missing',
      summary: probe.ok
        ? `a conv1d + BatchNorm + LSTM model trains on ${tf.getBackend()}: ${probe.detail}`
        : `training fails on ${tf.getBackend()}: ${probe.detail}`,
      details: [],
    });
  }

  const native = loadNativeAddon();
  checks.push({
    name: 'native kernels',
    core: false,
    status: native.addon === undefined ? 'missing' : 'ok',
    summary:
      native.addon === undefined
        ? `${native.reason}; the WASM backend uses its JavaScript kernels (about 2x slower training)`
        : `${native.reason}${choice?.name === 'wasm' ? ' (used by the wasm backend)' : ' (used only by the wasm backend)'}`,
    details: [NATIVE_ADDON_PATH],
  });

  try {
    const ffmpeg = await locateFfmpeg();
    checks.push({
      name: 'ffmpeg',
      status: 'ok',
      core: false,
      summary: `${ffmpeg.version} (${ffmpeg.source})`,
      details: [ffmpeg.path],
    });
  } catch (err) {
    checks.push({ name: 'ffmpeg', status: 'missing', core: false, summary: message(err), details: [] });
  }

  const serial = await probeSerial();
  checks.push({
    name: 'serial port',
    core: false,
    status: !serial.bindingLoaded ? 'missing' : serial.problem ? 'warn' : 'ok',
    summary: serial.bindingLoaded
      ? `native binding loaded${serial.ports ? `, ${serial.ports.length} port(s)` : ''}${serial.problem ? `; ${serial.problem}` : ''}`
      : (serial.problem ?? 'unavailable'),
    details: (serial.ports ?? []).map((p) => `${p.path}${p.manufacturer ? ` (${p.manufacturer})` : ''}`),
  });

  const ble = probeBluetooth();
  checks.push({
    name: 'bluetooth',
    core: false,
    status: ble.available ? 'ok' : 'missing',
    summary: ble.available
      ? `${ble.adapters?.length ?? 0} adapter(s)`
      : `unavailable: ${ble.problem ?? 'unknown reason'}`,
    details: (ble.adapters ?? []).map((a) => `hci${a.devId} ${a.devUp ? 'up' : 'down'}`),
  });

  try {
    const chromium = await locateChromium();
    checks.push({ name: 'chromium', status: 'ok', core: false, summary: chromium.version, details: [chromium.path] });
  } catch (err) {
    checks.push({ name: 'chromium', status: 'missing', core: false, summary: message(err), details: [] });
  }

  const coreUsable = checks.every((c) => !c.core || c.status === 'ok');
  const report: DoctorReport = { motionfuse: PACKAGE.version, checks, coreUsable };
  if (choice !== undefined)
    report.backend = {
      name: choice.name,
      candidate: choice.candidate,
      reason: choice.reason,
      attempts: choice.attempts,
    };
  return report;
}

function checkNode(): DoctorCheck {
  const wanted = PACKAGE.engines.node;
  const min = /(\d+)\.(\d+)/.exec(wanted);
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const ok = min === null || major > Number(min[1]) || (major === Number(min[1]) && minor >= Number(min[2]));
  return {
    name: 'node',
    status: ok ? 'ok' : 'missing',
    core: true,
    summary: `${process.version} (needs ${wanted})`,
    details: [],
  };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok', warn: 'warn', missing: 'missing' };

export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = [`motionfuse ${report.motionfuse} doctor`];
  for (const c of report.checks) {
    lines.push(`  ${c.name.padEnd(width)}  ${MARK[c.status].padEnd(7)}  ${c.summary}`);
    for (const d of c.details) lines.push(`  ${''.padEnd(width)}  ${''.padEnd(7)}    ${d}`);
  }
  lines.push(
    report.coreUsable
      ? 'core: usable (a backend that can train is available)'
      : 'core: NOT usable (no backend that can train); see the lines above',
  );
  return lines.join('\n');
}

function message(err: unknown): string {
  if (err instanceof Error) {
    const hint = (err as { hint?: string }).hint;
    return hint ? `${err.message} (${hint})` : err.message;
  }
  return String(err);
}
