#include "conv-pool.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "simd.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {

thread_local std::vector<float> conv_rows;

// Pools two conv rows (each out_w x C, bias and ReLU applied) into one pooled row and its winners.
// Candidates in row-major window order, each taken only when strictly larger: the first maximum
// wins and NaN never does (tfjs's max pooling). Channel loops of selects, so the compiler
// vectorises them.
void pool_rows(const float* top, const float* bottom, int pooled_w, int C, float* y, int32_t* argmax) {
  for (int pw = 0; pw < pooled_w; pw++) {
    const float* cand[4] = {top + static_cast<size_t>(2 * pw) * C, top + static_cast<size_t>(2 * pw + 1) * C,
                            bottom + static_cast<size_t>(2 * pw) * C, bottom + static_cast<size_t>(2 * pw + 1) * C};
    float* __restrict out = y + static_cast<size_t>(pw) * C;
    int32_t* __restrict win = argmax + static_cast<size_t>(pw) * C;
    for (int c = 0; c < C; c++) {
      out[c] = -std::numeric_limits<float>::infinity();
      win[c] = 0;
    }
    for (int32_t i = 0; i < 4; i++) {
      const float* __restrict v = cand[i];
      for (int c = 0; c < C; c++) {
        const bool larger = v[c] > out[c];
        out[c] = larger ? v[c] : out[c];
        win[c] = larger ? i : win[c];
      }
    }
  }
}

// One conv row's pre-activation gradient from its pooled row: dy where this row's position won
// its window (and, with ReLU, the window's maximum was above 0), else 0; the top row of each
// window (half 0) also adds the window's gradient to the bias sum.
template <bool Relu>
void unpool_row(int pooled_w, int C, int half, const float* __restrict y, const float* __restrict dy,
                const int32_t* __restrict argmax, float* __restrict d, float* __restrict sum) {
  const int32_t left_k = 2 * half;
  const int32_t right_k = 2 * half + 1;
  for (int q = 0; q < pooled_w; q++) {
    const size_t o = static_cast<size_t>(q) * C;
    float* __restrict left = d + 2 * o;
    float* __restrict right = left + C;
    for (int c = 0; c < C; c++) {
      const float g = !Relu || y[o + c] > 0.0f ? dy[o + c] : 0.0f;
      left[c] = argmax[o + c] == left_k ? g : 0.0f;
      right[c] = argmax[o + c] == right_k ? g : 0.0f;
    }
    if (half == 0)
      for (int c = 0; c < C; c++) sum[c] += !Relu || y[o + c] > 0.0f ? dy[o + c] : 0.0f;
  }
}

}  // namespace

void pool2x2_row(const float* top, const float* bottom, int pooled_w, int C, float* y, int32_t* argmax) {
  if (C % 8 == 0) return simd().pool2_argmax_row(top, bottom, pooled_w, C, y, argmax);
  pool_rows(top, bottom, pooled_w, C, y, argmax);
}

void unpool2x2_row(int pooled_w, int C, int half, bool relu, const float* y, const float* dy, const int32_t* argmax,
                   float* d, float* sum) {
  if (C % 8 == 0) return simd().unpool2_row(pooled_w, C, half, relu, y, dy, argmax, d, sum);
  if (relu) return unpool_row<true>(pooled_w, C, half, y, dy, argmax, d, sum);
  unpool_row<false>(pooled_w, C, half, y, dy, argmax, d, sum);
}

void conv2d_bias_relu_pool2_forward(const ConvShape& s, const float* x, const float* filter, const float* bias,
                                    bool relu, float* y, int32_t* argmax) {
  const int ph = s.out_h / 2;
  const int pw = s.out_w / 2;
  const int C = s.out_c;
  if (s.batch == 0 || ph == 0 || pw == 0) return;
  const size_t row_len = static_cast<size_t>(s.out_w) * C;
  // Pooled rows of one image per call of the convolution: as many as keep its conv rows within
  // ~64 KiB (L1/L2), so the GEMM path (many input channels) gets more than two rows at a time.
  const int per_call = std::max(1, std::min(ph, static_cast<int>(16384 / (2 * row_len))));
  const int calls_per_image = (ph + per_call - 1) / per_call;
  const int calls = s.batch * calls_per_image;
  const int tasks = std::min(calls, pool().size() * 8);
  pool().run(tasks, [&](int task) {
    const int c0 = static_cast<int>(static_cast<long long>(calls) * task / tasks);
    const int c1 = static_cast<int>(static_cast<long long>(calls) * (task + 1) / tasks);
    if (conv_rows.size() < 2 * row_len * per_call) conv_rows.resize(2 * row_len * per_call);
    for (int call = c0; call < c1; call++) {
      const int b = call / calls_per_image;
      const int p0 = (call % calls_per_image) * per_call;
      const int p1 = std::min(ph, p0 + per_call);
      // conv rows 2 p0 .. 2 p1 - 1 of image b
      conv2d_bias_relu_rows(s, x, filter, bias, relu, conv_rows.data(), b * s.out_h + 2 * p0, b * s.out_h + 2 * p1);
      for (int p = p0; p < p1; p++) {
        const float* top = conv_rows.data() + static_cast<size_t>(2 * (p - p0)) * row_len;
        const size_t out = (static_cast<size_t>(b) * ph + p) * pw * C;
        pool2x2_row(top, top + row_len, pw, C, y + out, argmax + out);
      }
    }
  });
}

void conv2d_bias_relu_pool2_backward(const ConvShape& s, bool relu, const float* y, const float* dy,
                                     const int32_t* argmax, float* dpre, float* dbias) {
  const int ph = s.out_h / 2;
  const int pw = s.out_w / 2;
  const int C = s.out_c;
  const size_t row_len = static_cast<size_t>(s.out_w) * C;
  const int units = s.batch * s.out_h;  // conv rows
  // The bias sum in a fixed number of partials (kReductionParts), added in order: the same result
  // on any number of threads.
  const int parts = std::max(1, std::min(kReductionParts, units));
  std::vector<float> partial(static_cast<size_t>(parts) * C, 0.0f);
  pool().run(parts, [&](int part) {
    const int r0 = static_cast<int>(static_cast<long long>(units) * part / parts);
    const int r1 = static_cast<int>(static_cast<long long>(units) * (part + 1) / parts);
    float* sum = partial.data() + static_cast<size_t>(part) * C;
    for (int r = r0; r < r1; r++) {
      const int b = r / s.out_h;
      const int oh = r % s.out_h;
      const int p = oh / 2;
      float* d = dpre + static_cast<size_t>(r) * row_len;
      if (p >= ph) {  // the row a valid pool leaves out
        std::memset(d, 0, row_len * sizeof(float));
        continue;
      }
      const int half = oh % 2;  // top (0) or bottom (1) row of its windows: winners 0-1 or 2-3
      const size_t in = (static_cast<size_t>(b) * ph + p) * pw * C;
      unpool2x2_row(pw, C, half, relu, y + in, dy + in, argmax + in, d, sum);
      if (s.out_w % 2 != 0) std::memset(d + static_cast<size_t>(2 * pw) * C, 0, C * sizeof(float));
    }
  });
  if (dbias == nullptr) return;
  std::fill_n(dbias, C, 0.0f);
  for (int part = 0; part < parts; part++)
    for (int c = 0; c < C; c++) dbias[c] += partial[static_cast<size_t>(part) * C + c];
}

}  // namespace motionfuse
