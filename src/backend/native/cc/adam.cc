#include "adam.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MF_ADAM_X86 1
#endif

#include "thread-pool.h"

namespace motionfuse {
namespace {

// Every operation rounds to float32 once, in tfjs's order: no fused multiply-add may form. The
// x86-64 baseline this file is built for has none; on arm64 (where GCC contracts a * b + c by
// default) an empty asm statement keeps the product a separate, rounded value.
inline float rounded(float x) {
#if defined(__aarch64__)
  asm("" : "+w"(x));
#endif
  return x;
}

struct Scalars {
  float b1, b2, c1, c2, eps, neg_lr, d1, d2;
};

Scalars scalars(const AdamParams& p) {
  return {p.beta1,
          p.beta2,
          p.one_minus_beta1,
          p.one_minus_beta2,
          p.epsilon,
          -p.learning_rate,
          p.one_minus_acc_beta1,
          p.one_minus_acc_beta2};
}

// tfjs's AdamOptimizer.applyGradients for one element, op by op.
inline void adam_one(const Scalars& s, float x, float m, float v, float g, float* x_out, float* m_out, float* v_out) {
  const float m_new = rounded(m * s.b1) + rounded(g * s.c1);
  const float v_new = rounded(v * s.b2) + rounded(rounded(g * g) * s.c2);
  const float m_hat = m_new / s.d1;
  const float v_hat = v_new / s.d2;
  const float denom = __builtin_sqrtf(v_hat) + s.eps;
  const float step = rounded((m_hat / denom) * s.neg_lr);
  *m_out = m_new;
  *v_out = v_new;
  *x_out = step + x;
}

#if defined(MF_ADAM_X86)
// Eight at a time with AVX (not FMA, which would fuse roundings): the loop is bound by its three
// divisions and square root, which take about as long for eight floats as SSE for four.
__attribute__((target("avx"))) long adam_avx(const Scalars& s, const float* x, const float* m, const float* v,
                                             const float* g, float* x_out, float* m_out, float* v_out, long i,
                                             long end) {
  const __m256 b1 = _mm256_set1_ps(s.b1), b2 = _mm256_set1_ps(s.b2), c1 = _mm256_set1_ps(s.c1),
               c2 = _mm256_set1_ps(s.c2);
  const __m256 eps = _mm256_set1_ps(s.eps), neg_lr = _mm256_set1_ps(s.neg_lr), d1 = _mm256_set1_ps(s.d1),
               d2 = _mm256_set1_ps(s.d2);
  for (; i + 8 <= end; i += 8) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    const __m256 m_new = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), b1), _mm256_mul_ps(gi, c1));
    const __m256 v_new =
        _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), b2), _mm256_mul_ps(_mm256_mul_ps(gi, gi), c2));
    const __m256 m_hat = _mm256_div_ps(m_new, d1);
    const __m256 v_hat = _mm256_div_ps(v_new, d2);
    const __m256 denom = _mm256_add_ps(_mm256_sqrt_ps(v_hat), eps);
    const __m256 step = _mm256_mul_ps(_mm256_div_ps(m_hat, denom), neg_lr);
    _mm256_storeu_ps(m_out + i, m_new);
    _mm256_storeu_ps(v_out + i, v_new);
    _mm256_storeu_ps(x_out + i, _mm256_add_ps(step, _mm256_loadu_ps(x + i)));
  }
  return i;
}

bool has_avx() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx");
  }();
  return yes;
}
#endif

void adam_range(const AdamParams& p, const float* x, const float* m, const float* v, const float* g, float* x_out,
                float* m_out, float* v_out, long begin, long end) {
  const Scalars s = scalars(p);
  long i = begin;
#if defined(MF_ADAM_X86)
  if (has_avx()) i = adam_avx(s, x, m, v, g, x_out, m_out, v_out, i, end);
#endif
#if defined(__SSE2__)
  // Four at a time; sqrtps and divps are correctly rounded like their scalar forms.
  const __m128 b1 = _mm_set1_ps(s.b1), b2 = _mm_set1_ps(s.b2), c1 = _mm_set1_ps(s.c1), c2 = _mm_set1_ps(s.c2);
  const __m128 eps = _mm_set1_ps(s.eps), neg_lr = _mm_set1_ps(s.neg_lr), d1 = _mm_set1_ps(s.d1),
               d2 = _mm_set1_ps(s.d2);
  for (; i + 4 <= end; i += 4) {
    const __m128 gi = _mm_loadu_ps(g + i);
    const __m128 m_new = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(m + i), b1), _mm_mul_ps(gi, c1));
    const __m128 v_new = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(v + i), b2), _mm_mul_ps(_mm_mul_ps(gi, gi), c2));
    const __m128 m_hat = _mm_div_ps(m_new, d1);
    const __m128 v_hat = _mm_div_ps(v_new, d2);
    const __m128 denom = _mm_add_ps(_mm_sqrt_ps(v_hat), eps);
    const __m128 step = _mm_mul_ps(_mm_div_ps(m_hat, denom), neg_lr);
    const __m128 x_new = _mm_add_ps(step, _mm_loadu_ps(x + i));
    _mm_storeu_ps(m_out + i, m_new);
    _mm_storeu_ps(v_out + i, v_new);
    _mm_storeu_ps(x_out + i, x_new);
  }
#endif
  for (; i < end; i++) adam_one(s, x[i], m[i], v[i], g[i], x_out + i, m_out + i, v_out + i);
}

// Below this many floats a variable is updated on the calling thread: a pool hand-off costs more
// than the loop over it.
constexpr long kParallelMin = 1L << 16;
constexpr long kChunk = 1L << 14;

}  // namespace

void adam_update(const AdamParams& p, const float* x, const float* m, const float* v, const float* g, float* x_out,
                 float* m_out, float* v_out, long n) {
  if (n < kParallelMin || pool_threads() < 2) {
    adam_range(p, x, m, v, g, x_out, m_out, v_out, 0, n);
    return;
  }
  const int tasks = static_cast<int>((n + kChunk - 1) / kChunk);
  pool().run(tasks, [&](int t) {
    const long begin = static_cast<long>(t) * kChunk;
    const long end = begin + kChunk < n ? begin + kChunk : n;
    adam_range(p, x, m, v, g, x_out, m_out, v_out, begin, end);
  });
}

}  // namespace motionfuse
