#include "gemm.h"

#include <algorithm>

#include "simd.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {

// Block sizes: a KC x NC block of B (256 KiB) stays in L2, an MC x KC block of A in L1/L2.
constexpr int KC = kGemmKC;
constexpr int NC = 256;
constexpr int MC = 96;  // a multiple of every set's mr (6, 16)
// Below this many multiply-adds (~40-90 us of work) a product runs on the calling thread. Waking
// the pool costs only microseconds, but a worker that then spins between jobs competes with V8's
// own threads for the cores, which showed as a 2x worse p99 latency at batch-1 inference, whose
// products (1e5-2e6 multiply-adds) gain little from a second thread.
constexpr double kParallelMinMacs = 4e6;

struct Scratch {
  AlignedFloats a;
  AlignedFloats b;
};
thread_local Scratch scratch;

// Rows [i0, i0 + mr) x columns [k0, k0 + kc) of A as [kc][MR], zero rows past mr. MR a constant:
// with the tile's height known the compiler unrolls the gather (a runtime MR cost 10-25% of small-K
// products such as the first convolution's).
template <int MR>
void pack_a_rows(MatrixRef A, int i0, int mr, int k0, int kc, float* out) {
  if (mr == MR) {
    if (A.trans) {
      for (int k = 0; k < kc; k++) {
        const float* a = A.data + static_cast<size_t>(k0 + k) * A.ld + i0;
        for (int r = 0; r < MR; r++) out[k * MR + r] = a[r];
      }
    } else {
      for (int k = 0; k < kc; k++) {
        const float* a = A.data + static_cast<size_t>(i0) * A.ld + k0 + k;
        for (int r = 0; r < MR; r++) out[k * MR + r] = a[static_cast<size_t>(r) * A.ld];
      }
    }
    return;
  }
  for (int k = 0; k < kc; k++) {
    float* o = out + k * MR;
    int r = 0;
    for (; r < mr; r++) o[r] = A.at(i0 + r, k0 + k);
    for (; r < MR; r++) o[r] = 0.0f;
  }
}

void pack_a(MatrixRef A, int MR, int i0, int mr, int k0, int kc, float* out) {
  switch (MR) {
    case 6: pack_a_rows<6>(A, i0, mr, k0, kc, out); break;
    case 16: pack_a_rows<16>(A, i0, mr, k0, kc, out); break;
    default:
      for (int k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) out[k * MR + r] = r < mr ? A.at(i0 + r, k0 + k) : 0.0f;
      }
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
  const int MR = simd_set.mr;
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
        for (int ip = 0; ip < mc; ip += MR) pack_a(A, MR, i0 + ip, std::min(MR, mc - ip), k0, kc, s.a.data() + ip * kc);
        for (int jp = 0; jp < nc; jp += kNR) {
          const int nr = std::min(kNR, nc - jp);
          for (int ip = 0; ip < mc; ip += MR) {
            simd_set.micro_kernel(kc, s.a.data() + ip * kc, s.b.data() + jp * kc, C + (i0 + ip) * ldc + j0 + jp, ldc,
                                  std::min(MR, mc - ip), nr, acc);
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
  const int MR = simd().mr;
  const int tiles_m = ceil_div(M, MR);
  const int tiles_n = ceil_div(N, kNR);
  const bool split_m = tiles_m >= tiles_n || tiles_n < threads;
  const int tiles = split_m ? tiles_m : tiles_n;
  const int parts = std::min(threads, tiles);
  p.run(parts, [&](int part) {
    const int t0 = tiles * part / parts;
    const int t1 = tiles * (part + 1) / parts;
    if (split_m) {
      const int i0 = t0 * MR;
      const int i1 = std::min(M, t1 * MR);
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
  const int MR = simd_set.mr;
  Scratch& s = scratch;
  const int K = B.K;
  s.a.resize(std::max(s.a.size(), static_cast<size_t>(MR) * K));
  const int panels = ceil_div(B.N, kNR);
  for (int i0 = 0; i0 < M; i0 += MR) {
    const int mr = std::min(MR, M - i0);
    pack_a(A, MR, i0, mr, 0, K, s.a.data());
    for (int p = 0; p < panels; p++) {
      simd_set.micro_kernel(K, s.a.data(), B.panels.data() + static_cast<size_t>(p) * K * kNR, C + i0 * ldc + p * kNR, ldc,
                            mr, std::min(kNR, B.N - p * kNR), accumulate);
    }
  }
}

}  // namespace motionfuse
