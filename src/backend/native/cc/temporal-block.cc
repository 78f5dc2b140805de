#include "temporal-block.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "batch-norm.h"
#include "simd.h"

namespace motionfuse {

namespace {
// The normalised map (forward) and its gradient (backward), [batch, out_w, out_c]; reused.
thread_local std::vector<float> full_map;
}  // namespace

void temporal_block_forward(const ConvShape& s, float epsilon, const float* x, const float* filter, const float* gamma,
                            const float* beta, float* z, float* mean, float* variance, float* y, int32_t* argmax) {
  const long rows = static_cast<long>(s.batch) * s.out_w;
  const int C = s.out_c;
  const int pooled = s.out_w / 2;
  conv2d_forward(s, x, filter, z);
  full_map.resize(static_cast<size_t>(rows) * C);
  float* bn = full_map.data();
  batch_norm_training(z, gamma, beta, epsilon, rows, C, bn, mean, variance);
  // ReLU, then the first maximum of each pair of steps (a step is taken only when strictly larger,
  // so NaN never wins and ties go to the first): the 2x2 pooling kernel with both rows the same
  // row, whose repeated candidates can then never win.
  for (size_t i = 0; i < static_cast<size_t>(rows) * C; i++) bn[i] = std::max(bn[i], 0.0f);
  for (int b = 0; b < s.batch; b++) {
    const float* row = bn + static_cast<size_t>(b) * s.out_w * C;
    float* out = y + static_cast<size_t>(b) * pooled * C;
    int32_t* win = argmax + static_cast<size_t>(b) * pooled * C;
    if (C % 8 == 0) {
      simd().pool2_argmax_row(row, row, pooled, C, out, win);
      continue;
    }
    for (int p = 0; p < pooled; p++) {
      const float* first = row + static_cast<size_t>(2 * p) * C;
      const float* second = first + C;
      for (int c = 0; c < C; c++) {
        const bool later = second[c] > first[c];
        out[static_cast<size_t>(p) * C + c] = later ? second[c] : first[c];
        win[static_cast<size_t>(p) * C + c] = later ? 1 : 0;
      }
    }
  }
}

void temporal_block_backward(const ConvShape& s, float epsilon, const float* x, const float* gamma, const float* z,
                             const float* mean, const float* variance, const float* y, const int32_t* argmax,
                             const float* dy, float* dz, float* dfilter, float* dgamma, float* dbeta) {
  const long rows = static_cast<long>(s.batch) * s.out_w;
  const int C = s.out_c;
  const int pooled = s.out_w / 2;
  full_map.resize(static_cast<size_t>(rows) * C);
  float* dbn = full_map.data();
  std::vector<float> unused_sum(C);
  for (int b = 0; b < s.batch; b++) {
    float* d = dbn + static_cast<size_t>(b) * s.out_w * C;
    const size_t in = static_cast<size_t>(b) * pooled * C;
    // The max pool's gradient to its winner, through the ReLU where the winner was above 0: the
    // 2x2 kernel's top-row pass over one row of steps (winners 0 and 1).
    if (C % 8 == 0) {
      simd().unpool2_row(pooled, C, 0, true, y + in, dy + in, argmax + in, d, unused_sum.data());
    } else {
      for (int p = 0; p < pooled; p++) {
        const size_t o = in + static_cast<size_t>(p) * C;
        float* first = d + static_cast<size_t>(2 * p) * C;
        float* second = first + C;
        for (int c = 0; c < C; c++) {
          const float g = y[o + c] > 0.0f ? dy[o + c] : 0.0f;
          first[c] = argmax[o + c] == 0 ? g : 0.0f;
          second[c] = argmax[o + c] == 1 ? g : 0.0f;
        }
      }
    }
    if (s.out_w % 2 != 0)  // the step a valid pool leaves out
      std::memset(d + static_cast<size_t>(s.out_w - 1) * C, 0, C * sizeof(float));
  }
  batch_norm_training_grad(dbn, z, gamma, mean, variance, epsilon, rows, C, dz, dgamma, dbeta);
  conv2d_backprop_filter(s, x, dz, dfilter);
}

}  // namespace motionfuse
