// 2-D convolution (NHWC input, filter [fH, fW, inC, outC]) and its two gradients by im2col +
// GEMM, with the patch matrix built in cache-sized chunks per thread (never whole in memory).
// A 1-D convolution is the case inH = 1.
#pragma once
#include <cstddef>

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
// The same plus bias [out_c] (may be null) and then ReLU when relu.
void conv2d_forward_bias_relu(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,
                              float* y);
// y[r, c] += bias[c] (bias may be null), then max(., 0) when relu, for r < rows: a convolution's epilogue.
void bias_relu_epilogue(float* y, size_t rows, int C, const float* bias, bool relu);
// Output rows [row0, row1) (row = b * out_h + oh, each out_w x out_c) of conv2d_forward_bias_relu
// into y (row row0 first), on the calling thread: for callers that split the work themselves.
void conv2d_bias_relu_rows(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,
                           float* y, int row0, int row1);
// Convolutions with out_c in {8, 16, 24, 32} and in_c <= n use the direct kernels (default 16; 0: never), for A/B runs.
void set_conv_direct_max_in_c(int n);
// dfilter [fH, fW, inC, outC] = sum over output positions of patch^T . dy.
void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter);
// dx [batch, inH, inW, inC]: each output position's dy . filter^T scattered back onto its patch.
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx);

}  // namespace motionfuse
