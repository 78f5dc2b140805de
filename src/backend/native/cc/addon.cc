// N-API bindings. Every buffer argument is a Float32Array (in tfjs's WASM heap or anywhere else);
// shapes are checked against the arrays' lengths before any native code touches memory.
#include <node_api.h>

#include <cstdint>
#include <string>
#include <thread>

#include "conv.h"
#include "elementwise.h"
#include "gemm.h"
#include "lstm.h"
#include "simd.h"
#include "thread-pool.h"

namespace {

using motionfuse::MatrixRef;

struct ArgError {
  std::string message;
};

class Args {
 public:
  Args(napi_env env, napi_callback_info info, size_t expected) : env_(env), argv_(expected) {
    size_t argc = expected;
    napi_get_cb_info(env, info, &argc, argv_.data(), nullptr, nullptr);
    if (argc < expected) throw ArgError{"expected " + std::to_string(expected) + " arguments, got " + std::to_string(argc)};
  }

  float* floats(size_t i, size_t needed, const char* name) {
    bool is_typed = false;
    napi_is_typedarray(env_, argv_[i], &is_typed);
    if (!is_typed) throw ArgError{std::string(name) + " must be a Float32Array"};
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env_, argv_[i], &type, &length, &data, nullptr, nullptr);
    if (type != napi_float32_array) throw ArgError{std::string(name) + " must be a Float32Array"};
    if (length < needed) {
      throw ArgError{std::string(name) + " holds " + std::to_string(length) + " floats, needs " + std::to_string(needed)};
    }
    return static_cast<float*>(data);
  }

  int integer(size_t i, const char* name, int min_value = 0) {
    int32_t v = 0;
    if (napi_get_value_int32(env_, argv_[i], &v) != napi_ok) throw ArgError{std::string(name) + " must be an integer"};
    if (v < min_value) throw ArgError{std::string(name) + " must be at least " + std::to_string(min_value)};
    return v;
  }

  double number(size_t i, const char* name) {
    double v = 0;
    if (napi_get_value_double(env_, argv_[i], &v) != napi_ok) throw ArgError{std::string(name) + " must be a number"};
    return v;
  }

  // An array of `count` whole numbers, each at least `min_value`.
  std::vector<int> integers(size_t i, size_t count, const char* name, int min_value = 0) {
    bool is_array = false;
    napi_is_array(env_, argv_[i], &is_array);
    uint32_t length = 0;
    if (is_array) napi_get_array_length(env_, argv_[i], &length);
    if (!is_array || length != count) throw ArgError{std::string(name) + " must be an array of " + std::to_string(count) + " integers"};
    std::vector<int> out(count);
    for (uint32_t k = 0; k < count; k++) {
      napi_value e;
      napi_get_element(env_, argv_[i], k, &e);
      int32_t v = 0;
      if (napi_get_value_int32(env_, e, &v) != napi_ok || v < min_value) {
        throw ArgError{std::string(name) + "[" + std::to_string(k) + "] must be an integer of at least " + std::to_string(min_value)};
      }
      out[k] = v;
    }
    return out;
  }

  bool boolean(size_t i, const char* name) {
    bool v = false;
    if (napi_get_value_bool(env_, argv_[i], &v) != napi_ok) throw ArgError{std::string(name) + " must be a boolean"};
    return v;
  }

 private:
  napi_env env_;
  std::vector<napi_value> argv_;
};

template <typename Fn>
napi_value guarded(napi_env env, const char* what, Fn&& fn) {
  try {
    return fn();
  } catch (const ArgError& e) {
    napi_throw_range_error(env, nullptr, (std::string(what) + ": " + e.message).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string(what) + ": " + e.what()).c_str());
  }
  return nullptr;
}

size_t product(std::initializer_list<int> dims) {
  size_t n = 1;
  for (int d : dims) n *= static_cast<size_t>(d);
  return n;
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

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

// dims: [batch, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, dilationH,
// dilationW, padTop, padLeft] (NHWC; filter [filterH, filterW, inC, outC]).
motionfuse::ConvShape conv_shape(Args& args, size_t i) {
  const std::vector<int> d = args.integers(i, 15, "dims");
  const motionfuse::ConvShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14]};
  if (s.stride_h < 1 || s.stride_w < 1 || s.dilation_h < 1 || s.dilation_w < 1) throw ArgError{"strides and dilations must be at least 1"};
  return s;
}

// conv2d(x, filter, y, dims)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2d", [&]() -> napi_value {
    Args args(env, info, 4);
    const motionfuse::ConvShape s = conv_shape(args, 3);
    motionfuse::conv2d_forward(s, args.floats(0, product({s.batch, s.in_h, s.in_w, s.in_c}), "x"),
                               args.floats(1, product({s.patch_len(), s.out_c}), "filter"),
                               args.floats(2, product({s.rows(), s.out_c}), "y"));
    return undefined(env);
  });
}

// conv2dBackpropFilter(x, dy, dfilter, dims)
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBackpropFilter", [&]() -> napi_value {
    Args args(env, info, 4);
    const motionfuse::ConvShape s = conv_shape(args, 3);
    motionfuse::conv2d_backprop_filter(s, args.floats(0, product({s.batch, s.in_h, s.in_w, s.in_c}), "x"),
                                       args.floats(1, product({s.rows(), s.out_c}), "dy"),
                                       args.floats(2, product({s.patch_len(), s.out_c}), "dfilter"));
    return undefined(env);
  });
}

// conv2dBackpropInput(dy, filter, dx, dims)
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBackpropInput", [&]() -> napi_value {
    Args args(env, info, 4);
    const motionfuse::ConvShape s = conv_shape(args, 3);
    motionfuse::conv2d_backprop_input(s, args.floats(0, product({s.rows(), s.out_c}), "dy"),
                                      args.floats(1, product({s.patch_len(), s.out_c}), "filter"),
                                      args.floats(2, product({s.batch, s.in_h, s.in_w, s.in_c}), "dx"));
    return undefined(env);
  });
}

// maxPoolBackprop(x, dy, dx, dims): dims [batch, inH, inW, channels, outH, outW, filterH, filterW,
// strideH, strideW, padTop, padLeft] (NHWC).
napi_value MaxPoolBackprop(napi_env env, napi_callback_info info) {
  return guarded(env, "maxPoolBackprop", [&]() -> napi_value {
    Args args(env, info, 4);
    const std::vector<int> d = args.integers(3, 12, "dims");
    const motionfuse::PoolShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11]};
    if (s.stride_h < 1 || s.stride_w < 1) throw ArgError{"strides must be at least 1"};
    motionfuse::max_pool_backprop(s, args.floats(0, product({s.batch, s.in_h, s.in_w, s.channels}), "x"),
                                  args.floats(1, product({s.batch, s.out_h, s.out_w, s.channels}), "dy"),
                                  args.floats(2, product({s.batch, s.in_h, s.in_w, s.channels}), "dx"));
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

// setThreads(n): 0 = hardware concurrency. Returns the pool's size.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, "setThreads", [&]() -> napi_value {
    Args args(env, info, 1);
    motionfuse::configure_pool(args.integer(0, "threads"));
    napi_value v;
    napi_create_int32(env, motionfuse::pool_threads(), &v);
    return v;
  });
}

// info(): { isa, threads, hardwareThreads }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, isa, threads, hw;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, motionfuse::simd().isa, NAPI_AUTO_LENGTH, &isa);
  napi_create_int32(env, motionfuse::pool_threads(), &threads);
  napi_create_int32(env, static_cast<int32_t>(std::thread::hardware_concurrency()), &hw);
  napi_set_named_property(env, obj, "isa", isa);
  napi_set_named_property(env, obj, "threads", threads);
  napi_set_named_property(env, obj, "hardwareThreads", hw);
  return obj;
}

void Cleanup(void*) { motionfuse::shutdown_pool(); }

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmForward", nullptr, LstmForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lstmBackward", nullptr, LstmBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolBackprop", nullptr, MaxPoolBackprop, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activation", nullptr, ActivationFn, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduceSum", nullptr, ReduceSum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  napi_add_env_cleanup_hook(env, Cleanup, nullptr);
  return exports;
}
