// Kernels written once with GCC/Clang vector extensions (simd-kernels.inc) and compiled twice:
// for AVX2 + FMA and for the baseline ISA. The set is chosen once, at load, by the CPU's features.
#pragma once

namespace motionfuse {

// Micro-kernel tile: MR rows of A by NR columns of B.
constexpr int kMR = 6;
constexpr int kNR = 16;

struct SimdKernels {
  const char* isa;
  // C[mr x nr] (+)= Ap . Bp over K, where Ap is packed [K][kMR] (row r of the tile at Ap[k*kMR + r])
  // and Bp is packed [K][kNR]; padding rows/columns of the packs are zero. ldc: C's row stride.
  void (*micro_kernel)(int K, const float* Ap, const float* Bp, float* C, int ldc, int mr, int nr, bool accumulate);
  // One LSTM time step for one batch row, gate order i, f, g, o; z is the pre-activation [4H];
  // c_prev is null at t = 0 (zero state). Writes the activated gates [4H], c, tanh(c) and h [H].
  void (*lstm_cell_forward)(int H, const float* z, const float* c_prev, float* gates, float* c, float* tanh_c, float* h);
  // Its gradient: dh = dy + dh_next (dh_next may be null), dc_carry holds dc from step t+1 on entry
  // and the carry to step t-1 (dc * f) on return; writes the pre-activation gradient dz [4H].
  void (*lstm_cell_backward)(int H, const float* dy, const float* dh_next, float* dc_carry, const float* gates,
                             const float* tanh_c, const float* c_prev, float* dz);
  // y[i] = tanh(x[i]) / sigmoid(x[i]) for i < n (x and y may be the same array).
  void (*tanh)(const float* x, float* y, long n);
  void (*sigmoid)(const float* x, float* y, long n);
};

const SimdKernels& simd_avx2();
const SimdKernels& simd_generic();
bool cpu_has_avx2_fma();
// The set in use: AVX2 + FMA when the CPU has both, unless MOTIONFUSE_NATIVE_ISA=generic.
const SimdKernels& simd();

}  // namespace motionfuse
