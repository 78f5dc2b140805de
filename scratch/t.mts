import { loadExperiment } from '/work/main/src/experiments/load-experiment.ts';
for (const f of ['good','badyaml','wrongtype','unknownkey','unknownmodel','child']) {
  try { const l = await loadExperiment(`/tmp/exp/${f}.yaml`); console.log(f, 'OK', JSON.stringify(l.experiment).slice(0,300)); }
  catch (e: any) { console.log(f, '->', e.message, '|', e.hint); }
}
try { await loadExperiment('/tmp/exp/good.yaml', { set: ['train.epochs=abc'] }); } catch (e: any) { console.log('set ->', e.message); }
