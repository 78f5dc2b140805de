#include "batch-norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "thread-pool.h"

namespace motionfuse {

namespace {
// Below this many values a pass runs on the calling thread (batch-1 inference, small layers).
constexpr long kParallelMinValues = 1L << 15;

int reduction_parts(long rows, long channels) {
  return rows * channels < kParallelMinValues ? 1 : static_cast<int>(std::min<long>(kReductionParts, rows));
}

int map_parts(long rows, long channels) {
  return rows * channels < kParallelMinValues ? 1 : static_cast<int>(std::min<long>(pool().size(), rows));
}

// Column sums of f(row, c) over the rows, each in kReductionParts partials (a fixed split of the
// rows, added in order), so the result does not depend on the thread count. `out` gets the sums
// of each of `count` quantities: out[q * channels + c].
template <int count, typename RowFn>
void column_sums(long rows, long channels, float* out, RowFn&& row_fn) {
  const int parts = reduction_parts(rows, channels);
  std::vector<float> partial(static_cast<size_t>(parts) * count * channels, 0.0f);
  pool().run(parts, [&](int part) {
    float* acc = partial.data() + static_cast<size_t>(part) * count * channels;
    for (long r = rows * part / parts; r < rows * (part + 1) / parts; r++) row_fn(r, acc);
  });
  for (long j = 0; j < count * channels; j++) {
    float s = 0.0f;
    for (int p = 0; p < parts; p++) s += partial[static_cast<size_t>(p) * count * channels + j];
    out[j] = s;
  }
}

// y[r, c] = (x[r, c] - centre[c]) a[c] + b[c] over row ranges split across the pool. Centring
// first rather than folding it into b keeps the digits of x near a large mean.
void scale_shift(const float* x, const float* centre, const float* a, const float* b, long rows, long channels,
                 float* y) {
  const int parts = map_parts(rows, channels);
  pool().run(parts, [&](int part) {
    for (long r = rows * part / parts; r < rows * (part + 1) / parts; r++) {
      const float* xr = x + r * channels;
      float* yr = y + r * channels;
      for (long c = 0; c < channels; c++) yr[c] = (xr[c] - centre[c]) * a[c] + b[c];
    }
  });
}
}  // namespace

void batch_norm_training(const float* x, const float* gamma, const float* beta, float epsilon, long rows, long channels,
                         float* y, float* mean, float* variance) {
  // Two passes (mean, then squared deviations): the one-pass E[x^2] - E[x]^2 loses digits when
  // the mean is large against the spread.
  column_sums<1>(rows, channels, mean, [&](long r, float* acc) {
    const float* xr = x + r * channels;
    for (long c = 0; c < channels; c++) acc[c] += xr[c];
  });
  const float inv_rows = 1.0f / static_cast<float>(rows);
  for (long c = 0; c < channels; c++) mean[c] *= inv_rows;
  column_sums<1>(rows, channels, variance, [&](long r, float* acc) {
    const float* xr = x + r * channels;
    for (long c = 0; c < channels; c++) {
      const float d = xr[c] - mean[c];
      acc[c] += d * d;
    }
  });
  std::vector<float> a(channels);
  for (long c = 0; c < channels; c++) {
    variance[c] *= inv_rows;
    a[c] = gamma[c] / std::sqrt(variance[c] + epsilon);
  }
  scale_shift(x, mean, a.data(), beta, rows, channels, y);
}

void batch_norm_training_grad(const float* dy, const float* x, const float* gamma, const float* mean,
                              const float* variance, float epsilon, long rows, long channels, float* dx, float* dgamma,
                              float* dbeta) {
  // With xhat = (x - mean) inv and s = gamma inv (inv = 1 / sqrt(var + epsilon)):
  //   dbeta = sum dy, dgamma = sum dy xhat, dx = s dy - (s dgamma / N) xhat - s dbeta / N.
  std::vector<float> sums(2 * channels);
  column_sums<2>(rows, channels, sums.data(), [&](long r, float* acc) {
    const float* xr = x + r * channels;
    const float* dyr = dy + r * channels;
    for (long c = 0; c < channels; c++) {
      acc[c] += dyr[c];
      acc[channels + c] += dyr[c] * (xr[c] - mean[c]);
    }
  });
  const float inv_rows = 1.0f / static_cast<float>(rows);
  // dx = s dy + k (x - mean) + m, with k = -s inv dgamma / N and m = -s dbeta / N.
  std::vector<float> s(channels), k(channels), m(channels);
  for (long c = 0; c < channels; c++) {
    const float inv = 1.0f / std::sqrt(variance[c] + epsilon);
    dbeta[c] = sums[c];
    dgamma[c] = sums[channels + c] * inv;
    s[c] = gamma[c] * inv;
    k[c] = -s[c] * inv * dgamma[c] * inv_rows;
    m[c] = -s[c] * dbeta[c] * inv_rows;
  }
  const int parts = map_parts(rows, channels);
  pool().run(parts, [&](int part) {
    for (long r = rows * part / parts; r < rows * (part + 1) / parts; r++) {
      const float* xr = x + r * channels;
      const float* dyr = dy + r * channels;
      float* dxr = dx + r * channels;
      for (long c = 0; c < channels; c++) dxr[c] = s[c] * dyr[c] + k[c] * (xr[c] - mean[c]) + m[c];
    }
  });
}

void batch_norm_inference(const float* x, const float* mean, const float* variance, const float* offset,
                          const float* scale, float epsilon, long rows, long channels, float* y) {
  std::vector<float> a(channels), b(channels);
  for (long c = 0; c < channels; c++) {
    a[c] = (scale == nullptr ? 1.0f : scale[c]) / std::sqrt(variance[c] + epsilon);
    b[c] = offset == nullptr ? 0.0f : offset[c];
  }
  scale_shift(x, mean, a.data(), b.data(), rows, channels, y);
}

}  // namespace motionfuse
