import type { Argv } from 'yargs';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { formatDoctorReport, runDoctor } from './doctor.ts';

/** `motionfuse doctor`: exit code 1 when no backend can train (the core is unusable). */
export function doctorCommand<T>(cli: Argv<T>): Argv<T> {
  return cli.command(
    'doctor',
    'Report what this machine can do: Node, the tensor backend (and why), training, ffmpeg, serial, Bluetooth, Chromium',
    (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' }),
    async (args) => {
      const backend = (args as { backend?: BackendPreference }).backend;
      const report = await runDoctor(backend === undefined ? {} : { backend });
      process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report)}\n`);
      if (!report.coreUsable) process.exitCode = 1;
    },
  );
}
