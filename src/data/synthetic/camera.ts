import type { Vec3 } from './rotation.ts';

/**
 * A pinhole camera looking at the athlete. World frame as the body model's: x forward (the
 * athlete faces +x at yaw 0), y left, z up, metres. The camera stands on a circle around `target`
 * at `azimuth` (0: in front of the athlete, looking back at them; pi/2: on their left side),
 * `distance` metres away horizontally and `height` metres above the floor, and looks at `target`.
 * Image coordinates: u to the right, v down, pixels, origin at the top-left corner of the image
 * (pixel centres at integer + 0.5).
 */
export interface CameraSpec {
  azimuth: number;
  distance: number;
  height: number;
  /** The point looked at (usually the standing pelvis). */
  target: Vec3;
  /** Vertical field of view, radians. */
  fov: number;
  width: number;
  heightPx: number;
}

export interface Camera {
  spec: CameraSpec;
  position: Vec3;
  /** Focal length in pixels. */
  focal: number;
  /** Rows: the camera's right, down and forward (viewing) axes in world coordinates. */
  right: Vec3;
  down: Vec3;
  forward: Vec3;
}

export function makeCamera(spec: CameraSpec): Camera {
  if (!(spec.distance > 0)) throw new Error(`makeCamera(): distance must be > 0 m, got ${spec.distance}`);
  if (!(spec.fov > 0 && spec.fov < Math.PI))
    throw new Error(`makeCamera(): fov must be in (0, pi) radians, got ${spec.fov}`);
  if (!(spec.width >= 8 && spec.heightPx >= 8))
    throw new Error(`makeCamera(): image must be at least 8x8 pixels, got ${spec.width}x${spec.heightPx}`);
  const [tx, ty, tz] = spec.target;
  const position: Vec3 = [
    tx + spec.distance * Math.cos(spec.azimuth),
    ty + spec.distance * Math.sin(spec.azimuth),
    spec.height,
  ];
  const forward = normalise([tx - position[0], ty - position[1], tz - position[2]]);
  // Right = forward x up (world z), then down = forward x right: a level camera (no roll).
  const right = normalise([forward[1], -forward[0], 0]);
  const down: Vec3 = [
    forward[1] * right[2] - forward[2] * right[1],
    forward[2] * right[0] - forward[0] * right[2],
    forward[0] * right[1] - forward[1] * right[0],
  ];
  const focal = spec.heightPx / 2 / Math.tan(spec.fov / 2);
  return { spec, position, focal, right, down, forward };
}

/** World point to [u, v, depth]; depth is along the viewing axis (metres, > 0 in front). */
export function project(cam: Camera, p: Vec3): Vec3 {
  const d: Vec3 = [p[0] - cam.position[0], p[1] - cam.position[1], p[2] - cam.position[2]];
  const x = dot(cam.right, d);
  const y = dot(cam.down, d);
  const z = dot(cam.forward, d);
  return [cam.spec.width / 2 + (cam.focal * x) / z, cam.spec.heightPx / 2 + (cam.focal * y) / z, z];
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}
