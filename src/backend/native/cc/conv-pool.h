// Training's convolution block for frame CNNs in one pass each way: conv2d + bias + ReLU (or
// linear) + 2x2 max pooling (stride 2, valid), NHWC. The forward computes a few conv rows of an
// image at a time into a per-thread buffer and writes only the pooled map and which of the four
// window positions won;
// the backward turns the pooled gradient into the conv's pre-activation gradient (ReLU mask and
// bias sum included) in one write of the full-size map. On the fusion network's frame CNNs the
// stock sequence (conv, MaxPool, and MaxPoolGrad, ReluGrad and the bias Sum back) made four or
// five passes over [256, 56, 56, 8] maps of 25 MB.
#pragma once
#include <cstdint>

#include "conv.h"

namespace motionfuse {

// x [batch, in_h, in_w, in_c], filter [fH, fW, in_c, out_c], bias [out_c] (may be null) ->
// y [batch, out_h / 2, out_w / 2, out_c] (the conv's out_h, out_w in s) and argmax of the same
// shape: 0-3, the first maximum in row-major window order (tfjs's MaxPoolGrad rule).
void conv2d_bias_relu_pool2_forward(const ConvShape& s, const float* x, const float* filter, const float* bias,
                                    bool relu, float* y, int32_t* argmax);

// One pooled row (pooled_w x C) and its winners from two conv rows (out_w x C each, top and
// bottom), and one conv row's pre-activation gradient d (out_w x C) from its pooled row: dy at
// this row's winners (half 0: the windows' top row, winners 0-1; half 1: 2-3) where y > 0 (or
// everywhere when not relu), 0 elsewhere; with half 0 the windows' gradients are added to sum [C].
// The SIMD kernels for channel counts that are a multiple of 8, plain loops otherwise.
void pool2x2_row(const float* top, const float* bottom, int pooled_w, int C, float* y, int32_t* argmax);
void unpool2x2_row(int pooled_w, int C, int half, bool relu, const float* y, const float* dy, const int32_t* argmax,
                   float* d, float* sum);

// dy, y, argmax [batch, out_h / 2, out_w / 2, out_c] -> dpre [batch, out_h, out_w, out_c], the
// gradient at the conv's output before bias and ReLU (dy at the window's winner where y > 0, or
// everywhere when linear; 0 elsewhere and on the row and column a valid pool leaves out), and
// dbias [out_c] = dpre summed over all positions.
void conv2d_bias_relu_pool2_backward(const ConvShape& s, bool relu, const float* y, const float* dy,
                                     const int32_t* argmax, float* dpre, float* dbias);

}  // namespace motionfuse
