// Additive temporal attention pooling (TemporalAttentionPooling) forward and gradient on raw
// buffers: s = tanh(x W + b) v, w = softmax over time of s, out = sum_t w_t x_t.
// x [B, T, F], W [F, U], b [U], v [U]; hidden [B*T, U] (the tanh activations, row b*T + t),
// weights [B, T]; out [B, F].
#pragma once

namespace motionfuse {

struct AttentionShape {
  int B, T, F, U;
};

// hidden and weights may be null (inference): they are then kept in scratch memory.
void attention_pool_forward(AttentionShape s, const float* x, const float* W, const float* b, const float* v, float* out,
                            float* hidden, float* weights);

// dout [B, F] -> dx [B, T, F], dW [F, U], db [U], dv [U], from the forward's hidden and weights.
void attention_pool_backward(AttentionShape s, const float* dout, const float* x, const float* W, const float* v,
                             const float* hidden, const float* weights, float* dx, float* dW, float* db, float* dv);

}  // namespace motionfuse
