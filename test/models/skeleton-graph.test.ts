import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { JOINT_SETS } from '../../src/core/joint-sets.ts';
import { skeletonGraph, spatialPartitions, type SkeletonGraph } from '../../src/models/graph/skeleton-graph.ts';

/** A V x V row-major matrix as rows, rounded to 6 decimals so hand-worked thirds compare. */
function rows(m: Float32Array, V: number): number[][] {
  return Array.from({ length: V }, (_, v) => Array.from(m.slice(v * V, (v + 1) * V), (x) => Number(x.toFixed(6))));
}
const third = Number((1 / 3).toFixed(6));

const Partitions = suite('spatialPartitions');

Partitions('splits a chain 0-1-2-3 centred on joint 1 into root, centripetal and centrifugal', () => {
  // Distances to the centre: [1, 0, 1, 2]; degrees with self-loop: [2, 3, 3, 2].
  const [root, centripetal, centrifugal] = spatialPartitions({
    joints: 4,
    links: [
      [0, 1],
      [1, 2],
      [2, 3],
    ],
    centres: [1],
  }) as [Float32Array, Float32Array, Float32Array];
  assert.equal(rows(root, 4), [
    [0.5, 0, 0, 0],
    [0, third, 0, 0],
    [0, 0, third, 0],
    [0, 0, 0, 0.5],
  ]);
  assert.equal(rows(centripetal, 4), [
    [0, 0.5, 0, 0],
    [0, 0, 0, 0],
    [0, third, 0, 0],
    [0, 0, 0.5, 0],
  ]);
  assert.equal(rows(centrifugal, 4), [
    [0, 0, 0, 0],
    [third, 0, third, 0],
    [0, 0, 0, third],
    [0, 0, 0, 0],
  ]);
});

Partitions('files a neighbour as far from the centre as the root under centrifugal (two centres)', () => {
  // 0 and 1 are both centres (distance 0) and linked; 2 hangs off 0, 3 off 1.
  const [root, centripetal, centrifugal] = spatialPartitions({
    joints: 4,
    links: [
      [0, 1],
      [0, 2],
      [1, 3],
    ],
    centres: [0, 1],
  }) as [Float32Array, Float32Array, Float32Array];
  assert.equal(rows(root, 4), [
    [third, 0, 0, 0],
    [0, third, 0, 0],
    [0, 0, 0.5, 0],
    [0, 0, 0, 0.5],
  ]);
  assert.equal(rows(centripetal, 4), [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0.5, 0, 0, 0],
    [0, 0.5, 0, 0],
  ]);
  assert.equal(rows(centrifugal, 4), [
    [0, third, third, 0],
    [third, 0, 0, third],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ]);
});

Partitions('ignores self-links and repeated links', () => {
  const plain = spatialPartitions({ joints: 2, links: [[0, 1]], centres: [0] });
  const noisy = spatialPartitions({
    joints: 2,
    links: [
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    centres: [0],
  });
  assert.equal(
    noisy.map((m) => Array.from(m)),
    plain.map((m) => Array.from(m)),
  );
});

Partitions('names the problem with a graph it cannot partition', () => {
  const graph = (g: Partial<SkeletonGraph>): SkeletonGraph => ({ joints: 3, links: [[0, 1]], centres: [0], ...g });
  assert.throws(() => spatialPartitions(graph({})), /spatialPartitions\(\): joint 2 has no path to the centre/);
  assert.throws(() => spatialPartitions(graph({ links: [[0, 3]] })), /link \[0, 3\] names a joint outside 0\.\.2/);
  assert.throws(() => spatialPartitions(graph({ centres: [] })), /centres must be joints in 0\.\.2/);
});

Partitions.run();

const Sets = suite('skeletonGraph');

for (const set of ['kinect20', 'coco17'] as const) {
  Sets(`${set}: every joint's weights sum to 1 over the three partitions`, () => {
    const graph = skeletonGraph(set);
    const V = graph.joints;
    const parts = spatialPartitions(graph);
    for (let v = 0; v < V; v++) {
      let sum = 0;
      for (const p of parts) for (let w = 0; w < V; w++) sum += p[v * V + w] as number;
      assert.ok(Math.abs(sum - 1) < 1e-6, `${set} joint ${v}: weights sum to ${sum}`);
    }
  });

  Sets(`${set}: the partitions are left/right symmetric (mirroring keeps each edge's group)`, () => {
    const { mirror } = JOINT_SETS[set];
    const graph = skeletonGraph(set);
    const V = graph.joints;
    for (const p of spatialPartitions(graph)) {
      for (let v = 0; v < V; v++)
        for (let w = 0; w < V; w++)
          assert.is(p[(mirror[v] as number) * V + (mirror[w] as number)], p[v * V + w], `entry [${v}, ${w}]`);
    }
  });
}

Sets(
  'kinect20: centred on the spine, so hip_center looks up to the spine and the spine has no centripetal neighbour',
  () => {
    const names = JOINT_SETS.kinect20.names;
    const at = (n: string) => names.indexOf(n);
    const V = names.length;
    const [, centripetal, centrifugal] = spatialPartitions(skeletonGraph('kinect20')) as [
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    // spine: neighbours shoulder_center and hip_center, degree 3.
    assert.is(
      centripetal.slice(at('spine') * V, (at('spine') + 1) * V).reduce((a, b) => a + b, 0),
      0,
    );
    assert.ok(Math.abs((centrifugal[at('spine') * V + at('hip_center')] as number) - 1 / 3) < 1e-7);
    // hip_center: neighbours spine, left_hip, right_hip, degree 4.
    assert.is(centripetal[at('hip_center') * V + at('spine')], 0.25);
    assert.is(centrifugal[at('hip_center') * V + at('left_hip')], 0.25);
    // left_hand: only left_wrist, nearer the centre.
    assert.is(centripetal[at('left_hand') * V + at('left_wrist')], 0.5);
  },
);

Sets('coco17: the face is linked to both shoulders, and hip - hip is centrifugal', () => {
  const names = JOINT_SETS.coco17.names;
  const at = (n: string) => names.indexOf(n);
  const V = names.length;
  const [, centripetal, centrifugal] = spatialPartitions(skeletonGraph('coco17')) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  // nose: eyes and both shoulders, degree 5; the shoulders (1 hop from a hip) are nearer than it (2).
  assert.ok(Math.abs((centripetal[at('nose') * V + at('left_shoulder')] as number) - 0.2) < 1e-7);
  assert.ok(Math.abs((centripetal[at('nose') * V + at('right_shoulder')] as number) - 0.2) < 1e-7);
  assert.ok(Math.abs((centrifugal[at('nose') * V + at('left_eye')] as number) - 0.2) < 1e-7);
  // left_hip: right_hip (also a centre), left_shoulder, left_knee, degree 4.
  assert.is(centrifugal[at('left_hip') * V + at('right_hip')], 0.25);
  assert.is(
    centripetal.slice(at('left_hip') * V, (at('left_hip') + 1) * V).reduce((a, b) => a + b, 0),
    0,
  );
});

Sets.run();
