#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "simd.h"
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

int direct_max_in_c = 16;

// Few output channels: the direct kernels beat im2col + GEMM (see conv2d-direct-kernels.inc).
bool use_direct(const ConvShape& s) {
  return (s.out_c == 8 || s.out_c == 16 || s.out_c == 24 || s.out_c == 32) && s.in_c <= direct_max_in_c;
}

void direct_forward(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu, float* y) {
  const int rows = s.batch * s.out_h;
  const int tasks = std::min(rows, pool().size() * 8);
  pool().run(tasks, [&](int task) {
    const int row0 = static_cast<int>(static_cast<long long>(rows) * task / tasks);
    const int row1 = static_cast<int>(static_cast<long long>(rows) * (task + 1) / tasks);
    simd().conv2d_direct_rows(s, x, filter, bias, relu, y + static_cast<size_t>(row0) * s.out_w * s.out_c, row0, row1);
  });
}

void direct_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter) {
  const int rows = s.batch * s.out_h;
  const size_t size = static_cast<size_t>(s.patch_len()) * s.out_c;
  const int parts = std::max(1, std::min(kReductionParts, rows));
  // A fixed number of partial sums added up in order, as in conv2d_backprop_filter below.
  std::vector<std::vector<float>> partial(parts - 1, std::vector<float>(size, 0.0f));
  std::fill_n(dfilter, size, 0.0f);
  pool().run(parts, [&](int part) {
    simd().conv2d_direct_filter_rows(s, x, dy, part == 0 ? dfilter : partial[part - 1].data(),
                                     static_cast<int>(static_cast<long long>(rows) * part / parts),
                                     static_cast<int>(static_cast<long long>(rows) * (part + 1) / parts));
  });
  for (const auto& p : partial) {
    for (size_t i = 0; i < size; i++) dfilter[i] += p[i];
  }
}

// The input gradient at stride 1 is a forward convolution of dy with the filter flipped in space and its
// channel axes swapped, so dx with few channels (and dy with few) takes the direct kernels as well.
bool use_direct_input(const ConvShape& s) {
  return s.stride_h == 1 && s.stride_w == 1 && (s.in_c == 8 || s.in_c == 16 || s.in_c == 24 || s.in_c == 32) &&
         s.out_c <= direct_max_in_c;
}

void direct_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  ConvShape t = s;
  t.in_h = s.out_h;
  t.in_w = s.out_w;
  t.in_c = s.out_c;
  t.out_h = s.in_h;
  t.out_w = s.in_w;
  t.out_c = s.in_c;
  t.pad_top = s.dilation_h * (s.filter_h - 1) - s.pad_top;
  t.pad_left = s.dilation_w * (s.filter_w - 1) - s.pad_left;
  thread_local std::vector<float> flipped;
  flipped.resize(static_cast<size_t>(s.patch_len()) * s.out_c);
  for (int kh = 0; kh < s.filter_h; kh++)
    for (int kw = 0; kw < s.filter_w; kw++) {
      const float* src = filter + static_cast<size_t>(kh * s.filter_w + kw) * s.in_c * s.out_c;
      float* dst = flipped.data() +
                   static_cast<size_t>((s.filter_h - 1 - kh) * s.filter_w + (s.filter_w - 1 - kw)) * s.in_c * s.out_c;
      for (int ci = 0; ci < s.in_c; ci++)
        for (int co = 0; co < s.out_c; co++) dst[co * s.in_c + ci] = src[ci * s.out_c + co];
    }
  direct_forward(t, dy, flipped.data(), nullptr, false, dx);
}

}  // namespace

void bias_relu_epilogue(float* y, size_t rows, int C, const float* bias, bool relu) {
  for (size_t r = 0; r < rows; r++) {
    float* o = y + r * C;
    for (int c = 0; c < C; c++) {
      const float v = bias != nullptr ? o[c] + bias[c] : o[c];
      o[c] = relu && v < 0.0f ? 0.0f : v;
    }
  }
}

void set_conv_direct_max_in_c(int n) { direct_max_in_c = n; }

void conv2d_forward_bias_relu(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,
                              float* y) {
  if (use_direct(s)) return direct_forward(s, x, filter, bias, relu, y);
  conv2d_forward(s, x, filter, y);
  bias_relu_epilogue(y, static_cast<size_t>(s.rows()), s.out_c, bias, relu);
}

void conv2d_bias_relu_rows(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,
                           float* y, int row0, int row1) {
  if (use_direct(s)) return simd().conv2d_direct_rows(s, x, filter, bias, relu, y, row0, row1);
  const int plen = s.patch_len();
  const int r_end = row1 * s.out_w;
  const int chunk = rows_per_chunk(s);
  patch_buffer.resize(static_cast<size_t>(chunk) * plen);
  for (int r0 = row0 * s.out_w; r0 < r_end; r0 += chunk) {
    const int r1 = std::min(r_end, r0 + chunk);
    float* out = y + static_cast<size_t>(r0 - row0 * s.out_w) * s.out_c;
    im2col(s, x, r0, r1, patch_buffer.data());
    gemm_serial(r1 - r0, s.out_c, plen, MatrixRef{patch_buffer.data(), plen, false}, MatrixRef{filter, s.out_c, false},
                out, s.out_c, false);
    bias_relu_epilogue(out, static_cast<size_t>(r1 - r0), s.out_c, bias, relu);
  }
}

void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y) {
  if (use_direct(s)) return direct_forward(s, x, filter, nullptr, false, y);
  const int rows = s.rows();
  const int plen = s.patch_len();
  // As many tasks as the cache-sized chunks need, rounded up to a multiple of the threads and
  // evened out: 1,024 rows in chunks of 409 ran as 409 + 409 + 206 on two threads (two rounds
  // for one and a half rounds of work); UTD-MHAD's 1-D convolutions have such shapes.
  const int threads = pool().size();
  const int tasks = ((rows + rows_per_chunk(s) - 1) / rows_per_chunk(s) + threads - 1) / threads * threads;
  const int chunk = (rows + tasks - 1) / tasks;
  pool().run(tasks, [&](int task) {
    const int r0 = std::min(rows, task * chunk);
    const int r1 = std::min(rows, r0 + chunk);
    if (r0 == r1) return;
    patch_buffer.resize(static_cast<size_t>(chunk) * plen);
    im2col(s, x, r0, r1, patch_buffer.data());
    gemm_serial(r1 - r0, s.out_c, plen, MatrixRef{patch_buffer.data(), plen, false}, MatrixRef{filter, s.out_c, false},
                y + static_cast<size_t>(r0) * s.out_c, s.out_c, false);
  });
}

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter) {
  // 16 -> 32 channels measured no faster direct (its 4 x 4 accumulator block spills AVX2's registers).
  if (use_direct(s) && (s.out_c <= 16 || s.in_c <= 8)) return direct_backprop_filter(s, x, dy, dfilter);
  const int rows = s.rows();
  const int plen = s.patch_len();
  const size_t size = static_cast<size_t>(plen) * s.out_c;
  const int chunk = rows_per_chunk(s);
  // One part per chunk, rounded up to an even count (at most kReductionParts): three parts of 1,024
  // rows on two threads left one idle a third of the time. The split depends on the shape alone,
  // so results stay the same on any number of threads.
  const int chunks = (rows + chunk - 1) / chunk;
  const int parts = std::max(1, std::min(kReductionParts, std::min(rows, chunks + chunks % 2)));
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
  if (use_direct_input(s)) return direct_backprop_input(s, dy, filter, dx);
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

}  // namespace motionfuse
