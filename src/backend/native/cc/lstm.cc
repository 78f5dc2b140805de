#include "lstm.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "gemm.h"
#include "simd.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {
// A scratch buffer whose every element is written before it is read: no zero fill of megabytes.
class Scratch {
 public:
  explicit Scratch(size_t n) : p_(new float[n]) {}
  float* data() { return p_.get(); }

 private:
  std::unique_ptr<float[]> p_;
};

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
  // The input projection runs per step with the recurrent product, into a per-thread block of
  // pre-activations that stays in cache (a [B*T, 4H] block computed first streamed through L3 twice
  // and ran at half the speed of the steps' products). The sums are those of one product x W then
  // + h U, in the same order (W packed in gemm's blocks of K), so the results are unchanged.
  std::vector<PackedB> w;
  for (int k0 = 0; k0 < I; k0 += kGemmKC) {
    w.push_back(pack_b(std::min(kGemmKC, I - k0), G, MatrixRef{W, G, false}.offset(k0, 0)));
  }
  const PackedB u = pack_b(H, G, MatrixRef{U, G, false});
  const SimdKernels& k = simd();

  for_batch_ranges(B, [&](int b0, int b1) {
    const int n = b1 - b0;
    AlignedFloats z(static_cast<size_t>(n) * G);  // row b - b0 at step t
    for (int t = 0; t < T; t++) {
      for (int r = 0; r < n; r++) std::copy_n(bias, G, z.data() + static_cast<size_t>(r) * G);
      const float* xt = x + (static_cast<size_t>(b0) * T + t) * I;
      for (size_t p = 0; p < w.size(); p++) {
        gemm_packed(n, MatrixRef{xt + p * kGemmKC, T * I, false}, w[p], z.data(), G, true);
      }
      if (t > 0) {
        gemm_packed(n, MatrixRef{h + (static_cast<size_t>(b0) * T + t - 1) * H, T * H, false}, u, z.data(), G, true);
      }
      for (int b = b0; b < b1; b++) {
        const size_t tb = static_cast<size_t>(t) * B + b;
        k.lstm_cell_forward(H, z.data() + static_cast<size_t>(b - b0) * G, t > 0 ? c + (tb - B) * H : nullptr,
                            gates + tb * G, c + tb * H, tanh_c + tb * H, h + (static_cast<size_t>(b) * T + t) * H);
      }
    }
  });
}

void lstm_backward(LstmShape s, const float* dy, const float* x, const float* W, const float* U, const float* h,
                   const float* c, const float* tanh_c, const float* gates, float* dx, float* dW, float* dU, float* db) {
  const int B = s.B, T = s.T, I = s.I, H = s.H, G = 4 * s.H;
  const int rows = B * T;
  Scratch dz(static_cast<size_t>(rows) * G);  // row b*T + t
  // dh_{t-1} = dz_t U^T: U^T packed once. dx_t = dz_t W^T per step too, while dz_t is in cache, with
  // W^T packed in gemm's blocks of K so that the sums are those of one product dz W^T.
  const PackedB u_t = pack_b(G, H, MatrixRef{U, G, true});
  std::vector<PackedB> w_t;
  for (int k0 = 0; k0 < G; k0 += kGemmKC) {
    w_t.push_back(pack_b(std::min(kGemmKC, G - k0), I, MatrixRef{W, G, true}.offset(k0, 0)));
  }
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
      const float* dzt = dz.data() + (static_cast<size_t>(b0) * T + t) * G;
      if (t > 0) gemm_packed(n, MatrixRef{dzt, T * G, false}, u_t, dh_next.data(), H, false);
      for (size_t p = 0; p < w_t.size(); p++) {
        float* dxt = dx + (static_cast<size_t>(b0) * T + t) * I;
        gemm_packed(n, MatrixRef{dzt + p * kGemmKC, T * G, false}, w_t[p], dxt, T * I, p > 0);
      }
    }
  });

  // [dW; dU] = [x | h_prev]^T dz as one product, so dz is packed once: row b*T + t of xh is
  // x[b, t] then h[b, t-1] (zeros at t = 0). The sums are those of the two products, in the same order.
  const int IH = I + H;
  Scratch xh(static_cast<size_t>(rows) * IH);
  for (int r = 0; r < rows; r++) {
    float* o = xh.data() + static_cast<size_t>(r) * IH;
    std::copy_n(x + static_cast<size_t>(r) * I, I, o);
    if (r % T == 0) std::fill_n(o + I, H, 0.0f);
    else std::copy_n(h + static_cast<size_t>(r - 1) * H, H, o + I);
  }
  Scratch dwu(static_cast<size_t>(IH) * G);
  gemm(IH, G, rows, MatrixRef{xh.data(), IH, true}, MatrixRef{dz.data(), G, false}, dwu.data(), G, false);
  std::copy_n(dwu.data(), static_cast<size_t>(I) * G, dW);
  std::copy_n(dwu.data() + static_cast<size_t>(I) * G, static_cast<size_t>(H) * G, dU);
  std::fill_n(db, G, 0.0f);
  for (int r = 0; r < rows; r++) {
    const float* zr = dz.data() + static_cast<size_t>(r) * G;
    for (int j = 0; j < G; j++) db[j] += zr[j];
  }
}

}  // namespace motionfuse
