#include "elementwise.h"

#include <algorithm>
#include <vector>

#include "simd.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {
// Below this many values a kernel runs on the calling thread.
constexpr long kParallelMinValues = 1L << 15;
}  // namespace

void activation(Activation f, const float* x, float* y, long n) {
  const SimdKernels& k = simd();
  auto fn = f == Activation::Tanh ? k.tanh : k.sigmoid;
  const int parts = n < kParallelMinValues ? 1 : pool().size();
  pool().run(parts, [&](int part) {
    // Part boundaries on multiples of 8 keep every part but the last on whole vectors.
    const long a = (n * part / parts) & ~7L;
    const long b = part + 1 == parts ? n : (n * (part + 1) / parts) & ~7L;
    fn(x + a, y + a, b - a);
  });
}

void sum_leading(const float* x, long outer, long inner, float scale, float* out) {
  // A fixed number of partials (kReductionParts), so the sum does not depend on the thread count.
  const int parts = outer * inner < kParallelMinValues || outer < 2 ? 1 : static_cast<int>(std::min<long>(kReductionParts, outer));
  std::vector<std::vector<float>> partial(parts, std::vector<float>(inner, 0.0f));
  pool().run(parts, [&](int part) {
    float* acc = partial[part].data();
    for (long r = outer * part / parts; r < outer * (part + 1) / parts; r++) {
      const float* row = x + r * inner;
      for (long j = 0; j < inner; j++) acc[j] += row[j];
    }
  });
  for (long j = 0; j < inner; j++) {
    float s = 0.0f;
    for (int p = 0; p < parts; p++) s += partial[p][j];
    out[j] = s * scale;
  }
}

void sum_trailing(const float* x, long outer, long inner, float scale, float* out) {
  const int parts = outer * inner < kParallelMinValues || outer < 2 ? 1 : std::min<long>(pool().size(), outer);
  pool().run(parts, [&](int part) {
    for (long r = outer * part / parts; r < outer * (part + 1) / parts; r++) {
      const float* row = x + r * inner;
      // Eight running sums: vectorisable, and more accurate than one over a long row.
      float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      long j = 0;
      for (; j + 8 <= inner; j += 8) {
        for (int l = 0; l < 8; l++) lanes[l] += row[j + l];
      }
      float s = 0.0f;
      for (; j < inner; j++) s += row[j];
      for (int l = 0; l < 8; l++) s += lanes[l];
      out[r] = s * scale;
    }
  });
}

}  // namespace motionfuse
