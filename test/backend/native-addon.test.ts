import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../../src/core/random.ts';
import {
  NATIVE_ADDON_PATH,
  loadNativeAddon,
  parseThreadCount,
  type NativeAddon,
} from '../../src/backend/native/native-addon.ts';
import { isUserError } from '../../src/core/errors.ts';
import { relativeError } from '../helpers/tf-backends.ts';

/**
 * The native addon itself, against plain JavaScript arithmetic. Its kernels inside tfjs are
 * tested with the other WASM kernels (wasm-kernels, fast-lstm tests run once per kernel set).
 */
const status = loadNativeAddon();

const Loads = suite('native addon');
Loads('is built by the install step and loads (unless MOTIONFUSE_NATIVE=off)', () => {
  if (process.env['MOTIONFUSE_NATIVE'] === 'off') {
    assert.is(status.addon, undefined);
    return;
  }
  // A failed build falls back quietly at run time, so the test suite is where it must show.
  assert.ok(status.addon, `native addon not loaded: ${status.reason}`);
  const info = status.addon.info();
  assert.ok(info.threads >= 1 && info.hardwareThreads >= 1);
  assert.match(status.reason, new RegExp(`^${info.isa.replace('+', '\\+')}, \\d+ threads?$`));
});
Loads('MOTIONFUSE_THREADS accepts 0-256 and rejects anything else with a UserError', () => {
  assert.is(parseThreadCount(undefined), undefined);
  assert.is(parseThreadCount(''), undefined);
  assert.is(parseThreadCount('0'), 0);
  assert.is(parseThreadCount('3'), 3);
  for (const bad of ['-1', '2.5', 'four', '1000']) {
    try {
      parseThreadCount(bad);
      assert.unreachable(`accepted ${bad}`);
    } catch (err) {
      assert.ok(isUserError(err), `${bad}: ${String(err)}`);
      assert.match((err as Error).message, 'MOTIONFUSE_THREADS');
    }
  }
});
Loads.run();

function naiveMatMul(
  a: Float32Array,
  b: Float32Array,
  M: number,
  N: number,
  K: number,
  ta: boolean,
  tb: boolean,
): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++)
        s += (a[ta ? k * M + i : i * K + k] as number) * (b[tb ? j * K + k : k * N + j] as number);
      c[i * N + j] = s;
    }
  }
  return c;
}

const random = (rng: SeededRandom, n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

// MOTIONFUSE_NATIVE=off is the user's choice, not a failure: the addon's own tests then skip.
// (Without it, a missing addon fails the first test above.)
const nativeOff = process.env['MOTIONFUSE_NATIVE'] === 'off';
if (nativeOff) console.log('native addon tests: skipped (MOTIONFUSE_NATIVE=off)');

const MatMul = suite('native matMul');
const matMulTest = nativeOff ? MatMul.skip : MatMul;
const addon = status.addon as NativeAddon;
MatMul.before(() => {
  if (!nativeOff && status.addon === undefined) throw new Error(`native addon unavailable: ${status.reason}`);
});
matMulTest('equals the naive product for random shapes, transposes, batch broadcasting and accumulation', () => {
  const rng = new SeededRandom(81);
  for (let i = 0; i < 60; i++) {
    // Up to ~300: past the block sizes (256) and the threading threshold.
    const big = i % 4 === 0;
    const [M, N, K] = [rng.int(1, big ? 300 : 20), rng.int(1, big ? 300 : 40), rng.int(1, big ? 300 : 40)];
    const [ta, tb, accumulate] = [rng.bernoulli(0.5), rng.bernoulli(0.5), rng.bernoulli(0.3)];
    const batch = rng.int(1, 3);
    const [shareA, shareB] = [rng.bernoulli(0.3), rng.bernoulli(0.3)];
    const a = random(rng, (shareA ? 1 : batch) * M * K);
    const b = random(rng, (shareB ? 1 : batch) * K * N);
    const c0 = random(rng, batch * M * N);
    const c = Float32Array.from(c0);
    addon.matMul(a, b, c, batch, M, N, K, ta, tb, shareA ? 0 : M * K, shareB ? 0 : K * N, accumulate);
    for (let p = 0; p < batch; p++) {
      const want = naiveMatMul(a.subarray(shareA ? 0 : p * M * K), b.subarray(shareB ? 0 : p * K * N), M, N, K, ta, tb);
      if (accumulate)
        for (let q = 0; q < want.length; q++) want[q] = (want[q] as number) + (c0[p * M * N + q] as number);
      const err = relativeError(c.subarray(p * M * N, (p + 1) * M * N), want);
      assert.ok(
        err < 1e-5,
        `case ${i} [${M}x${K}]x[${K}x${N}] tA=${ta} tB=${tb} batch ${batch}/${p} acc=${accumulate}: ${err}`,
      );
    }
  }
});
matMulTest('gives bit-identical results on one thread and on several', () => {
  const rng = new SeededRandom(82);
  const [M, N, K] = [150, 230, 270];
  const a = random(rng, M * K);
  const b = random(rng, K * N);
  const threads = addon.info().threads;
  const results = [1, Math.max(2, threads)].map((n) => {
    addon.setThreads(n);
    const c = new Float32Array(M * N);
    addon.matMul(a, b, c, 1, M, N, K, false, true, 0, 0, false);
    return c;
  });
  addon.setThreads(threads);
  assert.equal(results[0], results[1]);
});
matMulTest('checks its arguments before touching memory', () => {
  const a = new Float32Array(6);
  const b = new Float32Array(6);
  assert.throws(
    () => addon.matMul(a, b, new Float32Array(3), 1, 2, 2, 3, false, false, 6, 6, false),
    /matMul: c holds 3 floats, needs 4/,
  );
  assert.throws(
    () => addon.matMul(a, b, new Float32Array(8), 2, 2, 2, 3, false, false, 6, 6, false),
    /matMul: a holds 6 floats, needs 12/,
  );
  assert.throws(
    () =>
      addon.matMul(
        new Float64Array(6) as unknown as Float32Array,
        b,
        new Float32Array(4),
        1,
        2,
        2,
        3,
        false,
        false,
        0,
        0,
        false,
      ),
    /a must be a Float32Array/,
  );
  assert.throws(() => addon.lstmForward(a, a, a, a, a, a, a, a, 1, 1, 1, 0), /H must be at least 1/);
});
MatMul.run();

const Isa = suite('native kernels, baseline ISA');
const isaTest = nativeOff ? Isa.skip : Isa;
isaTest(
  'MOTIONFUSE_NATIVE_ISA=generic (and avx2) compute the same products, LSTM steps and activations as the default set',
  () => {
    if (status.addon === undefined) throw new Error(`native addon unavailable: ${status.reason}`);
    // The ISA is chosen once per process, so the baseline set runs in a child.
    const script = `
    const n = require(${JSON.stringify(NATIVE_ADDON_PATH)});
    let s = 1; const r = (len) => Float32Array.from({ length: len }, () => ((s = (s * 48271) % 2147483647) / 2147483647) - 0.5);
    const [B, T, I, H] = [5, 7, 11, 13], G = 4 * H;
    const a = r(70 * 90), b = r(90 * 50), c = new Float32Array(70 * 50);
    n.matMul(a, b, c, 1, 70, 50, 90, false, true, 0, 0, false);
    const x = r(B * T * I), W = r(I * G), U = r(H * G), bias = r(G);
    const h = new Float32Array(B * T * H), cs = new Float32Array(T * B * H), tc = new Float32Array(T * B * H), g = new Float32Array(T * B * G);
    n.lstmForward(x, W, U, bias, h, cs, tc, g, B, T, I, H);
    const dy = r(B * T * H), dx = new Float32Array(B * T * I), dW = new Float32Array(I * G), dU = new Float32Array(H * G), db = new Float32Array(G);
    n.lstmBackward(dy, x, W, U, h, cs, tc, g, dx, dW, dU, db, B, T, I, H);
    const v = r(1003).map((e) => e * 20), th = new Float32Array(1003), sg = new Float32Array(1003);
    n.activation(0, v, th, 1003);
    n.activation(1, v, sg, 1003);
    process.stdout.write(JSON.stringify({ isa: n.info().isa, out: [c, h, dx, dW, dU, db, th, sg].map((v) => Array.from(v)) }));`;
    const run = (env: Record<string, string>) =>
      JSON.parse(
        execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' }),
      ) as { isa: string; out: number[][] };
    const generic = run({ MOTIONFUSE_NATIVE_ISA: 'generic' });
    const chosen = run({});
    assert.is(generic.isa, 'generic');
    assert.is(chosen.isa, status.addon.info().isa);
    generic.out.forEach((v, i) => {
      const err = relativeError(v, chosen.out[i] as number[]);
      assert.ok(err < 1e-5, `output ${i}: ${err}`);
      assert.ok(
        v.some((e) => e !== 0),
        `output ${i} is all zeros`,
      );
    });
    // AVX-512 and AVX2 sets sum every element in the same order with the same fused multiply-adds
    // (only the tile's height differs), so where the CPU has AVX-512 the two agree exactly.
    if (chosen.isa === 'avx512') {
      const avx2 = run({ MOTIONFUSE_NATIVE_ISA: 'avx2' });
      assert.is(avx2.isa, 'avx2+fma');
      avx2.out.forEach((v, i) => assert.equal(v, chosen.out[i], `output ${i} differs between avx2 and avx512`));
    }
  },
);
Isa.run();

const Build = suite('native build (the install step)');
const nativeDir = fileURLToPath(new URL('../../src/backend/native/', import.meta.url));
function copyOfNativeSources(): string {
  const dir = mkdtempSync(join(tmpdir(), 'motionfuse-native-'));
  for (const name of ['cc', 'binding.gyp', 'build-native.mjs'])
    cpSync(join(nativeDir, name), join(dir, name), { recursive: true });
  return dir;
}
Build('builds a working addon from the sources, and a failed build leaves the install working', () => {
  const dir = copyOfNativeSources();
  try {
    const { MOTIONFUSE_NATIVE: _off, ...buildEnv } = process.env;
    const built = spawnSync(process.execPath, [join(dir, 'build-native.mjs')], { encoding: 'utf8', env: buildEnv });
    assert.is(built.status, 0, built.stderr);
    assert.match(built.stderr, /native kernels built in [\d.]+ s \(.+, \d+ threads?\)/);
    assert.ok(existsSync(join(dir, 'build', 'Release', 'motionfuse_native.node')));

    // No working compiler: the install step still exits 0, says why, and leaves no addon behind.
    const env = { ...buildEnv, CXX: 'false', CC: 'false' };
    const failed = spawnSync(process.execPath, [join(dir, 'build-native.mjs')], { encoding: 'utf8', env });
    assert.is(failed.status, 0);
    assert.match(failed.stderr, /native kernels not built \(node-gyp exited 1\); the WASM kernels will be used/);
    assert.not.ok(existsSync(join(dir, 'build', 'Release', 'motionfuse_native.node')));
    // `npm run build:native` (strict) reports the same failure with exit 1.
    const strict = spawnSync(process.execPath, [join(dir, 'build-native.mjs'), '--strict'], { encoding: 'utf8', env });
    assert.is(strict.status, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
Build.run();
