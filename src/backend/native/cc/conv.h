// 2-D convolution (NHWC input, filter [fH, fW, inC, outC]) and its two gradients by im2col +
// GEMM, with the patch matrix built in cache-sized chunks per thread (never whole in memory).
// A 1-D convolution is the case inH = 1.
#pragma once

namespace motionfuse {

struct ConvShape {
  int batch, in_h, in_w, in_c;
  int out_h, out_w, out_c;
  int filter_h, filter_w;
  int stride_h, stride_w, dilation_h, dilation_w;
  int pad_top, pad_left;
  int patch_len() const { return filter_h * filter_w * in_c; }
  int rows() const { return batch * out_h * out_w; }
};

void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y);
// dfilter [fH, fW, inC, outC] = sum over output positions of patch^T . dy.
void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter);
// dx [batch, inH, inW, inC]: each output position's dy . filter^T scattered back onto its patch.
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx);

// Max pooling's gradient (NHWC, no dilation): each window's dy goes to its first maximum in
// row-major window order, as on tfjs's CPU backend.
struct PoolShape {
  int batch, in_h, in_w, channels, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
};
void max_pool_backprop(const PoolShape& s, const float* x, const float* dy, float* dx);

}  // namespace motionfuse
