import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlacements, placementFor, simulatorPlacement } from '../../src/cli/live-command.ts';
import { syntheticDeviceData } from '../../src/cli/synthetic-device-data.ts';
import { UserError } from '../../src/core/errors.ts';
import { DEVICE_SIMULATOR_DEFAULTS } from '../../sensors/simulator/device-simulator.ts';
import { SerialSimulator } from '../../sensors/simulator/serial-simulator.ts';
import { findSocat } from '../../sensors/simulator/socat-pty.ts';
import { motionfuseInProcess } from '../helpers/run-cli.ts';
import { LIVE_CLASSES, saveTinyLiveModel } from '../helpers/tiny-live-model.ts';

const socat = findSocat();
if (socat === undefined) console.log('  motionfuse live session test: skipped (socat is not installed)');

const dir = mkdtempSync(join(tmpdir(), 'motionfuse-live-cli-'));
const model = await saveTinyLiveModel(dir);

const Flags = suite('motionfuse live: flags');

Flags('--placement SENSOR=PLACE maps sensors by id or id ending; a bad one names itself and the placements', () => {
  const rules = parsePlacements(['serial:/dev/pts/3#0=wrist', '#0=ankle', '#1=pelvis', 'polar:A0:9E=thigh']);
  assert.is(placementFor(rules, 'serial:/dev/pts/3#0'), 'wrist');
  assert.is(placementFor(rules, 'serial:/dev/pts/4#0'), 'ankle');
  assert.is(placementFor(rules, 'serial:/dev/pts/3#1'), 'pelvis');
  assert.is(placementFor(rules, 'polar:A0:9E'), 'thigh');
  assert.is(placementFor(rules, 'serial:/dev/pts/3#2'), undefined);
  assert.throws(
    () => parsePlacements(['serial:/dev/pts/3#0']),
    (e: unknown) => e instanceof UserError && /is not SENSOR=PLACE/.test(e.message),
  );
  assert.throws(
    () => parsePlacements(['#0=wrist', '#0=ankle']),
    (e: unknown) => e instanceof UserError && /names #0 twice/.test(e.message),
  );
  assert.throws(
    () => parsePlacements(['serial:/dev/pts/3#0=elbow']),
    (e: unknown) =>
      e instanceof UserError && /'elbow' is not a placement/.test(e.message) && /wrist, ankle/.test(e.hint ?? ''),
  );
});

Flags("unmapped sensors default to the simulator's order by sensor number", () => {
  assert.equal(
    ['#0', '#1', '#2', '#3'].map((k) => simulatorPlacement(`serial:/tmp/tty${k}`)),
    ['wrist', 'ankle', 'pelvis', 'thigh'],
  );
  assert.is(simulatorPlacement('polar:A0:9E:1A'), undefined);
});

Flags('a model that also reads video is refused, exit 2, saying live reads IMUs only', async () => {
  const videoModel = join(dir, 'video-model');
  cpSync(model, join(videoModel, 'model'), { recursive: true });
  const file = join(videoModel, 'model', 'preprocessing.json');
  const pre = JSON.parse(readFileSync(file, 'utf8'));
  pre.inputs.video = { count: 8, size: 56, threshold: { kind: 'adaptive', k: 0.5 }, fill: 'sample' };
  writeFileSync(file, JSON.stringify(pre));
  const r = await motionfuseInProcess(['live', '--model', join(videoModel, 'model'), '--sensor', 'serial:/dev/null']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, 'also reads video: live recognition reads IMUs only');
});

Flags('a folder with no model says so, exit 2', async () => {
  const r = await motionfuseInProcess(['live', '--model', join(dir, 'absent'), '--sensor', 'serial:/dev/null']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `no such folder: ${join(dir, 'absent')}`);
});

const Session = suite('motionfuse live on simulated serial sensors');
const test = socat === undefined ? Session.skip : Session;

test('--json: a line per window with action, confidence, top-3 and latency; the summary loses no sample', async () => {
  const link = join(dir, 'tty');
  const sim = await SerialSimulator.start({
    link,
    seconds: 4,
    speed: 1,
    unplugs: [],
    device: { ...DEVICE_SIMULATOR_DEFAULTS, sensors: syntheticDeviceData(4, 200, 1).data, rate: 200 },
  });
  try {
    const running = sim.run();
    const r = await motionfuseInProcess([
      'live',
      '--model',
      model,
      '--sensor',
      `serial:${link}`,
      '--seconds',
      '4.6',
      '--json',
    ]);
    const log = await running;
    assert.is(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const predictions = lines.filter((l) => l.event === 'prediction');
    // Windows every 0.25 s once 2 s of data are in.
    assert.ok(predictions.length >= 5, `${predictions.length} windows`);
    for (const p of predictions) {
      assert.ok((LIVE_CLASSES as readonly string[]).includes(p.action), p.action);
      assert.is(p.top.length, 3);
      assert.is(p.top[0].action, p.action);
      assert.is(p.top[0].p, p.confidence);
      assert.ok(p.top[0].p >= p.top[1].p && p.top[1].p >= p.top[2].p);
      assert.ok(p.latencyMs >= 0 && p.latencyMs < 1000, String(p.latencyMs));
      assert.equal(p.coverage, { wrist: 1 });
    }
    const summary = lines[lines.length - 1];
    assert.is(summary.event, 'summary');
    assert.is(summary.windows, predictions.length);
    assert.equal(
      summary.sensors.map((s: { placement: string; lost: number; gaps: number }) => [s.placement, s.lost, s.gaps]),
      [
        ['wrist', 0, 0],
        ['ankle', 0, 0],
        ['pelvis', 0, 0],
        ['thigh', 0, 0],
      ],
    );
    // Every sample the simulator sent from the first one received (what it sent before the port was open is gone) to its last.
    for (const s of summary.sensors) assert.is(s.first + s.samples, log.samples / 4, s.id);
    assert.match(r.stderr, 'action: ');
    assert.match(r.stderr, 'latency p50');
  } finally {
    sim.stop();
  }
});

Flags.run();
Session.run();
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
