// A bias added along the last axis (a convolution's or dense layer's bias in training, where tfjs
// does not fuse it): the WASM package's Add broadcasts by per-element index arithmetic (~2-3 ns an
// element), this is one streaming pass.
#pragma once
#include <cstddef>

namespace motionfuse {

// y[r, c] = x[r, c] + bias[c] for r < rows, c < channels (y may be x).
void bias_add(const float* x, const float* bias, float* y, size_t rows, int channels);

}  // namespace motionfuse
