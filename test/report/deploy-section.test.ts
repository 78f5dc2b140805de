import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEPLOY_FORMAT, deploySection, deploySectionsOf, type DeployReport } from '../../src/report/deploy-section.ts';

const Section = suite('deploySection');

const report: DeployReport = {
  format: DEPLOY_FORMAT,
  runDir: '/r',
  trialId: 'abc',
  label: 'fused <net>',
  folds: [0, 1],
  focusClasses: ['jump'],
  out: '/o',
  variants: [
    {
      variant: 'float32',
      quantization: 'float32',
      sparsity: null,
      fine_tune_epochs: 0,
      size_bytes: 1000,
      gzip_bytes: 900,
      size_ratio: 1,
      accuracy: 0.75,
      accuracy_delta_points: 0,
      class_error: [
        ['jump', 0.25],
        ['run', 0.1],
      ],
      agreement: 1,
      max_probability_diff: 0,
      p50_ms: 2,
      p99_ms: 3,
      latency: { wasm: { p50_ms: 2, p99_ms: 3 }, cpu: null },
    },
    {
      variant: 'int8',
      quantization: 'int8',
      sparsity: null,
      fine_tune_epochs: 0,
      size_bytes: 280,
      gzip_bytes: 250,
      size_ratio: 0.28,
      accuracy: 0.74,
      accuracy_delta_points: -1,
      class_error: [
        ['jump', 0.3],
        ['run', 0.1],
      ],
      agreement: 0.95,
      max_probability_diff: 0.02,
      p50_ms: 2.5,
      p99_ms: 4,
      latency: { wasm: { p50_ms: 2.5, p99_ms: 4 }, cpu: null },
    },
  ],
  backends: [
    { backend: 'wasm', ok: true, detail: 'SIMD on' },
    { backend: 'cpu', ok: false, detail: 'failed <here>' },
  ],
  notes: [],
  createdAt: '2026-12-03T00:00:00Z',
};

Section(
  'a row per variant: sizes, share of float32, accuracy, the focus class error, latency of the backends that ran',
  () => {
    const html = deploySection(report);
    assert.match(html, /<h2>Edge deployment: fused &lt;net&gt;<\/h2>/);
    assert.match(html, /<th>jump error %<\/th>/);
    assert.not.match(html, /run error %/);
    assert.match(html, /<th>wasm p50 \/ p99 ms<\/th>/);
    assert.not.match(html, /<th>cpu p50/);
    assert.match(
      html,
      /<td>int8<\/td><td>280<\/td><td>250<\/td><td>28.0 %<\/td><td>74.0<\/td><td>-1.0<\/td><td>30.0<\/td><td>95.0<\/td><td>2.50 \/ 4.00<\/td>/,
    );
    assert.match(html, /cpu: not measured: failed &lt;here&gt;/);
  },
);

Section("reads a run's deploy/*.json, nothing when there is none", () => {
  const run = mkdtempSync(join(tmpdir(), 'mf-deploy-section-'));
  assert.equal(deploySectionsOf(run), []);
  mkdirSync(join(run, 'deploy'));
  writeFileSync(join(run, 'deploy', 'abc.json'), JSON.stringify(report));
  writeFileSync(join(run, 'deploy', 'other.json'), JSON.stringify({ format: 'something-else' }));
  const sections = deploySectionsOf(run);
  assert.is(sections.length, 1);
  assert.match(sections[0]!.html, /id="deploy-abc"/);
});

Section.run();
