// Kernels written once with GCC/Clang vector extensions (simd-kernels.inc) and compiled three times:
// for AVX-512, for AVX2 + FMA and for the baseline ISA. The set is chosen once, at load, by the CPU's features.
#pragma once
#include <cstdint>

namespace motionfuse {

struct ConvShape;  // conv.h

// Micro-kernel tile: SimdKernels::mr rows of A (6 with 16 ymm registers, 16 with AVX-512's 32
// zmm) by kNR columns of B. Every set sums each element over k in the same order, so the choice
// does not change a result.
constexpr int kMaxMR = 16;
constexpr int kNR = 16;

struct SimdKernels {
  const char* isa;
  int mr;  // the micro-kernel's rows
  // C[mr x nr] (+)= Ap . Bp over K, where Ap is packed [K][this->mr] (row r of the tile at Ap[k*this->mr + r])
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
  // Direct convolution for out_c in {8, 16, 24, 32} (conv2d-direct-kernels.inc): output rows [row0, row1) with
  // bias (may be null) and ReLU into y (row row0 first), and the filter gradient of dy rows [row0, row1) added
  // onto dfilter.
  void (*conv2d_direct_rows)(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,
                             float* y, int row0, int row1);
  void (*conv2d_direct_filter_rows)(const ConvShape& s, const float* x, const float* dy, float* dfilter, int row0,
                                    int row1);
  // 2x2 max pooling with winners, and its gradient, for channel counts that are a multiple of 8
  // (conv-pool-kernels.inc).
  void (*pool2_argmax_row)(const float* top, const float* bottom, int pooled_w, int C, float* y, int32_t* argmax);
  void (*unpool2_row)(int pooled_w, int C, int half, bool relu, const float* y, const float* dy, const int32_t* argmax,
                      float* d, float* sum);
};

const SimdKernels& simd_avx512();
const SimdKernels& simd_avx2();
const SimdKernels& simd_generic();
bool cpu_has_avx2_fma();
bool cpu_has_avx512();
// The set in use: the widest the CPU has (AVX-512 F/VL/BW, else AVX2 + FMA, else generic), unless
// MOTIONFUSE_NATIVE_ISA=avx2 or generic asks for a narrower one.
const SimdKernels& simd();

}  // namespace motionfuse
