/**
 * 3x3 rotation matrices, row-major in a plain array of 9 numbers, and the few operations the body
 * model needs. Plain arrays, not Float64Array: the generator makes ~10^5 of them a take, and V8
 * allocates small arrays several times faster than typed arrays (a profile had 70% of the time in
 * typed-array allocation).
 */
export type Mat3 = number[];
export type Vec3 = [number, number, number];

export function identity(): Mat3 {
  return [1, 0, 0, 0, 1, 0, 0, 0, 1];
}

/** Rotation by `a` radians about the x, y or z axis (right-handed). */
export function axisRotation(axis: 'x' | 'y' | 'z', a: number): Mat3 {
  const c = Math.cos(a);
  const s = Math.sin(a);
  if (axis === 'x') return [1, 0, 0, 0, c, -s, 0, s, c];
  if (axis === 'y') return [c, 0, s, 0, 1, 0, -s, 0, c];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

/** m x axisRotation(axis, a), without building the axis matrix: only two columns change. */
export function rotateAbout(m: Mat3, axis: 'x' | 'y' | 'z', a: number): Mat3 {
  const c = Math.cos(a);
  const s = Math.sin(a);
  // Columns (i, j) of m mix: x rotates columns 1, 2; y rotates 2, 0; z rotates 0, 1.
  const i = axis === 'x' ? 1 : axis === 'y' ? 2 : 0;
  const j = axis === 'x' ? 2 : axis === 'y' ? 0 : 1;
  const r = m.slice();
  for (let row = 0; row < 9; row += 3) {
    const mi = m[row + i] as number;
    const mj = m[row + j] as number;
    r[row + i] = mi * c + mj * s;
    r[row + j] = mj * c - mi * s;
  }
  return r;
}

export function multiply(a: Mat3, b: Mat3): Mat3 {
  const r: Mat3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      r[i * 3 + j] =
        (a[i * 3] as number) * (b[j] as number) +
        (a[i * 3 + 1] as number) * (b[3 + j] as number) +
        (a[i * 3 + 2] as number) * (b[6 + j] as number);
    }
  }
  return r;
}

/** Rotations applied in order: z (yaw), then y (pitch), then x (roll), all in the parent frame's axes after the previous. */
export function zyx(yaw: number, pitch: number, roll: number): Mat3 {
  return rotateAbout(rotateAbout(axisRotation('z', yaw), 'y', pitch), 'x', roll);
}

/** m^T v: a world vector expressed in the frame whose orientation is m. */
export function applyTransposed(m: Mat3, v: Vec3): Vec3 {
  return [
    (m[0] as number) * v[0] + (m[3] as number) * v[1] + (m[6] as number) * v[2],
    (m[1] as number) * v[0] + (m[4] as number) * v[1] + (m[7] as number) * v[2],
    (m[2] as number) * v[0] + (m[5] as number) * v[1] + (m[8] as number) * v[2],
  ];
}

export function transpose(m: Mat3): Mat3 {
  return [
    m[0] as number,
    m[3] as number,
    m[6] as number,
    m[1] as number,
    m[4] as number,
    m[7] as number,
    m[2] as number,
    m[5] as number,
    m[8] as number,
  ];
}

/** The rotation vector (axis * angle) of a rotation matrix: the logarithm map. */
export function logMap(m: Mat3): Vec3 {
  const trace = (m[0] as number) + (m[4] as number) + (m[8] as number);
  const cos = Math.min(1, Math.max(-1, (trace - 1) / 2));
  const angle = Math.acos(cos);
  const w: Vec3 = [
    (m[7] as number) - (m[5] as number),
    (m[2] as number) - (m[6] as number),
    (m[3] as number) - (m[1] as number),
  ];
  // Near zero angle, angle / (2 sin angle) -> 1/2 (series), which keeps small rotations exact.
  const k = angle < 1e-6 ? 0.5 + (angle * angle) / 12 : angle / (2 * Math.sin(angle));
  return [w[0] * k, w[1] * k, w[2] * k];
}

/** exp of a rotation vector (Rodrigues). */
export function expMap(w: Vec3): Mat3 {
  const angle = Math.hypot(w[0], w[1], w[2]);
  if (angle < 1e-12) return identity();
  const [x, y, z] = [w[0] / angle, w[1] / angle, w[2] / angle];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [
    t * x * x + c,
    t * x * y - s * z,
    t * x * z + s * y,
    t * x * y + s * z,
    t * y * y + c,
    t * y * z - s * x,
    t * x * z - s * y,
    t * y * z + s * x,
    t * z * z + c,
  ];
}
