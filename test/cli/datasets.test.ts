import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetEntries, datasetNames } from '../../src/data/dataset-registry.ts';
import { startFileServer, type FileServer } from '../helpers/file-server.ts';
import { makeZip, type ZipEntrySpec } from '../helpers/make-zip.ts';
import { motionfuse, motionfuseInProcess, PROJECT_ROOT } from '../helpers/run-cli.ts';

/**
 * `motionfuse datasets list | info | verify | fetch` run as a user runs them. verify reads the
 * UTD-MHAD sample and real clips in ../shared/data (skipped, saying so, when absent); fetch
 * downloads from a local HTTP server started here (MOTIONFUSE_FETCH_BASE_URL points the
 * data sets' addresses at it), into temporary folders.
 */
const SHARED = fileURLToPath(new URL('../../../shared/data', import.meta.url));
const UTD = join(SHARED, 'utd-mhad-sample');
const VIDEO = join(SHARED, 'video');
const haveUtd = existsSync(join(UTD, 'Inertial'));
const haveVideo = existsSync(join(VIDEO, 'tests_data_test.avi'));
if (!haveUtd) console.log(`datasets CLI tests: UTD-MHAD verify skipped (${UTD} is absent)`);
if (!haveVideo) console.log(`datasets CLI tests: video-folder verify skipped (${VIDEO} is absent)`);

const bin = join(PROJECT_ROOT, 'src', 'cli', 'motionfuse.js');

/** The real command in a child process, not blocking this one (a test server answers it meanwhile). */
function motionfuseAsync(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        MOTIONFUSE_BACKEND: undefined,
        MOTIONFUSE_PROGRESS: 'off',
        MOTIONFUSE_FETCH_BASE_URL: undefined,
        ...env,
      },
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let tmp = '';
const setUp = () => {
  tmp = mkdtempSync(join(tmpdir(), 'motionfuse-datasets-'));
};
const tearDown = () => rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
const ListInfo = suite('motionfuse datasets list / info');

ListInfo('list names every data set with generated, downloadable or user-supplied', () => {
  const r = motionfuse(['datasets', 'list']);
  assert.is(r.code, 0, r.stderr);
  for (const entry of datasetEntries())
    assert.match(r.stdout, new RegExp(`^${entry.name}\\s+${entry.acquisition}\\s+\\S`, 'm'));
});

// In-process from here on where a command only reads the registry or checks options: a process each adds nothing.
ListInfo('info shows the registry entry, the options from the schema, the layout and the snippet', async () => {
  const r = await motionfuseInProcess(['datasets', 'info', 'utd-mhad']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'homepage:  https://personal.utdallas.edu/~kehtar/UTD-MHAD.html');
  assert.match(r.stdout, /citation: +C\. Chen, R\. Jafari, N\. Kehtarnavaz/);
  assert.match(r.stdout, /https:\/\/www\.utdallas\.edu\/~kehtar\/UTD-MAD\/Inertial\.zip\n\s+checksum: none published/);
  assert.match(
    r.stdout,
    /^\s+root\s+string\s+required\s+the UTD-MHAD folder holding Inertial\/, Skeleton\/ and Depth\/$/m,
  );
  assert.match(
    r.stdout,
    /^\s+modalities\s+list of one of inertial, skeleton, depth\s+\["inertial","skeleton","depth"\]\s+which of/m,
  );
  assert.match(r.stdout, /<root>\/Inertial\/a\{action\}_s\{subject\}_t\{take\}_inertial\.mat/);
  assert.match(r.stdout, 'in an experiment file:\n  dataset:\n    name: utd-mhad\n    root: datasets/utd-mhad/data\n');
  const rar = await motionfuseInProcess(['datasets', 'info', 'hmdb51']);
  assert.match(rar.stdout, /unpack \(in the download folder\):\n\s+mkdir -p videos && unrar x hmdb51_org\.rar/);
});

ListInfo('an unknown name exits 2 listing the known ones', async () => {
  const r = await motionfuseInProcess(['datasets', 'info', 'ucf-101']);
  assert.is(r.code, 2);
  assert.match(r.stderr, "error: unknown data set 'ucf-101'");
  assert.match(r.stderr, `known data sets: ${datasetNames().join(', ')}`);
});
ListInfo.run();

// ---------------------------------------------------------------------------------------------
const Verify = suite('motionfuse datasets verify');
Verify.before(setUp);
Verify.after(tearDown);

(haveUtd ? Verify : Verify.skip)('opens all 215 trials of the UTD-MHAD sample in 27 classes: exit 0', () => {
  const r = motionfuse(['datasets', 'verify', 'utd-mhad', '--root', UTD]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `utd-mhad: 215 samples listed in 27 classes under ${UTD}`);
  assert.match(r.stdout, /^swipe_left\s+8\s+8$/m);
  assert.match(r.stdout, /missing: none\nunreadable: none\n\nall 215 samples are readable\n$/);
});

(haveUtd ? Verify : Verify.skip)('--quick lists only; --json gives the report as data; --set passes options', () => {
  const r = motionfuse([
    'datasets',
    'verify',
    'utd-mhad',
    '--root',
    UTD,
    '--quick',
    '--json',
    '--set',
    'subjects=[2]',
    '--set',
    'modalities=[inertial]',
  ]);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    listed: number;
    opened: boolean;
    classes: { name: string; listed: number; readable?: number }[];
    options: { subjects: number[] };
  };
  assert.is(report.opened, false);
  assert.equal(report.options.subjects, [2]);
  assert.is(report.classes.length, 27);
  assert.is(
    report.classes.reduce((n, c) => n + c.listed, 0),
    report.listed,
  );
  assert.ok(report.listed > 100 && report.listed <= 108, String(report.listed));
  assert.ok(report.classes.every((c) => c.readable === undefined));
});

Verify('a trial lacking a modality is reported missing: exit 1', () => {
  if (!haveUtd) return;
  const root = join(tmp, 'utd-incomplete');
  for (const m of ['Inertial', 'Skeleton']) mkdirSync(join(root, m), { recursive: true });
  copyFileSync(join(UTD, 'Inertial', 'a1_s1_t1_inertial.mat'), join(root, 'Inertial', 'a1_s1_t1_inertial.mat'));
  copyFileSync(join(UTD, 'Skeleton', 'a1_s1_t1_skeleton.mat'), join(root, 'Skeleton', 'a1_s1_t1_skeleton.mat'));
  copyFileSync(join(UTD, 'Inertial', 'a1_s1_t2_inertial.mat'), join(root, 'Inertial', 'a1_s1_t2_inertial.mat'));
  const r = motionfuse(['datasets', 'verify', 'utd-mhad', '--root', root, '--set', 'modalities=[inertial, skeleton]']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, 'missing (1):\n  a1_s1_t2: no skeleton file\n');
  assert.match(r.stdout, '1 of 1 samples readable, 1 missing, 0 unreadable');
});

(haveVideo ? Verify : Verify.skip)(
  'a video folder with a truncated clip: exit 1, the clip named with the reason',
  () => {
    const root = join(tmp, 'clips');
    mkdirSync(join(root, 'arm_wrestling'), { recursive: true });
    mkdirSync(join(root, 'test_clips'), { recursive: true });
    copyFileSync(join(VIDEO, 'tests_data_test.avi'), join(root, 'test_clips', 'avi_clip.avi'));
    copyFileSync(join(VIDEO, 'tests_data_rawvideo_dataset_part_0.mp4'), join(root, 'test_clips', 'mp4_clip.mp4'));
    copyFileSync(join(VIDEO, 'demo_demo.mp4'), join(root, 'arm_wrestling', 'demo.mp4'));
    // The first 100 kB of an MP4 whose index (moov) comes later: no decoder can open it.
    const whole = readFileSync(join(VIDEO, 'tests_data_test.mp4'));
    writeFileSync(join(root, 'arm_wrestling', 'cut.mp4'), whole.subarray(0, 100_000));
    const r = motionfuse([
      'datasets',
      'verify',
      'video-folder',
      '--root',
      root,
      '--set',
      'size=32',
      '--set',
      'frames=8',
    ]);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stdout, 'video-folder: 4 samples listed in 2 classes');
    assert.match(r.stdout, /^arm_wrestling\s+2\s+1$/m);
    assert.match(r.stdout, /^test_clips\s+2\s+2$/m);
    assert.match(r.stdout, `unreadable (1):\n  arm_wrestling/cut: `);
    assert.match(r.stdout, join(root, 'arm_wrestling', 'cut.mp4'));
    assert.match(r.stdout, '3 of 4 samples readable, 0 missing, 1 unreadable');
  },
);

Verify('no --root, or a bad option, exits 2 naming what is wrong', async () => {
  const noRoot = await motionfuseInProcess(['datasets', 'verify', 'ucf101']);
  assert.is(noRoot.code, 2);
  assert.match(noRoot.stderr, 'datasets verify ucf101 needs --root DIR');
  const bad = await motionfuseInProcess([
    'datasets',
    'verify',
    'video-folder',
    '--root',
    tmp,
    '--set',
    'size=8',
    '--set',
    'colour=true',
  ]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /video-folder data set: .*unknown option colour/);
  assert.match(bad.stderr, /size: Too small/);
  const gone = await motionfuseInProcess(['datasets', 'verify', 'ucf101', '--root', join(tmp, 'nowhere')]);
  assert.is(gone.code, 2);
  assert.match(gone.stderr, `root: no such folder: ${join(tmp, 'nowhere')}`);
});
Verify.run();

// ---------------------------------------------------------------------------------------------
const Fetch = suite('motionfuse datasets fetch');
let server: FileServer;

/** UTD-MHAD-like archives: real trials from the sample where it is there, else stand-in bytes. */
function utdZip(folder: 'Inertial' | 'Skeleton' | 'Depth'): Buffer {
  const entries: ZipEntrySpec[] = [{ name: `${folder}/`, kind: 'folder' }];
  for (const trial of ['a1_s1_t1', 'a2_s1_t1']) {
    const name = `${trial}_${folder.toLowerCase()}.mat`;
    entries.push({
      name: `${folder}/${name}`,
      data: haveUtd ? readFileSync(join(UTD, folder, name)) : `stand-in for ${name}`,
    });
  }
  return makeZip(entries);
}

Fetch.before(async () => {
  setUp();
  const depth = utdZip('Depth');
  server = await startFileServer({
    'Inertial.zip': { body: utdZip('Inertial') },
    'Skeleton.zip': { body: utdZip('Skeleton') },
    // The largest file drops its connection once part-way: fetch resumes it.
    'Depth.zip': { body: depth, cutAfter: Math.floor(depth.length / 3) },
    'UCF101TrainTestSplits-RecognitionTask.zip': {
      body: makeZip([{ name: 'ucfTrainTestlist/classInd.txt', data: '1 ApplyEyeMakeup\r\n' }]),
    },
    'UCF101.rar': { body: Buffer.from('Rar!\x1a\x07\x00 stand-in', 'latin1') },
  });
});
Fetch.after(async () => {
  await server.close();
  tearDown();
});

Fetch(
  'downloads the data set files from MOTIONFUSE_FETCH_BASE_URL, resumes a dropped one, unpacks the zips',
  async () => {
    const to = join(tmp, 'utd');
    const r = await motionfuseAsync(['datasets', 'fetch', 'utd-mhad', '--to', to], {
      MOTIONFUSE_FETCH_BASE_URL: `${server.url}/`,
    });
    assert.is(r.code, 0, r.stderr);
    const depth = server.requests.filter((q) => q.path === 'Depth.zip').map((q) => q.range);
    assert.is(depth.length, 2);
    assert.match(depth[1] ?? '', /^bytes=\d+-$/);
    assert.match(r.stdout, new RegExp(`downloaded ${server.url}/Depth\\.zip -> ${to}/Depth\\.zip \\(\\d+ bytes\\)`));
    assert.not.ok(
      server.requests.some((q) => q.path === 'RGB.zip'),
      'the optional RGB.zip is not fetched',
    );
    for (const m of ['Inertial', 'Skeleton', 'Depth']) {
      assert.equal(readdirSync(join(to, m)).sort(), [
        `a1_s1_t1_${m.toLowerCase()}.mat`,
        `a2_s1_t1_${m.toLowerCase()}.mat`,
      ]);
      assert.match(r.stdout, `unpacked ${join(to, `${m}.zip`)} -> ${to} (2 files,`);
    }
    assert.equal(
      readdirSync(to).filter((f) => f.endsWith('.part')),
      [],
    );
    assert.match(r.stdout, 'in an experiment file (paths for the default folder');
    assert.match(r.stdout, 'name: utd-mhad');

    const again = await motionfuseAsync(['datasets', 'fetch', 'utd-mhad', '--to', to], {
      MOTIONFUSE_FETCH_BASE_URL: server.url,
    });
    assert.is(again.code, 0, again.stderr);
    assert.match(again.stdout, `already downloaded: ${join(to, 'Inertial.zip')}`);
    assert.match(again.stdout, `already unpacked: ${join(to, 'Inertial.zip')}`);

    if (haveUtd) {
      const v = motionfuse(['datasets', 'verify', 'utd-mhad', '--root', to]);
      assert.is(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, 'all 2 samples are readable');
    }
  },
);

Fetch('--base-url wins; rar archives are downloaded and the user told how to unpack them', async () => {
  const to = join(tmp, 'ucf');
  const r = await motionfuseAsync(['datasets', 'fetch', 'ucf101', '--to', to, '--base-url', server.url], {
    MOTIONFUSE_FETCH_BASE_URL: 'http://127.0.0.1:9/not-this-one',
  });
  assert.is(r.code, 0, r.stderr);
  assert.ok(existsSync(join(to, 'UCF101.rar')));
  assert.is(readFileSync(join(to, 'ucfTrainTestlist', 'classInd.txt'), 'utf8'), '1 ApplyEyeMakeup\r\n');
  assert.match(r.stdout, 'UCF101.rar is a rar archive, which motionfuse does not unpack');
  assert.match(r.stdout, `  cd ${to}\n  unrar x UCF101.rar`);
  assert.match(r.stdout, '7z x UCF101.rar');
});

Fetch('an address the server does not have is named with the HTTP status: exit 2', async () => {
  const r = await motionfuseAsync([
    'datasets',
    'fetch',
    'ucf101',
    '--to',
    join(tmp, 'none'),
    '--only',
    'UCF101TrainTestSplits-RecognitionTask.zip',
    '--base-url',
    `${server.url}/elsewhere`,
  ]);
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    `error: download of ${server.url}/elsewhere/UCF101TrainTestSplits-RecognitionTask.zip failed: HTTP 404 Not Found`,
  );
});

Fetch('an archive with an entry leaving the folder is refused by name: exit 2, nothing written outside', async () => {
  const to = join(tmp, 'evil', 'data');
  const hostile = await startFileServer({
    'UCF101TrainTestSplits-RecognitionTask.zip': {
      body: makeZip([
        { name: 'ok.txt', data: 'fine' },
        { name: '../outside.txt', data: 'escaped' },
      ]),
    },
  });
  try {
    const r = await motionfuseAsync([
      'datasets',
      'fetch',
      'ucf101',
      '--to',
      to,
      '--only',
      'UCF101TrainTestSplits-RecognitionTask.zip',
      '--base-url',
      hostile.url,
    ]);
    assert.is(r.code, 2, r.stdout);
    assert.match(
      r.stderr,
      "refusing zip entry '../outside.txt': its path leaves the target folder; nothing was extracted",
    );
    assert.not.ok(existsSync(join(tmp, 'evil', 'outside.txt')));
    assert.not.ok(existsSync(join(to, 'ok.txt')));
  } finally {
    await hostile.close();
  }
});

Fetch('a data set that cannot be downloaded says how to get it: exit 2', async () => {
  const r = await motionfuseAsync(['datasets', 'fetch', 'kinetics400', '--to', join(tmp, 'k400')]);
  assert.is(r.code, 2);
  assert.match(r.stdout, 'kinetics400 (Kinetics-400) is user-supplied: motionfuse cannot download it.');
  assert.match(r.stdout, 'https://s3.amazonaws.com/kinetics/400/annotations/train.csv');
  assert.match(r.stderr, 'error: kinetics400 cannot be fetched');
  assert.not.ok(existsSync(join(tmp, 'k400')));
  const synthetic = await motionfuseAsync(['datasets', 'fetch', 'synthetic']);
  assert.is(synthetic.code, 2);
  assert.match(synthetic.stdout, 'motionfuse simulate --out datasets/synthetic/data');
});
Fetch.run();
