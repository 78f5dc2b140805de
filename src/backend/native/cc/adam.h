// The Adam update of one variable, fused: what tfjs's AdamOptimizer does with ~15 kernels.
#pragma once

namespace motionfuse {

struct AdamParams {
  float learning_rate;
  float beta1;
  float beta2;
  float epsilon;
  // 1 - beta1 and 1 - beta2 computed in double (JavaScript) and then rounded, as tfjs does.
  float one_minus_beta1;
  float one_minus_beta2;
  // 1 - beta1^t and 1 - beta2^t, as tfjs computes them from its accBeta variables (float32).
  float one_minus_acc_beta1;
  float one_minus_acc_beta2;
};

// For i < n: m' = m beta1 + g (1 - beta1); v' = v beta2 + g^2 (1 - beta2);
// x' = (m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + epsilon) * -lr + x.
// Every operation rounds to float32 in tfjs's order, so results equal the stock ops'. Outputs
// may alias their inputs.
void adam_update(const AdamParams& p, const float* x, const float* m, const float* v, const float* g, float* x_out,
                 float* m_out, float* v_out, long n);

}  // namespace motionfuse
