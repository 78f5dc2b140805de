import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { errorMessage } from '../../src/core/errors.ts';

export interface SerialProbe {
  /** The native binding loaded: serial sensors can be opened. */
  bindingLoaded: boolean;
  /** Ports found, when listing worked. */
  ports?: { path: string; manufacturer?: string }[];
  /** Why loading or listing failed. */
  problem?: string;
  /** Listed from /dev's device names, without the details udev gives (manufacturer). */
  fromDeviceNames?: boolean;
}

/** Serial device names on Linux: USB CDC (Arduino), USB-serial bridges, on-board UARTs. */
const SERIAL_NAMES = /^tty(ACM|USB|AMA|S)\d+$/;

/** The serial devices /dev holds, by name: what listing gives where udevadm is missing. */
async function serialDeviceNodes(): Promise<{ path: string }[]> {
  const names = await readdir('/dev').catch(() => [] as string[]);
  return names
    .filter((n) => SERIAL_NAMES.test(n))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((n) => ({ path: `/dev/${n}` }));
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
    if (/udevadm/.test(text) && process.platform === 'linux')
      return {
        bindingLoaded: true,
        ports: await serialDeviceNodes(),
        fromDeviceNames: true,
        problem: `listed from /dev by name: udevadm is missing (${text}); install udev for manufacturers`,
      };
    return { bindingLoaded: true, problem: `listing ports failed: ${text}` };
  }
}
