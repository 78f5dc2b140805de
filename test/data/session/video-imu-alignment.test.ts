import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImuStream, VideoStream } from '../../../src/core/stream.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTake } from '../../../src/data/synthetic/synthetic-take.ts';
import { readSession } from '../../../src/data/session/read-session.ts';
import { alignVideoToImu } from '../../../src/data/session/video-imu-alignment.ts';
import {
  IMU_CHANNEL_LABELS,
  SESSION_FILES,
  SESSION_FORMAT,
  SESSION_STREAMS,
  type SessionFile,
} from '../../../src/formats/session/session-layout.ts';
import { XdfWriter } from '../../../src/formats/xdf/xdf-writer.ts';
import { locateFfmpeg } from '../../../src/video/ffmpeg-binary.ts';
import { writeLosslessVideo } from '../../../src/video/lossless-video.ts';

/**
 * `session info`'s camera-IMU offset, end to end: a synthetic athlete's jump written as a
 * session (the pelvis IMU on its own device clock with its ClockOffset chunks, the camera's
 * frames in video.mkv stamped 0.3 s late), read back, decoded, and aligned.
 */
const Align = suite('alignVideoToImu');

const H0 = 1000;
const SHIFT = 0.3;

Align('finds the camera 0.3 s late against the pelvis IMU, within one frame, through the session files', async () => {
  const options = { ...SYNTHETIC_DEFAULTS, duration: 3, size: 64, placements: ['pelvis' as const], pose: false };
  const subject = generateSubject({ ...options, blur: 0, occlusion: 0, packetLoss: 0, sensorOutage: 0 }, 0);
  const take = generateTake({ ...options, blur: 0, occlusion: 0, packetLoss: 0, sensorOutage: 0 }, subject, 'jump', 0);
  const video = take.streams.find((s): s is VideoStream => s.kind === 'video')!;
  const pelvis = take.streams.find((s): s is ImuStream => s.kind === 'imu')!;
  const device = subject.devices[0]!;
  // The IMU's stamps are its device clock: camera time = (device - offset) / (1 + drift).
  const cameraTime = (d: number) => (d - device.clockOffset) / (1 + device.clockDrift);
  const dir = await mkdtemp(join(tmpdir(), 'motionfuse-align-'));
  try {
    const xdf = await XdfWriter.open(join(dir, SESSION_FILES.xdf));
    const imu = xdf.addStream({
      name: 'sim#2',
      type: SESSION_STREAMS.imuType,
      channelCount: 6,
      nominalSrate: 100,
      channelFormat: 'float32',
      desc: { placement: 'pelvis', channels: { channel: IMU_CHANNEL_LABELS.map((c) => ({ ...c })) } },
    });
    xdf.writeSamples(imu, pelvis.t, pelvis.data);
    // Host = camera time + H0, so host - device at device time d is cameraTime(d) + H0 - d.
    for (const d of [pelvis.t[0]!, pelvis.t[pelvis.t.length - 1]!])
      xdf.writeClockOffset(imu, d, cameraTime(d) + H0 - d);
    const frames = xdf.addStream({
      ...SESSION_STREAMS.video,
      channelCount: 1,
      nominalSrate: 30,
      channelFormat: 'int32',
      desc: { file: SESSION_FILES.video, width: 64, height: 64, source: 'test' },
    });
    xdf.writeSamples(
      frames,
      video.t.map((t) => H0 + t + SHIFT),
      Int32Array.from(video.t, (_, i) => i),
    );
    await xdf.close();
    const ffmpeg = (await locateFfmpeg()).path;
    await writeLosslessVideo(ffmpeg, join(dir, SESSION_FILES.video), video.decoded!, 30);
    const session: SessionFile = {
      format: SESSION_FORMAT,
      id: 'align',
      startedAt: '2026-12-03T10:00:00.000Z',
      startedHostTime: H0,
      sensors: [{ streamName: 'sim#2', sensorId: 'sim#2', spec: 'serial:sim', placement: 'pelvis' }],
      video: { file: SESSION_FILES.video, source: 'test', streamName: 'video' },
      stoppedAt: '2026-12-03T10:00:03.000Z',
    };
    await writeFile(join(dir, SESSION_FILES.session), JSON.stringify(session));

    const r = await alignVideoToImu(await readSession(dir), ffmpeg);
    assert.ok(r !== null);
    assert.is(r.placement, 'pelvis');
    assert.ok(Math.abs(r.offset + SHIFT) < 1 / 30, `offset ${r.offset}`);
    assert.ok(r.confidence > 0.2, `confidence ${r.confidence}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Align.run();
