#include "inference.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "elementwise.h"
#include "gemm.h"
#include "simd.h"

namespace motionfuse {

namespace {

thread_local std::vector<float> z_buffer, cell_buffer, hidden_buffer;

float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// Compiled for AVX2+FMA and the baseline ISA, chosen at load (GCC function multiversioning), where supported.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define MF_MULTIVERSION __attribute__((target_clones("arch=haswell", "default")))
#else
#define MF_MULTIVERSION
#endif

// Columns [j0, j0 + 64) over all of K with the 64 sums in registers.
MF_MULTIVERSION void gemv_block64(int K, const float* x, const float* A, int lda, float* y) {
  float acc[64];
  for (int j = 0; j < 64; j++) acc[j] = y[j];
  for (int k = 0; k < K; k++) {
    const float xk = x[k];
    const float* a = A + static_cast<size_t>(k) * lda;
    for (int j = 0; j < 64; j++) acc[j] += xk * a[j];
  }
  for (int j = 0; j < 64; j++) y[j] = acc[j];
}

MF_MULTIVERSION void gemv_tail(int K, int n, const float* x, const float* A, int lda, float* y) {
  for (int k = 0; k < K; k++) {
    const float xk = x[k];
    const float* a = A + static_cast<size_t>(k) * lda;
    for (int j = 0; j < n; j++) y[j] += xk * a[j];
  }
}

void softmax_row(float* y, int N) {
  float m = y[0];
  for (int j = 1; j < N; j++) m = std::max(m, y[j]);
  float sum = 0;
  for (int j = 0; j < N; j++) sum += (y[j] = std::exp(y[j] - m));
  for (int j = 0; j < N; j++) y[j] /= sum;
}

}  // namespace

void gemv(int K, int N, const float* x, const float* A, int lda, float* y, bool accumulate) {
  if (!accumulate) std::fill_n(y, N, 0.0f);
  int j = 0;
  for (; j + 64 <= N; j += 64) gemv_block64(K, x, A + j, lda, y + j);
  if (j < N) gemv_tail(K, N - j, x, A + j, lda, y + j);
}

void apply_activation(DenseActivation act, float* y, long rows, int N) {
  const long n = rows * N;
  switch (act) {
    case DenseActivation::Linear: return;
    case DenseActivation::Relu:
      for (long i = 0; i < n; i++) y[i] = std::max(y[i], 0.0f);
      return;
    case DenseActivation::Tanh: activation(Activation::Tanh, y, y, n); return;
    case DenseActivation::Sigmoid: activation(Activation::Sigmoid, y, y, n); return;
    case DenseActivation::Softmax:
      for (long r = 0; r < rows; r++) softmax_row(y + r * N, N);
      return;
  }
}

void dense_forward(int M, int K, int N, const float* x, const float* W, const float* bias, DenseActivation act, float* y) {
  if (bias != nullptr) {
    for (int r = 0; r < M; r++) std::copy_n(bias, N, y + static_cast<size_t>(r) * N);
  }
  if (M == 1) gemv(K, N, x, W, N, y, bias != nullptr);
  else gemm(M, N, K, MatrixRef{x, K, false}, MatrixRef{W, N, false}, y, N, bias != nullptr);
  apply_activation(act, y, M, N);
}

void lstm_infer(int B, int T, int I, int H, const float* x, const float* W, const float* U, const float* bias, float* h,
                bool sequences) {
  const int G = 4 * H;
  const size_t rows = static_cast<size_t>(B) * T;
  // z = x W + bias for every (b, t), row b*T + t; the recurrent term is added per step.
  float* z = scratch(z_buffer, rows * G);
  for (size_t r = 0; r < rows; r++) std::copy_n(bias, G, z + r * G);
  gemm(static_cast<int>(rows), G, I, MatrixRef{x, I, false}, MatrixRef{W, G, false}, z, G, true);
  // Per row: gates [4H], two cells (previous, current), tanh(c) [H], and h of the last step [H].
  float* cells = scratch(cell_buffer, static_cast<size_t>(G) + 5 * H);
  float* gates = cells;
  float* c_a = gates + G;
  float* c_b = c_a + H;
  float* tanh_c = c_b + H;
  float* h_last = tanh_c + H;
  const SimdKernels& k = simd();
  for (int b = 0; b < B; b++) {
    float* c_prev = c_a;
    float* c_cur = c_b;
    const float* h_prev = nullptr;
    for (int t = 0; t < T; t++) {
      float* zt = z + (static_cast<size_t>(b) * T + t) * G;
      if (h_prev != nullptr) gemv(H, G, h_prev, U, G, zt, true);
      // Without sequences, steps before the last write h_last (h_prev is read into zt before the cell overwrites it).
      float* ht = sequences ? h + (static_cast<size_t>(b) * T + t) * H : (t == T - 1 ? h + static_cast<size_t>(b) * H : h_last);
      k.lstm_cell_forward(H, zt, t > 0 ? c_prev : nullptr, gates, c_cur, tanh_c, ht);
      h_prev = ht;
      std::swap(c_prev, c_cur);
    }
  }
}

void attention_pool(int B, int T, int F, int U, const float* x, const float* W, const float* b, const float* v, float* y) {
  float* hidden = scratch(hidden_buffer, static_cast<size_t>(T) * U + T);
  float* scores = hidden + static_cast<size_t>(T) * U;
  for (int n = 0; n < B; n++) {
    const float* xb = x + static_cast<size_t>(n) * T * F;
    for (int t = 0; t < T; t++) std::copy_n(b, U, hidden + static_cast<size_t>(t) * U);
    gemm(T, U, F, MatrixRef{xb, F, false}, MatrixRef{W, U, false}, hidden, U, true);
    activation(Activation::Tanh, hidden, hidden, static_cast<long>(T) * U);
    for (int t = 0; t < T; t++) {
      const float* ht = hidden + static_cast<size_t>(t) * U;
      float s = 0;
      for (int u = 0; u < U; u++) s += ht[u] * v[u];
      scores[t] = s;
    }
    softmax_row(scores, T);
    float* yb = y + static_cast<size_t>(n) * F;
    std::fill_n(yb, F, 0.0f);
    for (int t = 0; t < T; t++) {
      const float w = scores[t];
      const float* xt = xb + static_cast<size_t>(t) * F;
      for (int f = 0; f < F; f++) yb[f] += w * xt[f];
    }
  }
}

}  // namespace motionfuse
