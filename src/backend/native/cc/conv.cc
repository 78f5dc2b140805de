#include "conv.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "gemm.h"
#include "thread-pool.h"

namespace motionfuse {

namespace {

// Output rows per im2col chunk: the chunk's patches (rows x patch_len floats) stay within ~512 KiB.
int rows_per_chunk(const ConvShape& s) {
  return std::max(16, std::min(1024, (128 * 1024) / std::max(1, s.patch_len())));
}

// Patches of output rows [r0, r1) as a [r1 - r0, patch_len] matrix; zeros where the window is in padding.
void im2col(const ConvShape& s, const float* x, int r0, int r1, float* out) {
  const int plen = s.patch_len();
  for (int r = r0; r < r1; r++) {
    const int ow = r % s.out_w;
    const int oh = (r / s.out_w) % s.out_h;
    const int b = r / (s.out_w * s.out_h);
    float* o = out + static_cast<size_t>(r - r0) * plen;
    for (int kh = 0; kh < s.filter_h; kh++) {
      const int ih = oh * s.stride_h + kh * s.dilation_h - s.pad_top;
      for (int kw = 0; kw < s.filter_w; kw++) {
        const int iw = ow * s.stride_w + kw * s.dilation_w - s.pad_left;
        float* dst = o + (kh * s.filter_w + kw) * s.in_c;
        if (ih < 0 || ih >= s.in_h || iw < 0 || iw >= s.in_w) {
          std::fill_n(dst, s.in_c, 0.0f);
        } else {
          std::memcpy(dst, x + ((static_cast<size_t>(b) * s.in_h + ih) * s.in_w + iw) * s.in_c, s.in_c * sizeof(float));
        }
      }
    }
  }
}

// Adds a [r1 - r0, patch_len] matrix of patch gradients back onto dx.
void col2im_add(const ConvShape& s, const float* cols, int r0, int r1, float* dx) {
  const int plen = s.patch_len();
  for (int r = r0; r < r1; r++) {
    const int ow = r % s.out_w;
    const int oh = (r / s.out_w) % s.out_h;
    const int b = r / (s.out_w * s.out_h);
    const float* src = cols + static_cast<size_t>(r - r0) * plen;
    for (int kh = 0; kh < s.filter_h; kh++) {
      const int ih = oh * s.stride_h + kh * s.dilation_h - s.pad_top;
      if (ih < 0 || ih >= s.in_h) continue;
      for (int kw = 0; kw < s.filter_w; kw++) {
        const int iw = ow * s.stride_w + kw * s.dilation_w - s.pad_left;
        if (iw < 0 || iw >= s.in_w) continue;
        float* d = dx + ((static_cast<size_t>(b) * s.in_h + ih) * s.in_w + iw) * s.in_c;
        const float* g = src + (kh * s.filter_w + kw) * s.in_c;
        for (int c = 0; c < s.in_c; c++) d[c] += g[c];
      }
    }
  }
}

thread_local std::vector<float> patch_buffer;

}  // namespace

void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y) {
  const int rows = s.rows();
  const int plen = s.patch_len();
  const int chunk = rows_per_chunk(s);
  const int tasks = (rows + chunk - 1) / chunk;
  pool().run(tasks, [&](int task) {
    const int r0 = task * chunk;
    const int r1 = std::min(rows, r0 + chunk);
    patch_buffer.resize(static_cast<size_t>(chunk) * plen);
    im2col(s, x, r0, r1, patch_buffer.data());
    gemm_serial(r1 - r0, s.out_c, plen, MatrixRef{patch_buffer.data(), plen, false}, MatrixRef{filter, s.out_c, false},
                y + static_cast<size_t>(r0) * s.out_c, s.out_c, false);
  });
}

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter) {
  const int rows = s.rows();
  const int plen = s.patch_len();
  const size_t size = static_cast<size_t>(plen) * s.out_c;
  const int chunk = rows_per_chunk(s);
  const int parts = std::max(1, std::min(kReductionParts, (rows + chunk - 1) / chunk));
  // A fixed number of partial sums (not one per thread: see kReductionParts), added up in order
  // at the end (part 0 writes straight into dfilter).
  std::vector<std::vector<float>> partial(parts - 1, std::vector<float>(size));
  pool().run(parts, [&](int part) {
    float* acc = part == 0 ? dfilter : partial[part - 1].data();
    const int p0 = static_cast<int>(static_cast<long long>(rows) * part / parts);
    const int p1 = static_cast<int>(static_cast<long long>(rows) * (part + 1) / parts);
    patch_buffer.resize(static_cast<size_t>(chunk) * plen);
    bool first = true;
    for (int r0 = p0; r0 < p1; r0 += chunk) {
      const int r1 = std::min(p1, r0 + chunk);
      im2col(s, x, r0, r1, patch_buffer.data());
      gemm_serial(plen, s.out_c, r1 - r0, MatrixRef{patch_buffer.data(), plen, true},
                  MatrixRef{dy + static_cast<size_t>(r0) * s.out_c, s.out_c, false}, acc, s.out_c, !first);
      first = false;
    }
    if (first) std::fill_n(acc, size, 0.0f);
  });
  for (const auto& p : partial) {
    for (size_t i = 0; i < size; i++) dfilter[i] += p[i];
  }
}

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  const int plen = s.patch_len();
  const int rows_per_image = s.out_h * s.out_w;
  std::fill_n(dx, static_cast<size_t>(s.batch) * s.in_h * s.in_w * s.in_c, 0.0f);
  if (rows_per_image == 0) return;
  const int chunk = rows_per_chunk(s);
  // Images are split across threads: their dx regions are disjoint, so no two threads add to one value.
  const int parts = std::min(pool().size(), s.batch);
  pool().run(parts, [&](int part) {
    const int b0 = s.batch * part / parts;
    const int b1 = s.batch * (part + 1) / parts;
    patch_buffer.resize(static_cast<size_t>(chunk) * plen);
    for (int r0 = b0 * rows_per_image; r0 < b1 * rows_per_image; r0 += chunk) {
      const int r1 = std::min(b1 * rows_per_image, r0 + chunk);
      gemm_serial(r1 - r0, plen, s.out_c, MatrixRef{dy + static_cast<size_t>(r0) * s.out_c, s.out_c, false},
                  MatrixRef{filter, s.out_c, true}, patch_buffer.data(), plen, false);
      col2im_add(s, patch_buffer.data(), r0, r1, dx);
    }
  });
}

void max_pool_backprop(const PoolShape& s, const float* x, const float* dy, float* dx) {
  const int C = s.channels;
  std::fill_n(dx, static_cast<size_t>(s.batch) * s.in_h * s.in_w * C, 0.0f);
  const int parts = std::min(pool().size(), s.batch);
  pool().run(parts, [&](int part) {
    std::vector<float> best(C);
    std::vector<long long> at(C);
    for (int b = s.batch * part / parts; b < s.batch * (part + 1) / parts; b++) {
      const size_t xb = static_cast<size_t>(b) * s.in_h * s.in_w * C;
      for (int oh = 0; oh < s.out_h; oh++) {
        const int h0 = oh * s.stride_h - s.pad_top;
        const int h_min = std::max(0, h0), h_max = std::min(s.in_h, h0 + s.filter_h);
        for (int ow = 0; ow < s.out_w; ow++) {
          const int w0 = ow * s.stride_w - s.pad_left;
          const int w_min = std::max(0, w0), w_max = std::min(s.in_w, w0 + s.filter_w);
          std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
          std::fill(at.begin(), at.end(), -1);
          for (int h = h_min; h < h_max; h++) {
            for (int w = w_min; w < w_max; w++) {
              const size_t base = xb + (static_cast<size_t>(h) * s.in_w + w) * C;
              for (int c = 0; c < C; c++) {
                if (x[base + c] > best[c]) {
                  best[c] = x[base + c];
                  at[c] = static_cast<long long>(base + c);
                }
              }
            }
          }
          const float* g = dy + ((static_cast<size_t>(b) * s.out_h + oh) * s.out_w + ow) * C;
          for (int c = 0; c < C; c++) {
            if (at[c] >= 0) dx[at[c]] += g[c];
          }
        }
      }
    }
  });
}

}  // namespace motionfuse
