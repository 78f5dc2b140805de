#include "pool.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "thread-pool.h"

namespace motionfuse {

namespace {

constexpr float kMinusInf = -std::numeric_limits<float>::infinity();

// Below this many input values a pool runs on the calling thread: waking the pool costs more than
// the work, and batch-1 inference must not spin a second core (see docs/performance.md, 9).
constexpr long long kSerialBelow = 1 << 16;

// Runs fn(b0, b1) over batch ranges, on the pool when the tensor is large.
template <typename Fn>
void for_batches(const PoolShape& s, Fn fn) {
  const long long values = static_cast<long long>(s.batch) * s.in_h * s.in_w * s.channels;
  const int parts = values < kSerialBelow ? 1 : std::min(pool().size(), s.batch);
  if (parts <= 1) {
    fn(0, s.batch);
    return;
  }
  pool().run(parts, [&](int part) { fn(s.batch * part / parts, s.batch * (part + 1) / parts); });
}

// m[c] = max(m[c], v[c]); NaN never wins (v > m is false for it), as in the CPU backend's scan.
inline void max_into(const float* __restrict v, float* __restrict m, int C) {
  for (int c = 0; c < C; c++) m[c] = v[c] > m[c] ? v[c] : m[c];
}

// best[c] = max over the window [h_min, h_max) x [w_min, w_max) of image xb.
inline void window_max(const PoolShape& s, const float* xb, int h_min, int h_max, int w_min, int w_max, float* best) {
  std::fill_n(best, s.channels, kMinusInf);
  for (int h = h_min; h < h_max; h++) {
    for (int w = w_min; w < w_max; w++) {
      max_into(xb + (static_cast<size_t>(h) * s.in_w + w) * s.channels, best, s.channels);
    }
  }
}

// d[c] += g[c] where v[c] is the maximum m[c] and channel c has not taken its gradient yet
// (t[c] == 0; set to all ones once taken). Bit masks rather than branches, so it vectorises:
// adding +0 where there is no hit leaves d unchanged, even when g is inf or NaN.
inline void take_first(const float* __restrict v, const float* __restrict m, const float* __restrict g,
                       uint32_t* __restrict t, float* __restrict d, int C) {
  for (int c = 0; c < C; c++) {
    const uint32_t hit = (0u - static_cast<uint32_t>(v[c] == m[c])) & ~t[c];
    uint32_t gb;
    std::memcpy(&gb, g + c, 4);
    gb &= hit;
    float add;
    std::memcpy(&add, &gb, 4);
    d[c] += add;
    t[c] |= hit;
  }
}

// Calls fn(oh, ow, h_min, h_max, w_min, w_max) for each output position, with its window's rows
// [h_min, h_max) and columns [w_min, w_max) clipped to the image.
template <typename Fn>
void for_each_window(const PoolShape& s, Fn&& fn) {
  for (int oh = 0; oh < s.out_h; oh++) {
    const int h0 = oh * s.stride_h - s.pad_top;
    const int h_min = std::max(0, h0), h_max = std::min(s.in_h, h0 + s.filter_h);
    for (int ow = 0; ow < s.out_w; ow++) {
      const int w0 = ow * s.stride_w - s.pad_left;
      fn(oh, ow, h_min, h_max, std::max(0, w0), std::min(s.in_w, w0 + s.filter_w));
    }
  }
}

}  // namespace

void max_pool_forward(const PoolShape& s, const float* x, float* y) {
  const int C = s.channels;
  for_batches(s, [&](int b0, int b1) {
    for (int b = b0; b < b1; b++) {
      const float* xb = x + static_cast<size_t>(b) * s.in_h * s.in_w * C;
      for_each_window(s, [&](int oh, int ow, int h_min, int h_max, int w_min, int w_max) {
        window_max(s, xb, h_min, h_max, w_min, w_max, y + ((static_cast<size_t>(b) * s.out_h + oh) * s.out_w + ow) * C);
      });
    }
  });
}

// Two branch-free passes per window instead of an argmax scan with an index per channel (which
// GCC left scalar, with a mispredicted branch per value: 4x slower): the window's maximum, then
// dy to the first element equal to it. A maximum of -inf (all NaN or -inf) takes no gradient, as
// the CPU backend's argmax stays unset then. Each thread zeroes and fills its own images.
void max_pool_backprop(const PoolShape& s, const float* x, const float* dy, float* dx) {
  const int C = s.channels;
  const size_t image = static_cast<size_t>(s.in_h) * s.in_w * C;
  for_batches(s, [&](int b0, int b1) {
    std::vector<float> best(C);
    std::vector<uint32_t> taken(C);
    for (int b = b0; b < b1; b++) {
      const float* xb = x + b * image;
      float* dxb = dx + b * image;
      std::fill_n(dxb, image, 0.0f);
      for_each_window(s, [&](int oh, int ow, int h_min, int h_max, int w_min, int w_max) {
        float* m = best.data();
        uint32_t* t = taken.data();
        window_max(s, xb, h_min, h_max, w_min, w_max, m);
        for (int c = 0; c < C; c++) t[c] = m[c] > kMinusInf ? 0u : ~0u;
        const float* g = dy + ((static_cast<size_t>(b) * s.out_h + oh) * s.out_w + ow) * C;
        for (int h = h_min; h < h_max; h++) {
          for (int w = w_min; w < w_max; w++) {
            const size_t at = (static_cast<size_t>(h) * s.in_w + w) * C;
            take_first(xb + at, m, g, t, dxb + at, C);
          }
        }
      });
    }
  });
}

}  // namespace motionfuse
