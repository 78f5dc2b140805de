#include "temporal-block.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "batch-norm.h"
#include "conv-pool.h"

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
    const size_t out = static_cast<size_t>(b) * pooled * C;
    pool2x2_row(row, row, pooled, C, y + out, argmax + out);
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
    unpool2x2_row(pooled, C, 0, true, y + in, dy + in, argmax + in, d, unused_sum.data());
    if (s.out_w % 2 != 0)  // the step a valid pool leaves out
      std::memset(d + static_cast<size_t>(s.out_w - 1) * C, 0, C * sizeof(float));
  }
  batch_norm_training_grad(dbn, z, gamma, mean, variance, epsilon, rows, C, dz, dgamma, dbeta);
  conv2d_backprop_filter(s, x, dz, dfilter);
}

}  // namespace motionfuse
