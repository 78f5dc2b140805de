// Batch-1 (or small-batch) inference's convolution block in one call: a 1-D convolution (as
// conv2d with inH = 1) with a bias, then ReLU and max pooling, each optional. BatchNorm at
// inference is folded into the filter and bias by the caller (src/models/inference).
#pragma once

namespace motionfuse {

struct ConvBlockShape {
  int batch, in_w, in_c;
  int conv_w, out_c;  // the convolution's output length and channels
  int filter_w, stride, dilation, pad_left;
  bool relu;
  int pool, pool_stride, out_w;  // pool 1: no pooling (out_w = conv_w)
};

// x [batch, in_w, in_c], filter [filter_w, in_c, out_c], bias [out_c] or null -> y [batch, out_w, out_c].
void conv_block(const ConvBlockShape& s, const float* x, const float* filter, const float* bias, float* y);

}  // namespace motionfuse
