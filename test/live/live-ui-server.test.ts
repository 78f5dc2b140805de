/// <reference lib="dom" />
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadTrainedModel } from '../../src/train/model-store.ts';
import { LiveSession } from '../../src/live/live-session.ts';
import { LiveUiServer } from '../../src/live/live-ui-server.ts';
import { CameraFeed } from '../../src/live/camera-feed.ts';
import { runTool } from '../../src/core/run-tool.ts';
import { locateFfmpeg } from '../../src/video/ffmpeg-binary.ts';
import type { LivePrediction } from '../../src/live/live-recogniser.ts';
import { simulatorPlacement } from '../../src/cli/live-command.ts';
import { syntheticDeviceData } from '../../src/cli/synthetic-device-data.ts';
import { SerialSensor } from '../../sensors/serial/serial-sensor.ts';
import { DEVICE_SIMULATOR_DEFAULTS } from '../../sensors/simulator/device-simulator.ts';
import { SerialSimulator } from '../../sensors/simulator/serial-simulator.ts';
import { findSocat } from '../../sensors/simulator/socat-pty.ts';
import { chromiumOrReason } from '../helpers/report-browser.ts';
import { PROJECT_ROOT } from '../helpers/run-cli.ts';
import { saveTinyLiveModel } from '../helpers/tiny-live-model.ts';

const socat = findSocat();
const browser = await chromiumOrReason();
const skip =
  socat === undefined
    ? 'socat is not installed (apt-get install socat)'
    : 'reason' in browser
      ? `no chromium: ${browser.reason}`
      : undefined;
if (skip !== undefined) console.log(`  live page test: skipped (${skip})`);

const Page = suite('live recognition on simulated serial sensors, with the --ui page');
const test = skip === undefined ? Page : Page.skip;

test('windows predicted, no sample lost, latency measured; the page shows traces moving and the action changing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-live-'));
  const link = join(dir, 'tty');
  const trained = await loadTrainedModel(await saveTinyLiveModel(dir));
  // 4 sensors at 200 Hz in real time; the athlete changes action every 3 s.
  const sim = await SerialSimulator.start({
    link,
    seconds: 8,
    speed: 1,
    unplugs: [],
    device: { ...DEVICE_SIMULATOR_DEFAULTS, sensors: syntheticDeviceData(4, 200, 1).data, rate: 200 },
  });
  const sensor = new SerialSensor({ path: link });
  const running = sim.run();
  const session = await LiveSession.start({ trained, sources: [sensor], fallbackPlacement: simulatorPlacement });
  const r = session.recogniser;
  const predictions: LivePrediction[] = [];
  r.onPrediction((p) => predictions.push(p));
  // The camera view: a test pattern played as a camera file would be (8 s, the simulator's length).
  const ffmpeg = (await locateFfmpeg()).path;
  const clip = join(dir, 'camera.mp4');
  await runTool(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=25',
    '-t',
    '8',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  const camera = await CameraFeed.start({ ffmpeg, source: clip });
  const ui = await LiveUiServer.start({ recogniser: r, port: 0, title: 'motionfuse live · test model', camera });
  const chrome = await chromium.launch({
    executablePath: (browser as { path: string }).path,
    headless: true,
    args: ['--no-sandbox'],
  });
  try {
    const page = await chrome.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(ui.url);
    const look = () =>
      page.evaluate(() => {
        const canvases = Array.from(document.querySelectorAll('canvas'));
        return {
          points: canvases.map((c) => Number(c.dataset['points'] ?? 0)),
          pixels: canvases.map((c) => c.toDataURL().length),
          action: document.getElementById('action')?.textContent ?? '',
          log: Array.from(document.querySelectorAll('#log li.change')).map((li) => li.textContent ?? ''),
          camera: (document.getElementById('camera') as HTMLImageElement | null)?.naturalWidth ?? 0,
        };
      });
    await page.waitForFunction(() => document.querySelectorAll('canvas').length === 4, undefined, { timeout: 5000 });
    const first = await look();
    await page.waitForFunction(() => document.querySelectorAll('#log li.change').length >= 2, undefined, {
      timeout: 9000,
    });
    await page.waitForTimeout(600);
    const second = await look();
    mkdirSync(join(PROJECT_ROOT, 'results', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, 'results', 'screenshots', 'live-ui.png') });
    assert.equal(errors, []);
    // Traces move: every sensor's canvas got more points, and was drawn differently.
    second.points.forEach((n, i) =>
      assert.ok(n > (first.points[i] as number), `sensor ${i}: ${first.points[i]} -> ${n} points`),
    );
    assert.ok(
      second.pixels.some((n, i) => n !== first.pixels[i]),
      'the canvases did not change',
    );
    // The camera's picture is on the page (scaled to 480 px wide), and frames kept coming.
    assert.is(second.camera, 480);
    assert.ok(camera.frames >= 8, `${camera.frames} camera frames`);
    // The recognised action changed at least once (the log has an entry per change).
    assert.ok(second.log.length >= 2, JSON.stringify(second.log));
    assert.ok(new Set(predictions.map((p) => p.action)).size >= 2);
  } finally {
    await chrome.close();
    await ui.close();
    await camera.close();
    const log = await running;
    await new Promise((res) => setTimeout(res, 200));
    await session.stop();
    sim.stop();
    rmSync(dir, { recursive: true, force: true });
    // No sample lost: every sensor's counter ran without a jump to the last sample the simulator sent.
    const perSensor = log.samples / 4;
    for (const ring of r.rings.values()) {
      assert.is(ring.lost, 0, ring.sensorId);
      assert.is(ring.gaps, 0, ring.sensorId);
      assert.is(ring.firstCounter + ring.received, perSensor, ring.sensorId);
    }
    // Every 0.25 s from 2 s in: about 4 a second; the latency measured for each.
    assert.ok(predictions.length >= 12, `${predictions.length} windows`);
    const latency = r.latency.summary();
    assert.is(latency.count, predictions.length);
    assert.ok(latency.p50 > 0 && latency.p50 < 1000, JSON.stringify(latency));
    r.dispose();
  }
});

Page.run();
