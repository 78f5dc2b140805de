import { createRequire } from 'node:module';
import { errorMessage } from '../../src/core/errors.ts';

export interface SerialProbe {
  /** The native binding loaded: serial sensors can be opened. */
  bindingLoaded: boolean;
  /** Ports found, when listing worked. */
  ports?: { path: string; manufacturer?: string }[];
  /** Why loading or listing failed. */
  problem?: string;
}

/**
 * Checks the serial-port stack that wired sensors use: whether serialport's native binding
 * (@serialport/bindings-cpp, a prebuilt addon) loads, and which ports it can list. On Linux,
 * listing needs `udevadm`; a machine without it can still open a port by path.
 */
export async function probeSerial(): Promise<SerialProbe> {
  let binding: { list(): Promise<{ path: string; manufacturer?: string }[]> };
  try {
    const require = createRequire(import.meta.url);
    const bindings = require('@serialport/bindings-cpp') as { autoDetect(): typeof binding };
    binding = bindings.autoDetect();
  } catch (err) {
    return { bindingLoaded: false, problem: `native binding failed to load: ${errorMessage(err)}` };
  }
  try {
    const ports = await binding.list();
    return {
      bindingLoaded: true,
      ports: ports.map((p) => (p.manufacturer ? { path: p.path, manufacturer: p.manufacturer } : { path: p.path })),
    };
  } catch (err) {
    const text = errorMessage(err);
    const hint = /udevadm/.test(text) ? ' (install udev to list ports; opening a port by its path still works)' : '';
    return { bindingLoaded: true, problem: `listing ports failed: ${text}${hint}` };
  }
}
