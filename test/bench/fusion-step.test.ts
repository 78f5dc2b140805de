import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { experimentNetwork, networkParams, twinAvailable, twinParams } from '../../bench/fusion-step.ts';

// The PyTorch twin of `npm run bench -- fusion-step` is a twin only if it has our layers: equal
// trainable parameters in all and branch by branch. Needs Debian's python3-torch (skips without).
const PYTHON = '/usr/bin/python3';
const twin = twinAvailable(PYTHON);
if (!twin.ok) console.log(`fusion-step twin test skipped: ${twin.reason}`);
const Twin = suite('fusion_step_torch.py');

(twin.ok ? Twin : Twin.skip)("has the trainable parameters of npm start's network, in all and per branch", async () => {
  const net = await experimentNetwork('experiments/quickstart.yaml', []);
  try {
    const ours = networkParams(net.model, net.modalities);
    assert.equal(Object.keys(ours.branches), [
      'video_encoder',
      'video_pool',
      'flow_encoder',
      'flow_pool',
      'imu_encoder',
      'imu_pool',
      'head',
    ]);
    // BatchNorm(64) 128 + LSTM 64 -> 64 with one bias 4*64*(64 + 64) + 4*64 + attention 64*64 + 64 + 64.
    assert.is(ours.branches['imu_pool']?.params, 128 + 33024 + 4224);
    // BatchNorm(3 x 64) 384 + dense 192 -> 10.
    assert.is(ours.branches['head']?.params, 384 + 1930);
    assert.equal(twinParams(PYTHON, net.twinSpec), ours);
  } finally {
    net.model.dispose();
  }
});

Twin.run();
