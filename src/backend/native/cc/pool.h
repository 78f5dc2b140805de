// Max pooling (NHWC, no dilation) and its gradient. A 1-D pool is the case inW = 1 (or inH = 1).
// Both follow tfjs's CPU backend: a window's maximum ignores NaN and padding (an all-padding
// window gives -inf), and its gradient goes to the first maximum in row-major window order.
#pragma once

namespace motionfuse {

struct PoolShape {
  int batch, in_h, in_w, channels, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
};

void max_pool_forward(const PoolShape& s, const float* x, float* y);
void max_pool_backprop(const PoolShape& s, const float* x, const float* dy, float* dx);

}  // namespace motionfuse
