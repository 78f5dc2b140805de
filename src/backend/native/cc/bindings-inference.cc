// N-API bindings: compiled inference (src/models/inference): see inference.h and conv-block.h.
#include "napi-args.h"
#include "conv-block.h"
#include "inference.h"
#include "attention.h"

namespace motionfuse::bindings {
namespace {

// Compiled inference (src/models/inference): see inference.h and conv-block.h. A bias of length 0 means none.
const float* optional_floats(Args& args, size_t i, size_t needed, const char* name, bool present) {
  return present ? args.floats(i, needed, name) : nullptr;
}

// convBlock(x, filter, bias, y, dims, hasBias): dims [batch, inW, inC, convW, outC, filterW, stride,
// dilation, padLeft, relu (0/1), pool, poolStride, outW].
napi_value ConvBlock(napi_env env, napi_callback_info info) {
  return guarded(env, "convBlock", [&]() -> napi_value {
    Args args(env, info, 6);
    const std::vector<int> d = args.integers(4, 13, "dims");
    const motionfuse::ConvBlockShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9] != 0, d[10], d[11], d[12]};
    if (s.batch < 1 || s.in_w < 1 || s.in_c < 1 || s.conv_w < 1 || s.out_c < 1 || s.filter_w < 1 || s.out_w < 1 || s.stride < 1 || s.dilation < 1 || s.pool < 1 || s.pool_stride < 1)
      throw ArgError{"sizes, strides, dilation and pool must be at least 1"};
    if (s.pool > 1 ? (s.out_w - 1) * s.pool_stride + s.pool > s.conv_w : s.out_w != s.conv_w)
      throw ArgError{"outW does not fit convW and the pool"};
    motionfuse::conv_block(s, args.floats(0, product({s.batch, s.in_w, s.in_c}), "x"),
                           args.floats(1, product({s.filter_w, s.in_c, s.out_c}), "filter"),
                           optional_floats(args, 2, s.out_c, "bias", args.boolean(5, "hasBias")),
                           args.floats(3, product({s.batch, s.out_w, s.out_c}), "y"));
    return undefined(env);
  });
}

// denseForward(x, W, bias, y, M, K, N, activation, hasBias): activation 0 linear, 1 relu, 2 tanh, 3 sigmoid, 4 softmax.
napi_value DenseForward(napi_env env, napi_callback_info info) {
  return guarded(env, "denseForward", [&]() -> napi_value {
    Args args(env, info, 9);
    const int M = args.integer(4, "M", 1), K = args.integer(5, "K", 1), N = args.integer(6, "N", 1);
    const int act = args.integer(7, "activation");
    if (act > 4) throw ArgError{"activation must be 0 to 4"};
    motionfuse::dense_forward(M, K, N, args.floats(0, product({M, K}), "x"), args.floats(1, product({K, N}), "W"),
                              optional_floats(args, 2, N, "bias", args.boolean(8, "hasBias")),
                              static_cast<motionfuse::DenseActivation>(act), args.floats(3, product({M, N}), "y"));
    return undefined(env);
  });
}

// lstmInfer(x, W, U, bias, h, B, T, I, H, sequences): h [B, T, H] with sequences, else [B, H].
napi_value LstmInfer(napi_env env, napi_callback_info info) {
  return guarded(env, "lstmInfer", [&]() -> napi_value {
    Args args(env, info, 10);
    const int B = args.integer(5, "B", 1), T = args.integer(6, "T", 1), I = args.integer(7, "I", 1), H = args.integer(8, "H", 1);
    const bool sequences = args.boolean(9, "sequences");
    const int G = 4 * H;
    motionfuse::lstm_infer(B, T, I, H, args.floats(0, product({B, T, I}), "x"), args.floats(1, product({I, G}), "W"),
                           args.floats(2, product({H, G}), "U"), args.floats(3, G, "bias"),
                           args.floats(4, sequences ? product({B, T, H}) : product({B, H}), "h"), sequences);
    return undefined(env);
  });
}

// attentionPool(x, W, b, v, y, B, T, F, U)
napi_value AttentionPool(napi_env env, napi_callback_info info) {
  return guarded(env, "attentionPool", [&]() -> napi_value {
    Args args(env, info, 9);
    const int B = args.integer(5, "B", 1), T = args.integer(6, "T", 1), F = args.integer(7, "F", 1), U = args.integer(8, "U", 1);
    motionfuse::attention_pool(B, T, F, U, args.floats(0, product({B, T, F}), "x"), args.floats(1, product({F, U}), "W"),
                               args.floats(2, U, "b"), args.floats(3, U, "v"), args.floats(4, product({B, F}), "y"));
    return undefined(env);
  });
}

}  // namespace

void define_inference_bindings(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"convBlock", nullptr, ConvBlock, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"denseForward", nullptr, DenseForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmInfer", nullptr, LstmInfer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"attentionPool", nullptr, AttentionPool, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

}  // namespace motionfuse::bindings
