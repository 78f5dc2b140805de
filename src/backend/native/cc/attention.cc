#include "attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "elementwise.h"
#include "gemm.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {
// Below this many multiply-adds the per-row part runs on the calling thread (batch-1 inference).
constexpr long kParallelMinWork = 1L << 16;

// Batch rows are independent after the projection: each thread takes a contiguous range of them.
template <typename Fn>
void for_batch_ranges(int B, long work, Fn&& fn) {
  ThreadPool& p = pool();
  const int parts = work < kParallelMinWork ? 1 : std::min(p.size(), B);
  if (parts == 1) {
    fn(0, B);
    return;
  }
  p.run(parts, [&](int part) { fn(B * part / parts, B * (part + 1) / parts); });
}

// Eight running sums: vectorisable (a single sum is a serial chain without -ffast-math).
float dot(const float* a, const float* b, int n) {
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int l = 0; l < 8; l++) lanes[l] += a[i + l] * b[i + l];
  }
  float s = 0.0f;
  for (; i < n; i++) s += a[i] * b[i];
  for (int l = 0; l < 8; l++) s += lanes[l];
  return s;
}
}  // namespace

void attention_pool_forward(AttentionShape s, const float* x, const float* W, const float* b, const float* v, float* out,
                            float* hidden, float* weights) {
  const int B = s.B, T = s.T, F = s.F, U = s.U;
  const long rows = static_cast<long>(B) * T;
  std::vector<float> scratch_hidden, scratch_weights;
  if (hidden == nullptr) {
    scratch_hidden.resize(static_cast<size_t>(rows) * U);
    hidden = scratch_hidden.data();
  }
  if (weights == nullptr) {
    scratch_weights.resize(static_cast<size_t>(rows));
    weights = scratch_weights.data();
  }
  for (long r = 0; r < rows; r++) std::copy_n(b, U, hidden + r * U);
  gemm(static_cast<int>(rows), U, F, MatrixRef{x, F, false}, MatrixRef{W, U, false}, hidden, U, true);
  activation(Activation::Tanh, hidden, hidden, rows * U);

  for_batch_ranges(B, rows * (U + F), [&](int b0, int b1) {
    for (int n = b0; n < b1; n++) {
      float* w = weights + static_cast<size_t>(n) * T;
      for (int t = 0; t < T; t++) w[t] = dot(hidden + (static_cast<size_t>(n) * T + t) * U, v, U);
      // Softmax over time, shifted by the maximum so that exp cannot overflow.
      const float m = *std::max_element(w, w + T);
      float sum = 0.0f;
      for (int t = 0; t < T; t++) sum += (w[t] = std::exp(w[t] - m));
      for (int t = 0; t < T; t++) w[t] /= sum;
      float* o = out + static_cast<size_t>(n) * F;
      std::fill_n(o, F, 0.0f);
      for (int t = 0; t < T; t++) {
        const float* xt = x + (static_cast<size_t>(n) * T + t) * F;
        const float wt = w[t];
        for (int f = 0; f < F; f++) o[f] += wt * xt[f];
      }
    }
  });
}

void attention_pool_backward(AttentionShape s, const float* dout, const float* x, const float* W, const float* v,
                             const float* hidden, const float* weights, float* dx, float* dW, float* db, float* dv) {
  const int B = s.B, T = s.T, F = s.F, U = s.U;
  const long rows = static_cast<long>(B) * T;
  std::vector<float> dz(static_cast<size_t>(rows) * U);  // gradient of W x + b, row b*T + t
  std::vector<float> ds(static_cast<size_t>(rows));      // gradient of the scores

  for_batch_ranges(B, rows * (U + F), [&](int b0, int b1) {
    for (int n = b0; n < b1; n++) {
      const float* g = dout + static_cast<size_t>(n) * F;
      const float* w = weights + static_cast<size_t>(n) * T;
      float* dsn = ds.data() + static_cast<size_t>(n) * T;
      // d out / d w_t = x_t . g; through the softmax: ds_t = w_t (dw_t - sum_t' w_t' dw_t').
      float mean = 0.0f;
      for (int t = 0; t < T; t++) {
        dsn[t] = dot(x + (static_cast<size_t>(n) * T + t) * F, g, F);
        mean += w[t] * dsn[t];
      }
      for (int t = 0; t < T; t++) {
        const size_t row = static_cast<size_t>(n) * T + t;
        dsn[t] = w[t] * (dsn[t] - mean);
        float* dxr = dx + row * F;
        for (int f = 0; f < F; f++) dxr[f] = w[t] * g[f];
        const float* h = hidden + row * U;
        float* dzr = dz.data() + row * U;
        for (int u = 0; u < U; u++) dzr[u] = dsn[t] * v[u] * (1.0f - h[u] * h[u]);
      }
    }
  });

  std::fill_n(dv, U, 0.0f);
  for (long r = 0; r < rows; r++) {
    const float* h = hidden + r * U;
    const float d = ds[r];
    for (int u = 0; u < U; u++) dv[u] += d * h[u];
  }
  sum_leading(dz.data(), rows, U, 1.0f, db);
  gemm(F, U, static_cast<int>(rows), MatrixRef{x, F, true}, MatrixRef{dz.data(), U, false}, dW, U, false);
  gemm(static_cast<int>(rows), F, U, MatrixRef{dz.data(), U, false}, MatrixRef{W, U, true}, dx, F, true);
}

}  // namespace motionfuse
