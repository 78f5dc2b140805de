// Inference-only layer kernels for compiled forwards (src/models/inference): nothing is saved for
// a backward pass, scratch lives in thread-local buffers kept between calls, and products stay on
// the calling thread below gemm's threading threshold (batch-1 latency; docs/performance.md 9).
#pragma once

namespace motionfuse {

// y[N] (+)= x[K] . A[K x N] (A row-major with row stride lda): the batch-1 product, without the
// 6-row micro-kernel's five empty rows.
void gemv(int K, int N, const float* x, const float* A, int lda, float* y, bool accumulate);

enum class DenseActivation { Linear = 0, Relu = 1, Tanh = 2, Sigmoid = 3, Softmax = 4 };
// y[M x N] = act(x[M x K] . W[K x N] + bias) (bias may be null); softmax is per row.
void dense_forward(int M, int K, int N, const float* x, const float* W, const float* bias, DenseActivation act, float* y);
// The activation alone, in place on rows of N.
void apply_activation(DenseActivation act, float* y, long rows, int N);

// An LSTM layer (gates i, f, g, o, logistic sigmoid, zero initial state) without the saved gate
// and cell sequences: x [B, T, I] -> h [B, T, H] (sequences) or [B, H] (last step only).
void lstm_infer(int B, int T, int I, int H, const float* x, const float* W, const float* U, const float* bias, float* h,
                bool sequences);

// Additive attention pooling: s_t = v . tanh(x_t W + b), w = softmax_t(s), y = sum_t w_t x_t;
// x [B, T, F], W [F, U], b [U], v [U] -> y [B, F].
void attention_pool(int B, int T, int F, int U, const float* x, const float* W, const float* b, const float* v, float* y);

}  // namespace motionfuse
