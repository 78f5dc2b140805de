import { JOINT_SETS, type Bone, type JointSet } from '../../core/joint-sets.ts';

/**
 * The graph a spatial-temporal graph convolution (ST-GCN, Yan, Xiong and Lin, AAAI 2018) runs over,
 * and its adjacency split by the paper's spatial configuration partitioning.
 */
export interface SkeletonGraph {
  /** Number of joints V. */
  joints: number;
  /** Undirected links between joints: the skeleton's bones, plus any link the graph adds. */
  links: readonly Bone[];
  /**
   * The joints standing for the body's centre of gravity: a joint's distance to the centre is its
   * hop count to the nearest of them.
   */
  centres: readonly number[];
}

/**
 * The graph of each joint set.
 * - kinect20: the bones; centre the spine (mid-spine joint). The paper's centre is the skeleton's
 *   mean position; the spine is the joint nearest it in an upright pose and the tree's graph centre
 *   (every hand and foot five hops away). Of the bones only spine - hip_center would be labelled the
 *   other way with hip_center as the centre.
 * - coco17: the bones plus nose - left/right shoulder (as MMAction2's COCO layout links them): COCO
 *   has no neck, so the face would otherwise be an island no graph convolution reaches from the
 *   body. No mid-hip joint either: the distance is to the nearer hip, which keeps the partitions
 *   left/right symmetric (hip - hip and shoulder - shoulder join equal-distance joints).
 */
export function skeletonGraph(set: JointSet): SkeletonGraph {
  const { names, bones } = JOINT_SETS[set];
  const at = (name: string) => names.indexOf(name);
  if (set === 'kinect20') return { joints: names.length, links: bones, centres: [at('spine')] };
  const nose = at('nose');
  return {
    joints: names.length,
    links: [...bones, [nose, at('left_shoulder')], [nose, at('right_shoulder')]],
    centres: [at('left_hip'), at('right_hip')],
  };
}

/** Names of the K = 3 partitions, in the order `spatialPartitions` returns them. */
export const SPATIAL_PARTITIONS = ['root', 'centripetal', 'centrifugal'] as const;

/**
 * The spatial configuration partitions of `graph`: three V x V matrices, row-major, entry [v * V + w]
 * the weight joint w's features get in joint v's output:
 *   root         w = v
 *   centripetal  w a neighbour of v nearer the centre than v
 *   centrifugal  w a neighbour of v as far from the centre as v or farther (the paper's
 *                "otherwise"; the reference code also files equal-distance neighbours here)
 * Normalised as the reference implementation (st-gcn `net/utils/graph.py`, `normalize_digraph`):
 * the whole 1-neighbourhood with self-loop is normalised by the receiving joint's degree before the
 * split, so every nonzero entry of row v is 1 / (1 + neighbours of v) and the three rows sum to 1.
 * The reference multiplies its features from the right (x A), so its matrices, column-normalised
 * A D^-1, are these transposed.
 */
export function spatialPartitions(graph: SkeletonGraph): Float32Array[] {
  const V = graph.joints;
  if (!Number.isInteger(V) || V < 1)
    throw new Error(`spatialPartitions(): joints must be a whole number >= 1, got ${V}`);
  const neighbours = Array.from({ length: V }, () => new Set<number>());
  const valid = (j: number) => Number.isInteger(j) && j >= 0 && j < V;
  for (const [a, b] of graph.links) {
    if (!valid(a) || !valid(b))
      throw new Error(`spatialPartitions(): link [${a}, ${b}] names a joint outside 0..${V - 1}`);
    if (a === b) continue;
    (neighbours[a] as Set<number>).add(b);
    (neighbours[b] as Set<number>).add(a);
  }
  if (graph.centres.length === 0 || !graph.centres.every(valid))
    throw new Error(`spatialPartitions(): centres must be joints in 0..${V - 1}, got [${graph.centres.join(', ')}]`);
  const distance = hopsToCentre(neighbours, graph.centres);
  const unreached = distance.findIndex((d) => d === Infinity);
  if (unreached >= 0) throw new Error(`spatialPartitions(): joint ${unreached} has no path to the centre`);
  const [root, centripetal, centrifugal] = [0, 1, 2].map(() => new Float32Array(V * V)) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  for (let v = 0; v < V; v++) {
    const near = neighbours[v] as Set<number>;
    const weight = 1 / (1 + near.size);
    root[v * V + v] = weight;
    for (const w of near) {
      const into = (distance[w] as number) < (distance[v] as number) ? centripetal : centrifugal;
      into[v * V + w] = weight;
    }
  }
  return [root, centripetal, centrifugal];
}

/** Hop count from each joint to the nearest centre (breadth-first); Infinity where none is reachable. */
function hopsToCentre(neighbours: readonly Set<number>[], centres: readonly number[]): number[] {
  const distance = neighbours.map(() => Infinity);
  let frontier = [...new Set(centres)];
  for (const c of frontier) distance[c] = 0;
  for (let hops = 1; frontier.length > 0; hops++) {
    const next: number[] = [];
    for (const v of frontier) {
      for (const w of neighbours[v] as Set<number>) {
        if (distance[w] !== Infinity) continue;
        distance[w] = hops;
        next.push(w);
      }
    }
    frontier = next;
  }
  return distance;
}
