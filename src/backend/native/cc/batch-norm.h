// Batch normalisation over the rows of x [rows, channels] (channels last): training forward with
// the batch's moments, its gradient, and inference with given statistics.
#pragma once

namespace motionfuse {

// y = gamma (x - mean) / sqrt(var + epsilon) + beta, with mean and biased var of each channel over
// the rows (written to mean and variance). rows >= 1.
void batch_norm_training(const float* x, const float* gamma, const float* beta, float epsilon, long rows, long channels,
                         float* y, float* mean, float* variance);

// Its gradient from dy and the forward's inputs and moments: dx [rows, channels], dgamma, dbeta.
void batch_norm_training_grad(const float* dy, const float* x, const float* gamma, const float* mean,
                              const float* variance, float epsilon, long rows, long channels, float* dx, float* dgamma,
                              float* dbeta);

// y = (x - mean) scale / sqrt(var + epsilon) + offset per channel; scale or offset may be null
// (1 and 0), as tfjs's FusedBatchNorm.
void batch_norm_inference(const float* x, const float* mean, const float* variance, const float* offset,
                          const float* scale, float epsilon, long rows, long channels, float* y);

}  // namespace motionfuse
