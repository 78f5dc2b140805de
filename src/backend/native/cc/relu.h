// ReLU's gradient as one pass (tfjs's is step(x), a cast and a product: three kernels and two
// temporaries). dx = dy * s with s = 1 where x > 0, NaN where x is NaN, else 0 (the WASM
// package's Step), multiplied as tfjs does, so dy * 0 keeps its sign and inf * 0 is NaN as before.
#pragma once
#include <cstddef>

namespace motionfuse {

void relu_backward(const float* dy, const float* x, float* dx, size_t n);

}  // namespace motionfuse
