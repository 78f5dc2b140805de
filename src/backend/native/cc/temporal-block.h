// Training's temporal-CNN block in one call each way: a 1-D convolution without bias (conv2d with
// in_h = 1), BatchNorm with the batch's moments, ReLU, and max pooling of 2 over time (stride 2,
// valid). On UTD-MHAD's joint fusion network (batch 32, 32-64 steps) a training step ran ~550
// tfjs kernels for 13 ms: tfjs's Conv1D and MaxPooling1D reshape around each 2-D kernel, and
// each kernel and its tape entry cost microseconds of bookkeeping that these small maps do not
// amortise. Here the block is two kernels (and an input gradient where one is asked for).
#pragma once
#include <cstdint>

#include "conv.h"

namespace motionfuse {

// x [batch, in_w, in_c], filter [filter_w, in_c, out_c] (s: the convolution, in_h = out_h = 1)
// -> z [batch, out_w, out_c] (the convolution), the batch's mean and biased variance [out_c], and
// y, argmax [batch, out_w / 2, out_c]: the pooled relu(gamma (z - mean) / sqrt(var + epsilon) +
// beta), and which of the two steps won (0 or 1; the first maximum, as tfjs's MaxPoolGrad).
void temporal_block_forward(const ConvShape& s, float epsilon, const float* x, const float* filter, const float* gamma,
                            const float* beta, float* z, float* mean, float* variance, float* y, int32_t* argmax);

// The gradient from the pooled dy: dz [batch, out_w, out_c] (at the convolution's output), dfilter,
// dgamma and dbeta [out_c]. The input's gradient is then conv2d_backprop_input(s, dz, filter).
void temporal_block_backward(const ConvShape& s, float epsilon, const float* x, const float* gamma, const float* z,
                             const float* mean, const float* variance, const float* y, const int32_t* argmax,
                             const float* dy, float* dz, float* dfilter, float* dgamma, float* dbeta);

}  // namespace motionfuse
