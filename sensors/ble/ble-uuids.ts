/**
 * GATT UUIDs of the protocols we speak, in noble's spelling: lower case, no dashes (noble reports
 * 16-bit SIG UUIDs as four hex digits). Sources are cited in docs/sensors.md.
 */

/** Turns `FB005C80-02E7-...` into noble's `fb005c8002e7...`. */
export function nobleUuid(uuid: string): string {
  return uuid.replaceAll('-', '').toLowerCase();
}

/** Polar Measurement Data service: control point (read/write/indicate) and data (notify). */
export const PMD_SERVICE = nobleUuid('FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8');
export const PMD_CONTROL_POINT = nobleUuid('FB005C81-02E7-F387-1CAD-8ACD2D8DF0C8');
export const PMD_DATA = nobleUuid('FB005C82-02E7-F387-1CAD-8ACD2D8DF0C8');

/** Movesense GATT SensorData Protocol: commands written to 0001, answers and data notified on 0002. */
export const GSP_SERVICE = nobleUuid('34802252-7185-4d5d-b431-630e7050e8f0');
export const GSP_WRITE = nobleUuid('34800001-7185-4d5d-b431-630e7050e8f0');
export const GSP_NOTIFY = nobleUuid('34800002-7185-4d5d-b431-630e7050e8f0');

/** Nordic UART Service; named by UUID because old documents swap the RX/TX labels. */
export const NUS_SERVICE = nobleUuid('6E400001-B5A3-F393-E0A9-E50E24DCCA9E');
/** The host writes here (the device's RX). */
export const NUS_RX = nobleUuid('6E400002-B5A3-F393-E0A9-E50E24DCCA9E');
/** The device notifies here (the device's TX). */
export const NUS_TX = nobleUuid('6E400003-B5A3-F393-E0A9-E50E24DCCA9E');

/** Bluetooth SIG Battery Service and its Battery Level characteristic (u8 percent). */
export const BATTERY_SERVICE = '180f';
export const BATTERY_LEVEL = '2a19';

export type BleProtocolName = 'polar-pmd' | 'movesense-gsp' | 'nus';

/** The protocol a device speaks, guessed from the services it advertises (null: none of ours). */
export function guessBleProtocol(serviceUuids: readonly string[], name?: string): BleProtocolName | null {
  const uuids = serviceUuids.map(nobleUuid);
  if (uuids.includes(PMD_SERVICE)) return 'polar-pmd';
  if (uuids.includes(GSP_SERVICE)) return 'movesense-gsp';
  if (uuids.includes(NUS_SERVICE)) return 'nus';
  // Polar and Movesense often advertise only a 16-bit SIG service (heart rate, their own fe06):
  // the name then tells.
  if (name !== undefined && /^Polar /.test(name)) return 'polar-pmd';
  if (name !== undefined && /^Movesense /.test(name)) return 'movesense-gsp';
  return null;
}
