#include "conv2d-bias.h"

#include <algorithm>

#include "thread-pool.h"

namespace motionfuse {

namespace {

void bias_add_rows(const float* __restrict x, const float* __restrict bias, float* y, size_t r0, size_t r1,
                   int channels) {
  for (size_t r = r0; r < r1; r++) {
    const float* xr = x + r * channels;
    float* yr = y + r * channels;
    for (int c = 0; c < channels; c++) yr[c] = xr[c] + bias[c];
  }
}

}  // namespace

void bias_add(const float* x, const float* bias, float* y, size_t rows, int channels) {
  const size_t n = rows * static_cast<size_t>(channels);
  // Below ~256K elements the pool's wake-up costs more than the second core saves.
  const int parts = n < (1u << 18) ? 1 : std::min<int>(pool().size() * 4, static_cast<int>(rows));
  if (parts <= 1) return bias_add_rows(x, bias, y, 0, rows, channels);
  pool().run(parts, [&](int part) {
    bias_add_rows(x, bias, y, rows * part / parts, rows * (part + 1) / parts, channels);
  });
}

}  // namespace motionfuse
