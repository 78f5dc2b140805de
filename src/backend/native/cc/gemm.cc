#include "gemm.h"

#include <algorithm>

#include "simd.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {

// Block sizes: a KC x NC block of B (256 KiB) stays in L2, an MC x KC block of A in L1/L2.
constexpr int KC = 256;
constexpr int NC = 256;
constexpr int MC = 96;  // a multiple of kMR
// Below this many multiply-adds (~40-90 us of work) a product runs on the calling thread. Waking
// the pool costs only microseconds, but a worker that then spins between jobs competes with V8's
// own threads for the cores, which showed as a 2x worse p99 latency at batch-1 inference, whose
// products (1e5-2e6 multiply-adds) gain little from a second thread.
constexpr double kParallelMinMacs = 4e6;

struct Scratch {
  std::vector<float> a;
  std::vector<float> b;
};
thread_local Scratch scratch;

// Rows [i0, i0 + mr) x columns [k0, k0 + kc) of A as [kc][kMR], zero rows past mr.
void pack_a(MatrixRef A, int i0, int mr, int k0, int kc, float* out) {
  for (int k = 0; k < kc; k++) {
    float* o = out + k * kMR;
    int r = 0;
    for (; r < mr; r++) o[r] = A.at(i0 + r, k0 + k);
    for (; r < kMR; r++) o[r] = 0.0f;
  }
}

// Rows [k0, k0 + kc) x columns [j0, j0 + nr) of B as [kc][kNR], zero columns past nr.
void pack_b_panel(MatrixRef B, int k0, int kc, int j0, int nr, float* out) {
  if (!B.trans && nr == kNR) {
    for (int k = 0; k < kc; k++) std::copy_n(B.data + (k0 + k) * B.ld + j0, kNR, out + k * kNR);
    return;
  }
  for (int k = 0; k < kc; k++) {
    float* o = out + k * kNR;
    int j = 0;
    for (; j < nr; j++) o[j] = B.at(k0 + k, j0 + j);
    for (; j < kNR; j++) o[j] = 0.0f;
  }
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }

}  // namespace

void gemm_serial(int M, int N, int K, MatrixRef A, MatrixRef B, float* C, int ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) for (int i = 0; i < M; i++) std::fill_n(C + i * ldc, N, 0.0f);
    return;
  }
  const SimdKernels& simd_set = simd();
  Scratch& s = scratch;
  s.a.resize(static_cast<size_t>(MC) * KC);
  s.b.resize(static_cast<size_t>(KC) * NC);
  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = std::min(NC, N - j0);
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kc = std::min(KC, K - k0);
      const bool acc = accumulate || k0 > 0;
      for (int jp = 0; jp < nc; jp += kNR) pack_b_panel(B, k0, kc, j0 + jp, std::min(kNR, nc - jp), s.b.data() + jp * kc);
      for (int i0 = 0; i0 < M; i0 += MC) {
        const int mc = std::min(MC, M - i0);
        for (int ip = 0; ip < mc; ip += kMR) pack_a(A, i0 + ip, std::min(kMR, mc - ip), k0, kc, s.a.data() + ip * kc);
        for (int jp = 0; jp < nc; jp += kNR) {
          const int nr = std::min(kNR, nc - jp);
          for (int ip = 0; ip < mc; ip += kMR) {
            simd_set.micro_kernel(kc, s.a.data() + ip * kc, s.b.data() + jp * kc, C + (i0 + ip) * ldc + j0 + jp, ldc,
                                  std::min(kMR, mc - ip), nr, acc);
          }
        }
      }
    }
  }
}

void gemm(int M, int N, int K, MatrixRef A, MatrixRef B, float* C, int ldc, bool accumulate) {
  ThreadPool& p = pool();
  const int threads = p.size();
  const double macs = static_cast<double>(M) * N * K;
  if (threads == 1 || macs < kParallelMinMacs) {
    gemm_serial(M, N, K, A, B, C, ldc, accumulate);
    return;
  }
  // Split the dimension with more micro-tiles into one contiguous range per thread.
  const int tiles_m = ceil_div(M, kMR);
  const int tiles_n = ceil_div(N, kNR);
  const bool split_m = tiles_m >= tiles_n || tiles_n < threads;
  const int tiles = split_m ? tiles_m : tiles_n;
  const int parts = std::min(threads, tiles);
  p.run(parts, [&](int part) {
    const int t0 = tiles * part / parts;
    const int t1 = tiles * (part + 1) / parts;
    if (split_m) {
      const int i0 = t0 * kMR;
      const int i1 = std::min(M, t1 * kMR);
      gemm_serial(i1 - i0, N, K, A.offset(i0, 0), B, C + i0 * ldc, ldc, accumulate);
    } else {
      const int j0 = t0 * kNR;
      const int j1 = std::min(N, t1 * kNR);
      gemm_serial(M, j1 - j0, K, A, B.offset(0, j0), C + j0, ldc, accumulate);
    }
  });
}

PackedB pack_b(int K, int N, MatrixRef B) {
  PackedB packed;
  packed.K = K;
  packed.N = N;
  const int panels = ceil_div(N, kNR);
  packed.panels.resize(static_cast<size_t>(panels) * K * kNR);
  for (int p = 0; p < panels; p++) {
    pack_b_panel(B, 0, K, p * kNR, std::min(kNR, N - p * kNR), packed.panels.data() + static_cast<size_t>(p) * K * kNR);
  }
  return packed;
}

void gemm_packed(int M, MatrixRef A, const PackedB& B, float* C, int ldc, bool accumulate) {
  const SimdKernels& simd_set = simd();
  Scratch& s = scratch;
  const int K = B.K;
  s.a.resize(std::max(s.a.size(), static_cast<size_t>(kMR) * K));
  const int panels = ceil_div(B.N, kNR);
  for (int i0 = 0; i0 < M; i0 += kMR) {
    const int mr = std::min(kMR, M - i0);
    pack_a(A, i0, mr, 0, K, s.a.data());
    for (int p = 0; p < panels; p++) {
      simd_set.micro_kernel(K, s.a.data(), B.panels.data() + static_cast<size_t>(p) * K * kNR, C + i0 * ldc + p * kNR, ldc,
                            mr, std::min(kNR, B.N - p * kNR), accumulate);
    }
  }
}

}  // namespace motionfuse
