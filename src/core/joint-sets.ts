/**
 * The joint sets a pose stream can name (`PoseStream.joints`): the joints in the stream's order,
 * the skeleton's bones as joint-index pairs, each joint's side of the body, and its left/right
 * twin. Sides and twins follow from the names (`left_...`, `right_...`; anything else is on the
 * middle line and is its own twin), so they cannot disagree with them.
 */

/** Two joint indices joined by a bone. */
export type Bone = readonly [number, number];
/** The athlete's own left and right (not the image's). */
export type JointSide = 'left' | 'right' | 'middle';

export interface JointSetLayout {
  /** Joint names, in the order of the stream's joint axis. */
  names: readonly string[];
  bones: readonly Bone[];
  /** Per joint, its side of the body. */
  sides: readonly JointSide[];
  /** Per joint, the index of its left/right twin: where it lands when the scene is mirrored left-right. */
  mirror: readonly number[];
}

/** COCO-17 keypoints (MoveNet's output order, and the synthetic pose's): nose, then left/right pairs. */
export const COCO17_JOINTS = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;
export type Coco17Joint = (typeof COCO17_JOINTS)[number];

/** COCO-17 bones: face, arms, shoulders, trunk, hips, legs. */
export const COCO17_BONES: readonly Bone[] = [
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 4],
  [5, 7],
  [7, 9],
  [6, 8],
  [8, 10],
  [5, 6],
  [5, 11],
  [6, 12],
  [11, 12],
  [11, 13],
  [13, 15],
  [12, 14],
  [14, 16],
];

/**
 * Kinect v1's 20 skeleton joints in UTD-MHAD's order (its `Skeleton_joint_order.txt`), the only
 * kinect20 source so far. It lists the spine from the head down; the Kinect SDK's own
 * enumeration runs from the hip centre up, so a source in SDK order is reordered in its adapter.
 */
export const KINECT20_JOINTS = [
  'head',
  'shoulder_center',
  'spine',
  'hip_center',
  'left_shoulder',
  'left_elbow',
  'left_wrist',
  'left_hand',
  'right_shoulder',
  'right_elbow',
  'right_wrist',
  'right_hand',
  'left_hip',
  'left_knee',
  'left_ankle',
  'left_foot',
  'right_hip',
  'right_knee',
  'right_ankle',
  'right_foot',
] as const;
export type Kinect20Joint = (typeof KINECT20_JOINTS)[number];

/** Kinect v1 bones, the SDK's skeleton tree: spine, then each arm from the shoulder centre and each leg from the hip centre. */
export const KINECT20_BONES: readonly Bone[] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [1, 4],
  [4, 5],
  [5, 6],
  [6, 7],
  [1, 8],
  [8, 9],
  [9, 10],
  [10, 11],
  [3, 12],
  [12, 13],
  [13, 14],
  [14, 15],
  [3, 16],
  [16, 17],
  [17, 18],
  [18, 19],
];

export const JOINT_SETS = {
  coco17: jointSetLayout('coco17', COCO17_JOINTS, COCO17_BONES),
  kinect20: jointSetLayout('kinect20', KINECT20_JOINTS, KINECT20_BONES),
} as const satisfies Record<string, JointSetLayout>;
export type JointSet = keyof typeof JOINT_SETS;

function jointSetLayout(set: string, names: readonly string[], bones: readonly Bone[]): JointSetLayout {
  const sides = names.map((name): JointSide =>
    name.startsWith('left_') ? 'left' : name.startsWith('right_') ? 'right' : 'middle',
  );
  const mirror = names.map((name, j) => {
    const side = sides[j] as JointSide;
    if (side === 'middle') return j;
    const twin = side === 'left' ? `right_${name.slice('left_'.length)}` : `left_${name.slice('right_'.length)}`;
    const k = names.indexOf(twin);
    if (k < 0) throw new Error(`joint set ${set}: '${name}' has no twin '${twin}'`);
    return k;
  });
  const valid = (j: number) => Number.isInteger(j) && j >= 0 && j < names.length;
  for (const [a, b] of bones) {
    if (!valid(a) || !valid(b))
      throw new Error(`joint set ${set}: bone [${a}, ${b}] names a joint outside 0..${names.length - 1}`);
  }
  return { names, bones, sides, mirror };
}
