#include "lstm.h"

#include <algorithm>
#include <vector>

#include "gemm.h"
#include "simd.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {
// Batch rows are independent through the whole recurrence, so each thread takes a contiguous
// range of them for all time steps: no synchronisation per step.
template <typename Fn>
void for_batch_ranges(int B, Fn&& fn) {
  ThreadPool& p = pool();
  const int parts = std::min(p.size(), B);
  p.run(parts, [&](int part) { fn(B * part / parts, B * (part + 1) / parts); });
}
}  // namespace

void lstm_forward(LstmShape s, const float* x, const float* W, const float* U, const float* bias, float* h, float* c,
                  float* tanh_c, float* gates) {
  const int B = s.B, T = s.T, I = s.I, H = s.H, G = 4 * s.H;
  const int rows = B * T;
  // Pre-activations for every (b, t): z = x W + bias, row b*T + t; the recurrent term is added per step.
  std::vector<float> z(static_cast<size_t>(rows) * G);
  for (int r = 0; r < rows; r++) std::copy_n(bias, G, z.data() + static_cast<size_t>(r) * G);
  gemm(rows, G, I, MatrixRef{x, I, false}, MatrixRef{W, G, false}, z.data(), G, true);
  const PackedB u = pack_b(H, G, MatrixRef{U, G, false});
  const SimdKernels& k = simd();

  for_batch_ranges(B, [&](int b0, int b1) {
    for (int t = 0; t < T; t++) {
      float* zt = z.data() + (static_cast<size_t>(b0) * T + t) * G;  // rows b0.. at stride T*G
      if (t > 0) gemm_packed(b1 - b0, MatrixRef{h + (static_cast<size_t>(b0) * T + t - 1) * H, T * H, false}, u, zt, T * G, true);
      for (int b = b0; b < b1; b++) {
        const size_t tb = static_cast<size_t>(t) * B + b;
        k.lstm_cell_forward(H, z.data() + (static_cast<size_t>(b) * T + t) * G,
                            t > 0 ? c + (tb - B) * H : nullptr, gates + tb * G, c + tb * H, tanh_c + tb * H,
                            h + (static_cast<size_t>(b) * T + t) * H);
      }
    }
  });
}

void lstm_backward(LstmShape s, const float* dy, const float* x, const float* W, const float* U, const float* h,
                   const float* c, const float* tanh_c, const float* gates, float* dx, float* dW, float* dU, float* db) {
  const int B = s.B, T = s.T, I = s.I, H = s.H, G = 4 * s.H;
  const int rows = B * T;
  std::vector<float> dz(static_cast<size_t>(rows) * G);  // row b*T + t
  // dh_{t-1} = dz_t U^T: U^T packed once.
  const PackedB u_t = pack_b(G, H, MatrixRef{U, G, true});
  const SimdKernels& k = simd();

  for_batch_ranges(B, [&](int b0, int b1) {
    const int n = b1 - b0;
    std::vector<float> dc_carry(static_cast<size_t>(n) * H, 0.0f);
    std::vector<float> dh_next(static_cast<size_t>(n) * H, 0.0f);
    for (int t = T - 1; t >= 0; t--) {
      for (int b = b0; b < b1; b++) {
        const size_t tb = static_cast<size_t>(t) * B + b;
        const size_t row = static_cast<size_t>(b) * T + t;
        k.lstm_cell_backward(H, dy + row * H, t < T - 1 ? dh_next.data() + static_cast<size_t>(b - b0) * H : nullptr,
                             dc_carry.data() + static_cast<size_t>(b - b0) * H, gates + tb * G, tanh_c + tb * H,
                             t > 0 ? c + (tb - B) * H : nullptr, dz.data() + row * G);
      }
      if (t > 0) gemm_packed(n, MatrixRef{dz.data() + (static_cast<size_t>(b0) * T + t) * G, T * G, false}, u_t, dh_next.data(), H, false);
    }
  });

  // Row b*T + t of h_prev is h[b, t-1], zeros at t = 0.
  std::vector<float> h_prev(static_cast<size_t>(rows) * H, 0.0f);
  for (int b = 0; b < B; b++) {
    std::copy_n(h + static_cast<size_t>(b) * T * H, static_cast<size_t>(T - 1) * H, h_prev.data() + (static_cast<size_t>(b) * T + 1) * H);
  }
  gemm(I, G, rows, MatrixRef{x, I, true}, MatrixRef{dz.data(), G, false}, dW, G, false);
  gemm(H, G, rows, MatrixRef{h_prev.data(), H, true}, MatrixRef{dz.data(), G, false}, dU, G, false);
  gemm(rows, I, G, MatrixRef{dz.data(), G, false}, MatrixRef{W, G, true}, dx, I, false);
  std::fill_n(db, G, 0.0f);
  for (int r = 0; r < rows; r++) {
    const float* zr = dz.data() + static_cast<size_t>(r) * G;
    for (int j = 0; j < G; j++) db[j] += zr[j];
  }
}

}  // namespace motionfuse
