import { createWriteStream, type WriteStream } from 'node:fs';
import type { Argv } from 'yargs';
import { errorMessage, isUserError, UserError } from '../core/errors.ts';
import { hostNow, type SensorEvent } from '../../sensors/imu-packet.ts';
import { openSensor, sensorSpecUsages } from '../../sensors/open-sensor.ts';
import type { SensorSource } from '../../sensors/sensor-source.ts';
import { probeBluetooth } from '../../sensors/ble/probe-bluetooth.ts';
import { probeSerial } from '../../sensors/serial/probe-serial.ts';
import { sniffSerialPort, type SerialSniff } from '../../sensors/serial/sniff-serial-port.ts';
import { SensorStreamStats, renderTallies } from './sensor-stream-stats.ts';

/** `motionfuse sensors scan | stream`: what wearable sensors are there, and their live data. */
export function sensorsCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command('sensors', 'Find wearable IMUs (serial, BLE) and stream their data live', (y) =>
    y
      .command(
        'scan',
        'List serial ports (with the protocol each seems to speak) and BLE devices; says why BLE is unavailable when it is',
        (z) =>
          z
            .option('port', {
              type: 'array',
              string: true,
              default: [] as string[],
              describe: 'Also sniff these paths (ports the system does not list, e.g. a simulator pty)',
            })
            .option('sniff-ms', {
              type: 'number',
              default: 400,
              describe: 'Read each port this long to guess its protocol (0: do not open ports)',
            })
            .option('ble-seconds', { type: 'number', default: 4, describe: 'How long to scan for BLE devices' })
            .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' }),
        async (args) => {
          const report = await scanSensors(args.port as string[], args['sniff-ms'], args['ble-seconds']);
          process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : `${formatScan(report).join('\n')}\n`);
        },
      )
      .command(
        'stream <specs..>',
        `Stream sensors live: a view per sensor of rate, samples, gaps, lost samples, battery and values. Specs: ${sensorSpecUsages().join(', ')}`,
        (z) =>
          z
            .positional('specs', { type: 'string', array: true, demandOption: true, describe: 'Sensor specs' })
            .option('seconds', { type: 'number', describe: 'Stop after this many seconds (default: until Ctrl-C)' })
            .option('csv', {
              type: 'string',
              describe:
                'Write every sample to this CSV file as it arrives (sensor, sample index, device and host time, acc, gyro)',
            })
            .option('json', {
              type: 'boolean',
              default: false,
              describe:
                'End with one JSON line on stdout: {"sensors":[{"id","samples","lost","gaps"}]} (the view goes to stderr)',
            }),
        async (args) => {
          if (args.seconds !== undefined && !(args.seconds > 0))
            throw new UserError(`--seconds must be > 0, got ${args.seconds}`);
          await streamSensors(args.specs as string[], { seconds: args.seconds, csv: args.csv, json: args.json });
        },
      )
      .demandCommand(1, 'Name a sensors command: scan or stream.'),
  );
}

interface ScanReport {
  serial: { ports: (SerialSniff & { manufacturer?: string })[]; problem?: string };
  ble: {
    available: boolean;
    problem?: string;
    devices?: { name: string | null; address: string; rssi: number; spec: string | null }[];
  };
}

async function scanSensors(extraPorts: string[], sniffMs: number, bleSeconds: number): Promise<ScanReport> {
  const serial = await probeSerial();
  const listed = serial.ports ?? [];
  const paths = [...new Set([...listed.map((p) => p.path), ...extraPorts])];
  const ports = await Promise.all(
    paths.map(async (path) => {
      const manufacturer = listed.find((p) => p.path === path)?.manufacturer;
      const sniff: SerialSniff = sniffMs > 0 && serial.bindingLoaded ? await sniffSerialPort(path, sniffMs) : { path };
      return manufacturer !== undefined ? { ...sniff, manufacturer } : sniff;
    }),
  );
  const report: ScanReport = {
    serial: serial.problem !== undefined ? { ports, problem: serial.problem } : { ports },
    ble: { available: false },
  };
  const bluetooth = probeBluetooth();
  if (!bluetooth.available) {
    report.ble = { available: false, problem: bluetooth.problem ?? 'unknown' };
    return report;
  }
  // Hook for the BLE drivers: scanBle (sensors/ble/scan-ble.ts) lists devices with their specs.
  try {
    const { scanBle } = await import('../../sensors/ble/scan-ble.ts');
    const devices = await scanBle({ durationMs: bleSeconds * 1000 });
    report.ble = {
      available: true,
      devices: devices.map(({ name, address, rssi, spec }) => ({ name, address, rssi, spec })),
    };
  } catch (err) {
    // A UserError's hint says what to do (setcap on the real node binary, or root): keep it.
    const hint = isUserError(err) && err.hint !== undefined ? ` (${err.hint})` : '';
    report.ble = { available: false, problem: `${errorMessage(err)}${hint}` };
  }
  return report;
}

function formatScan(report: ScanReport): string[] {
  const lines = ['Serial ports:'];
  for (const p of report.serial.ports) {
    const what =
      p.problem !== undefined
        ? `cannot open: ${p.problem}`
        : p.protocol !== undefined
          ? `${p.protocol} (${p.bytes} bytes read)`
          : '';
    lines.push(`  ${p.path}${p.manufacturer !== undefined ? ` (${p.manufacturer})` : ''}  ${what}`);
  }
  if (report.serial.ports.length === 0) lines.push('  none found');
  if (report.serial.problem !== undefined)
    lines.push(`  (${report.serial.problem}; name a port with --port PATH to sniff it)`);
  if (!report.ble.available) lines.push(`BLE: unavailable: ${report.ble.problem}`);
  else {
    lines.push('BLE devices:');
    for (const d of report.ble.devices ?? [])
      lines.push(`  ${d.address}  ${d.rssi} dBm  ${d.name ?? '(no name)'}  ${d.spec ?? 'protocol unknown'}`);
    if ((report.ble.devices ?? []).length === 0) lines.push('  none heard');
  }
  return lines;
}

const CSV_HEADER = 'sensor,sample,device_time_s,host_time_s,ax,ay,az,gx,gy,gz\n';

function csvRows(event: SensorEvent): string {
  if (event.kind !== 'imu') return '';
  let rows = '';
  for (let i = 0; i < event.deviceTime.length; i++) {
    const acc =
      event.acc.length > 0 ? Array.from(event.acc.subarray(i * 3, i * 3 + 3), (v) => v.toFixed(5)) : ['', '', ''];
    const gyro =
      event.gyro.length > 0 ? Array.from(event.gyro.subarray(i * 3, i * 3 + 3), (v) => v.toFixed(6)) : ['', '', ''];
    rows += `${event.sensorId},${event.firstSample + i},${event.deviceTime[i]},${event.hostTime.toFixed(6)},${acc.join(',')},${gyro.join(',')}\n`;
  }
  return rows;
}

async function streamSensors(
  specs: string[],
  options: { seconds: number | undefined; csv: string | undefined; json: boolean },
): Promise<void> {
  const sources: SensorSource[] = [];
  for (const spec of specs) sources.push(await openSensor(spec));
  const view = options.json ? process.stderr : process.stdout;
  const tty = view.isTTY === true;
  const stats = new SensorStreamStats();
  let csv: WriteStream | undefined;
  if (options.csv !== undefined) {
    csv = createWriteStream(options.csv);
    csv.write(CSV_HEADER);
  }
  /** Which source each sensor id came from, for its battery level. */
  const owners = new Map<string, SensorSource>();
  for (const source of sources) {
    source.onEvent((event) => {
      owners.set(event.sensorId, source);
      stats.add(event);
      if (csv !== undefined && event.kind === 'imu') csv.write(csvRows(event));
      if (!tty && event.kind === 'gap') {
        view.write(
          `gap: ${event.sensorId} ${event.reason}, lost ${event.samplesLost ?? 'unknown (device reset)'} samples\n`,
        );
      }
    });
  }
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onInterrupt = () => stop();
  process.once('SIGINT', onInterrupt);
  let drawn = 0;
  const draw = () => {
    for (const [id, source] of owners) stats.setBattery(id, source.status().battery);
    const lines = renderTallies(stats.snapshot(hostNow()));
    if (tty) {
      view.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
      drawn = lines.length;
    } else view.write(`${lines.join('\n')}\n`);
  };
  let timer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  try {
    for (const source of sources) await source.start();
    timer = setInterval(draw, tty ? 250 : 1000);
    if (options.seconds !== undefined) deadline = setTimeout(stop, options.seconds * 1000);
    await stopped;
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
    process.off('SIGINT', onInterrupt);
    await Promise.all(sources.map((s) => s.stop()));
    if (csv !== undefined) {
      const file = csv;
      await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
  }
  draw();
  if (options.json) {
    const sensors = stats
      .snapshot(hostNow())
      .map((t) => ({ id: t.id, samples: t.samples, lost: t.lost, gaps: t.gaps }));
    process.stdout.write(`${JSON.stringify({ sensors })}\n`);
  }
}
