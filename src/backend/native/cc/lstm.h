// A whole LSTM layer over a sequence, forward and backpropagation through time, on raw buffers.
// Shapes and gate order match MotionfuseLstmSequenceForward/Backward (src/backend/wasm-kernels):
// x [B, T, I], W [I, 4H], U [H, 4H], bias [4H], gates i, f, g, o, zero initial state;
// h [B, T, H]; c, tanh_c [T, B, H]; gates [T, B, 4H] (activated).
#pragma once

namespace motionfuse {

struct LstmShape {
  int B, T, I, H;
};

void lstm_forward(LstmShape s, const float* x, const float* W, const float* U, const float* bias, float* h, float* c,
                  float* tanh_c, float* gates);

// dy [B, T, H] -> dx [B, T, I], dW [I, 4H], dU [H, 4H], db [4H].
void lstm_backward(LstmShape s, const float* dy, const float* x, const float* W, const float* U, const float* h,
                   const float* c, const float* tanh_c, const float* gates, float* dx, float* dW, float* dU, float* db);

}  // namespace motionfuse
