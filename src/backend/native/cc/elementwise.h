// Whole-array kernels: activations and reductions over a contiguous block of axes.
#pragma once

namespace motionfuse {

enum class Activation { Tanh, Sigmoid };
void activation(Activation f, const float* x, float* y, long n);

// x viewed as [outer, inner]: column sums (over outer) or row sums (over inner), scaled by `scale`
// (1 for a sum, 1/count for a mean).
void sum_leading(const float* x, long outer, long inner, float scale, float* out);
void sum_trailing(const float* x, long outer, long inner, float scale, float* out);

}  // namespace motionfuse
