#include "relu.h"

#include <limits>

namespace motionfuse {

void relu_backward(const float* __restrict dy, const float* __restrict x, float* __restrict dx, size_t n) {
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  for (size_t i = 0; i < n; i++) {
    const float s = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? nan : 0.0f);
    dx[i] = dy[i] * s;
  }
}

}  // namespace motionfuse
