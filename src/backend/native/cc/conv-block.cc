#include "conv-block.h"

#include <algorithm>
#include <vector>

#include "conv.h"

namespace motionfuse {

namespace {
// The convolution's output before pooling; kept between calls so a forward allocates nothing.
thread_local std::vector<float> pre_pool;
}  // namespace

void conv_block(const ConvBlockShape& s, const float* x, const float* filter, const float* bias, float* y) {
  const ConvShape c{s.batch, 1, s.in_w, s.in_c, 1, s.conv_w, s.out_c, 1, s.filter_w, 1, s.stride, 1, s.dilation, 0, s.pad_left};
  const size_t conv_len = static_cast<size_t>(s.batch) * s.conv_w * s.out_c;
  float* conv = y;
  if (s.pool > 1) {
    if (pre_pool.size() < conv_len) pre_pool.resize(conv_len);
    conv = pre_pool.data();
  }
  conv2d_forward(c, x, filter, conv);
  const int C = s.out_c;
  if (bias != nullptr || s.relu) bias_relu_epilogue(conv, conv_len / C, C, bias, s.relu);
  if (s.pool <= 1) return;
  // Valid max pooling: window o covers conv positions [o * stride, o * stride + pool).
  for (int b = 0; b < s.batch; b++) {
    const float* in = conv + static_cast<size_t>(b) * s.conv_w * C;
    float* out = y + static_cast<size_t>(b) * s.out_w * C;
    for (int o = 0; o < s.out_w; o++) {
      float* dst = out + static_cast<size_t>(o) * C;
      const float* first = in + static_cast<size_t>(o) * s.pool_stride * C;
      std::copy_n(first, C, dst);
      for (int p = 1; p < s.pool; p++) {
        const float* src = first + static_cast<size_t>(p) * C;
        for (int k = 0; k < C; k++) dst[k] = std::max(dst[k], src[k]);
      }
    }
  }
}

}  // namespace motionfuse
