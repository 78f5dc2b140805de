import { utdMhadDataset } from '../src/data/utd-mhad/utd-mhad-dataset.ts';
const d = utdMhadDataset({ root: '/work/shared/data/utd-mhad-sample', modalities: ['skeleton', 'inertial'] } as never);
const refs = await d.list();
for (const id of ['a1_s1_t1', 'a22_s1_t1']) {
  const s = await d.load(refs.find((r) => r.id === id)!);
  const p = s.streams.find((x) => x.kind === 'pose') as any;
  const n = p.t.length; const f = Math.floor(n / 2);
  const j = (k: number) => Array.from(p.data.slice(f * 60 + k * 3, f * 60 + k * 3 + 3)).map((v: any) => v.toFixed(2)).join(',');
  console.log(id, 'frames', n, 'head', j(0), 'hip', j(3), 'lhand', j(7), 'rhand', j(11), 'rfoot', j(19));
  const imu = s.streams.find((x) => x.kind === 'imu') as any;
  console.log(' imu', imu.placement, imu.t.length, imu.rate.toFixed(1), Array.from(imu.data.slice(0, 6)).map((v: any) => v.toFixed(2)).join(','));
}
