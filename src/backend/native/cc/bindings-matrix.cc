// N-API bindings: matrix products, the LSTM layer (training), activations and sums.
#include "napi-args.h"
#include "gemm.h"
#include "lstm.h"
#include "elementwise.h"
#include "simd.h"

namespace motionfuse::bindings {
namespace {

using motionfuse::MatrixRef;

// matMul(a, b, c, batch, M, N, K, transA, transB, batchStrideA, batchStrideB, accumulate)
// c[i] (+)= op(a[i]) . op(b[i]) for i < batch; a stride of 0 broadcasts that operand.
napi_value MatMul(napi_env env, napi_callback_info info) {
  return guarded(env, "matMul", [&]() -> napi_value {
    Args args(env, info, 12);
    const int batch = args.integer(3, "batch", 1);
    const int M = args.integer(4, "M"), N = args.integer(5, "N"), K = args.integer(6, "K");
    const bool ta = args.boolean(7, "transA"), tb = args.boolean(8, "transB");
    const int sa = args.integer(9, "batchStrideA"), sb = args.integer(10, "batchStrideB");
    const bool accumulate = args.boolean(11, "accumulate");
    float* a = args.floats(0, static_cast<size_t>(sa) * (batch - 1) + product({M, K}), "a");
    float* b = args.floats(1, static_cast<size_t>(sb) * (batch - 1) + product({K, N}), "b");
    float* c = args.floats(2, product({batch, M, N}), "c");
    for (int i = 0; i < batch; i++) {
      motionfuse::gemm(M, N, K, MatrixRef{a + static_cast<size_t>(i) * sa, ta ? M : K, ta},
                       MatrixRef{b + static_cast<size_t>(i) * sb, tb ? K : N, tb}, c + static_cast<size_t>(i) * M * N, N,
                       accumulate);
    }
    return undefined(env);
  });
}

// lstmForward(x, W, U, bias, h, c, tanhC, gates, B, T, I, H)
napi_value LstmForward(napi_env env, napi_callback_info info) {
  return guarded(env, "lstmForward", [&]() -> napi_value {
    Args args(env, info, 12);
    const int B = args.integer(8, "B", 1), T = args.integer(9, "T", 1), I = args.integer(10, "I", 1), H = args.integer(11, "H", 1);
    const int G = 4 * H;
    motionfuse::lstm_forward({B, T, I, H}, args.floats(0, product({B, T, I}), "x"), args.floats(1, product({I, G}), "W"),
                             args.floats(2, product({H, G}), "U"), args.floats(3, G, "bias"),
                             args.floats(4, product({B, T, H}), "h"), args.floats(5, product({T, B, H}), "c"),
                             args.floats(6, product({T, B, H}), "tanhC"), args.floats(7, product({T, B, G}), "gates"));
    return undefined(env);
  });
}

// lstmBackward(dy, x, W, U, h, c, tanhC, gates, dx, dW, dU, db, B, T, I, H)
napi_value LstmBackward(napi_env env, napi_callback_info info) {
  return guarded(env, "lstmBackward", [&]() -> napi_value {
    Args args(env, info, 16);
    const int B = args.integer(12, "B", 1), T = args.integer(13, "T", 1), I = args.integer(14, "I", 1), H = args.integer(15, "H", 1);
    const int G = 4 * H;
    motionfuse::lstm_backward({B, T, I, H}, args.floats(0, product({B, T, H}), "dy"), args.floats(1, product({B, T, I}), "x"),
                              args.floats(2, product({I, G}), "W"), args.floats(3, product({H, G}), "U"),
                              args.floats(4, product({B, T, H}), "h"), args.floats(5, product({T, B, H}), "c"),
                              args.floats(6, product({T, B, H}), "tanhC"), args.floats(7, product({T, B, G}), "gates"),
                              args.floats(8, product({B, T, I}), "dx"), args.floats(9, product({I, G}), "dW"),
                              args.floats(10, product({H, G}), "dU"), args.floats(11, G, "db"));
    return undefined(env);
  });
}

// activation(kind, x, y, n): y[i] = f(x[i]) for i < n; kind 0 = tanh, 1 = sigmoid; y may be x.
napi_value ActivationFn(napi_env env, napi_callback_info info) {
  return guarded(env, "activation", [&]() -> napi_value {
    Args args(env, info, 4);
    const int kind = args.integer(0, "kind");
    if (kind > 1) throw ArgError{"kind must be 0 (tanh) or 1 (sigmoid)"};
    const int n = args.integer(3, "n");
    motionfuse::activation(kind == 0 ? motionfuse::Activation::Tanh : motionfuse::Activation::Sigmoid,
                           args.floats(1, n, "x"), args.floats(2, n, "y"), n);
    return undefined(env);
  });
}

// reduceSum(x, out, outer, inner, leading, scale): x as [outer, inner]; leading sums over outer
// (out [inner]), else over inner (out [outer]); every sum is multiplied by scale.
napi_value ReduceSum(napi_env env, napi_callback_info info) {
  return guarded(env, "reduceSum", [&]() -> napi_value {
    Args args(env, info, 6);
    const int outer = args.integer(2, "outer"), inner = args.integer(3, "inner");
    const bool leading = args.boolean(4, "leading");
    const float scale = static_cast<float>(args.number(5, "scale"));
    const float* x = args.floats(0, product({outer, inner}), "x");
    float* out = args.floats(1, leading ? inner : outer, "out");
    if (leading) motionfuse::sum_leading(x, outer, inner, scale, out);
    else motionfuse::sum_trailing(x, outer, inner, scale, out);
    return undefined(env);
  });
}

}  // namespace

void define_matrix_bindings(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmForward", nullptr, LstmForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmBackward", nullptr, LstmBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activation", nullptr, ActivationFn, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduceSum", nullptr, ReduceSum, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

}  // namespace motionfuse::bindings
