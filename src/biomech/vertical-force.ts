/**
 * The vertical component of specific force in the world frame (m/s^2, +g at rest), for the
 * take-off velocity method. The sensor's "up" is tracked in its own frame by a gated
 * complementary filter: the gyroscope turns it (du/dt = -omega x u), and only while the
 * accelerometer reads about 1 g and the sensor turns slowly is it pulled toward the measured
 * gravity direction. During a jump's push-off (2-4 g) and flight (about 0 g) the accelerometer
 * says nothing about gravity, so there the gyroscope alone carries the orientation; over the
 * second a jump lasts its drift is negligible. Without a gyroscope the up direction is the
 * low-passed accelerometer direction from still samples only, held through the movement.
 */
export interface VerticalForceOptions {
  /** Trust the accelerometer's direction only while | |f| - g | is below this (m/s^2). */
  stillTolerance?: number;
  /** ...and the sensor turns slower than this (rad/s). */
  stillRate?: number;
  /** Time constant of the pull toward the measured gravity direction (s). */
  timeConstant?: number;
  gravity?: number;
}

export function verticalForce(
  t: Float64Array,
  acc: Float32Array,
  gyro: Float32Array | undefined,
  options: VerticalForceOptions = {},
): Float64Array {
  const g = options.gravity ?? 9.81;
  const tolerance = options.stillTolerance ?? 0.1 * g;
  const slow = options.stillRate ?? 1;
  const tau = options.timeConstant ?? 0.5;
  const n = t.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  // Start from the mean direction of the first 0.2 s.
  let ux = 0;
  let uy = 0;
  let uz = 0;
  for (let k = 0; k < n && (t[k] as number) - (t[0] as number) <= 0.2; k++) {
    ux += acc[3 * k] as number;
    uy += acc[3 * k + 1] as number;
    uz += acc[3 * k + 2] as number;
  }
  [ux, uy, uz] = unit(ux, uy, uz);
  for (let k = 0; k < n; k++) {
    const dt = k > 0 ? (t[k] as number) - (t[k - 1] as number) : 0;
    const fx = acc[3 * k] as number;
    const fy = acc[3 * k + 1] as number;
    const fz = acc[3 * k + 2] as number;
    let turning = 0;
    if (gyro !== undefined && dt > 0) {
      // Rotate u by -omega dt (first order, then renormalised).
      const wx = gyro[3 * k] as number;
      const wy = gyro[3 * k + 1] as number;
      const wz = gyro[3 * k + 2] as number;
      turning = Math.hypot(wx, wy, wz);
      const cx = wy * uz - wz * uy;
      const cy = wz * ux - wx * uz;
      const cz = wx * uy - wy * ux;
      [ux, uy, uz] = unit(ux - cx * dt, uy - cy * dt, uz - cz * dt);
    }
    const norm = Math.hypot(fx, fy, fz);
    if (dt > 0 && Math.abs(norm - g) < tolerance && turning < slow) {
      const a = Math.min(1, dt / tau);
      [ux, uy, uz] = unit(ux + a * (fx / norm - ux), uy + a * (fy / norm - uy), uz + a * (fz / norm - uz));
    }
    out[k] = fx * ux + fy * uy + fz * uz;
  }
  return out;
}

function unit(x: number, y: number, z: number): [number, number, number] {
  const r = Math.hypot(x, y, z);
  return r > 0 ? [x / r, y / r, z / r] : [0, 0, 1];
}
