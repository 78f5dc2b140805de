/**
 * Segment lengths from body height, as fractions of height from Winter's anthropometric table
 * (Biomechanics and Motor Control of Human Movement, 4th ed., table 4.1), scaled by build: a
 * broader build widens shoulders and hips and thickens limbs (limb radii are used by the renderer).
 */
export interface BodyDimensions {
  height: number;
  /** Pelvis (hip centre midpoint) to the base of the neck. */
  trunk: number;
  neck: number;
  head: number;
  /** Half the distance between the shoulder joints, and between the hip joints. */
  shoulderHalfWidth: number;
  hipHalfWidth: number;
  upperArm: number;
  forearm: number;
  thigh: number;
  shank: number;
  /** Ankle joint height above the sole, and ankle to the ball of the foot (the contact point). */
  ankleHeight: number;
  foot: number;
  /** Limb radius scale (1 = average build). */
  girth: number;
}

/** build: 0.85 (slender) to 1.2 (broad). */
export function bodyDimensions(height: number, build = 1): BodyDimensions {
  if (!(height > 1 && height < 2.5)) throw new Error(`bodyDimensions(): height ${height} m is outside 1-2.5 m`);
  if (!(build >= 0.7 && build <= 1.4)) throw new Error(`bodyDimensions(): build ${build} is outside 0.7-1.4`);
  const h = height;
  return {
    height: h,
    trunk: 0.288 * h, // hip centre (0.530 H) to shoulder height (0.818 H)
    neck: 0.052 * h,
    head: 0.13 * h, // neck top (chin level, 0.870 H) to the top of the head
    shoulderHalfWidth: ((0.259 * h) / 2) * build,
    hipHalfWidth: ((0.191 * h) / 2) * (0.5 + 0.5 * build),
    upperArm: 0.186 * h,
    forearm: 0.146 * h,
    thigh: 0.245 * h,
    shank: 0.246 * h,
    ankleHeight: 0.039 * h,
    foot: 0.152 * h * 0.75, // ankle to the ball of the foot: three quarters of foot length
    girth: build,
  };
}
