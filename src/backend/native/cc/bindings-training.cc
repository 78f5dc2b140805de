// N-API bindings: fused training kernels: attention pooling, BatchNorm, the Adam update.
#include "napi-args.h"
#include "attention.h"
#include "batch-norm.h"
#include "adam.h"

namespace motionfuse::bindings {
namespace {

// attentionPoolForward(x, W, b, v, out, hidden, weights, B, T, F, U): hidden [B*T, U] and weights
// [B, T] may be null (not kept).
napi_value AttentionPoolForward(napi_env env, napi_callback_info info) {
  return guarded(env, "attentionPoolForward", [&]() -> napi_value {
    Args args(env, info, 11);
    const int B = args.integer(7, "B", 1), T = args.integer(8, "T", 1), F = args.integer(9, "F", 1), U = args.integer(10, "U", 1);
    napi_valuetype hidden_type, weights_type;
    napi_value argv[7];
    size_t argc = 7;
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    napi_typeof(env, argv[5], &hidden_type);
    napi_typeof(env, argv[6], &weights_type);
    float* hidden = hidden_type == napi_null ? nullptr : args.floats(5, product({B, T, U}), "hidden");
    float* weights = weights_type == napi_null ? nullptr : args.floats(6, product({B, T}), "weights");
    motionfuse::attention_pool_forward({B, T, F, U}, args.floats(0, product({B, T, F}), "x"), args.floats(1, product({F, U}), "W"),
                                       args.floats(2, U, "b"), args.floats(3, U, "v"), args.floats(4, product({B, F}), "out"),
                                       hidden, weights);
    return undefined(env);
  });
}

// attentionPoolBackward(dout, x, W, v, hidden, weights, dx, dW, db, dv, B, T, F, U)
napi_value AttentionPoolBackward(napi_env env, napi_callback_info info) {
  return guarded(env, "attentionPoolBackward", [&]() -> napi_value {
    Args args(env, info, 14);
    const int B = args.integer(10, "B", 1), T = args.integer(11, "T", 1), F = args.integer(12, "F", 1), U = args.integer(13, "U", 1);
    motionfuse::attention_pool_backward(
        {B, T, F, U}, args.floats(0, product({B, F}), "dout"), args.floats(1, product({B, T, F}), "x"),
        args.floats(2, product({F, U}), "W"), args.floats(3, U, "v"), args.floats(4, product({B, T, U}), "hidden"),
        args.floats(5, product({B, T}), "weights"), args.floats(6, product({B, T, F}), "dx"), args.floats(7, product({F, U}), "dW"),
        args.floats(8, U, "db"), args.floats(9, U, "dv"));
    return undefined(env);
  });
}

// batchNormTraining(x, gamma, beta, y, mean, variance, rows, channels, epsilon): x and y [rows, channels].
napi_value BatchNormTraining(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNormTraining", [&]() -> napi_value {
    Args args(env, info, 9);
    const int rows = args.integer(6, "rows", 1), channels = args.integer(7, "channels", 1);
    const float epsilon = static_cast<float>(args.number(8, "epsilon"));
    motionfuse::batch_norm_training(args.floats(0, product({rows, channels}), "x"), args.floats(1, channels, "gamma"),
                                    args.floats(2, channels, "beta"), epsilon, rows, channels,
                                    args.floats(3, product({rows, channels}), "y"), args.floats(4, channels, "mean"),
                                    args.floats(5, channels, "variance"));
    return undefined(env);
  });
}

// batchNormTrainingGrad(dy, x, gamma, mean, variance, dx, dgamma, dbeta, rows, channels, epsilon)
napi_value BatchNormTrainingGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNormTrainingGrad", [&]() -> napi_value {
    Args args(env, info, 11);
    const int rows = args.integer(8, "rows", 1), channels = args.integer(9, "channels", 1);
    const float epsilon = static_cast<float>(args.number(10, "epsilon"));
    const size_t n = product({rows, channels});
    motionfuse::batch_norm_training_grad(
        args.floats(0, n, "dy"), args.floats(1, n, "x"), args.floats(2, channels, "gamma"), args.floats(3, channels, "mean"),
        args.floats(4, channels, "variance"), epsilon, rows, channels, args.floats(5, n, "dx"),
        args.floats(6, channels, "dgamma"), args.floats(7, channels, "dbeta"));
    return undefined(env);
  });
}

// batchNormInference(x, mean, variance, offset, scale, y, rows, channels, epsilon, hasOffset, hasScale):
// offset and scale are read only when their flag is set (else 0 and 1).
napi_value BatchNormInference(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNormInference", [&]() -> napi_value {
    Args args(env, info, 11);
    const int rows = args.integer(6, "rows"), channels = args.integer(7, "channels", 1);
    const float epsilon = static_cast<float>(args.number(8, "epsilon"));
    const bool has_offset = args.boolean(9, "hasOffset"), has_scale = args.boolean(10, "hasScale");
    motionfuse::batch_norm_inference(args.floats(0, product({rows, channels}), "x"), args.floats(1, channels, "mean"),
                                     args.floats(2, channels, "variance"),
                                     has_offset ? args.floats(3, channels, "offset") : nullptr,
                                     has_scale ? args.floats(4, channels, "scale") : nullptr, epsilon, rows, channels,
                                     args.floats(5, product({rows, channels}), "y"));
    return undefined(env);
  });
}

// adamUpdate(x, m, v, g, xOut, mOut, vOut, n, params): one variable's Adam step; params
// [learningRate, beta1, beta2, epsilon, 1 - beta1, 1 - beta2, 1 - accBeta1, 1 - accBeta2], each
// rounded to float32 as tfjs's scalar tensors are. Outputs may alias inputs.
napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, "adamUpdate", [&]() -> napi_value {
    Args args(env, info, 9);
    const int n = args.integer(7, "n");
    const float* p = args.floats(8, 8, "params");
    const motionfuse::AdamParams params{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]};
    motionfuse::adam_update(params, args.floats(0, n, "x"), args.floats(1, n, "m"), args.floats(2, n, "v"),
                            args.floats(3, n, "g"), args.floats(4, n, "xOut"), args.floats(5, n, "mOut"),
                            args.floats(6, n, "vOut"), n);
    return undefined(env);
  });
}

}  // namespace

void define_training_bindings(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"attentionPoolForward", nullptr, AttentionPoolForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"attentionPoolBackward", nullptr, AttentionPoolBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTraining", nullptr, BatchNormTraining, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrainingGrad", nullptr, BatchNormTrainingGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormInference", nullptr, BatchNormInference, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

}  // namespace motionfuse::bindings
