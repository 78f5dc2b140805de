// N-API bindings: convolutions, pooling, bias and ReLU gradient.
#include "napi-args.h"
#include "conv.h"
#include "conv-pool.h"
#include "temporal-block.h"
#include "conv2d-bias.h"
#include "pool.h"
#include "relu.h"

namespace motionfuse::bindings {
namespace {

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

// conv2dBiasRelu(x, filter, bias, y, dims, flags): flags bit 0 adds bias [outC] (else bias is ignored), bit 1 ReLU.
napi_value Conv2dBiasRelu(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBiasRelu", [&]() -> napi_value {
    Args args(env, info, 6);
    const motionfuse::ConvShape s = conv_shape(args, 4);
    const int flags = args.integer(5, "flags");
    const float* bias = (flags & 1) != 0 ? args.floats(2, s.out_c, "bias") : nullptr;
    motionfuse::conv2d_forward_bias_relu(s, args.floats(0, product({s.batch, s.in_h, s.in_w, s.in_c}), "x"),
                                         args.floats(1, product({s.patch_len(), s.out_c}), "filter"), bias,
                                         (flags & 2) != 0, args.floats(3, product({s.rows(), s.out_c}), "y"));
    return undefined(env);
  });
}

// conv2dBiasReluPool(x, filter, bias, y, argmax, dims, flags): conv2dBiasRelu's arguments, then 2x2
// max pooling; y and argmax (Int32Array) [batch, outH / 2, outW / 2, outC] (see conv-pool.h).
napi_value Conv2dBiasReluPool(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBiasReluPool", [&]() -> napi_value {
    Args args(env, info, 7);
    const motionfuse::ConvShape s = conv_shape(args, 5);
    const int flags = args.integer(6, "flags");
    const float* bias = (flags & 1) != 0 ? args.floats(2, s.out_c, "bias") : nullptr;
    const size_t pooled = product({s.batch, s.out_h / 2, s.out_w / 2, s.out_c});
    motionfuse::conv2d_bias_relu_pool2_forward(s, args.floats(0, product({s.batch, s.in_h, s.in_w, s.in_c}), "x"),
                                               args.floats(1, product({s.patch_len(), s.out_c}), "filter"), bias,
                                               (flags & 2) != 0, args.floats(3, pooled, "y"),
                                               args.int32s(4, pooled, "argmax"));
    return undefined(env);
  });
}

// conv2dBiasReluPoolGrad(y, dy, argmax, dpre, dbias, dims, flags): the gradient at the conv's output
// [batch, outH, outW, outC] and, with flags bit 0, the bias's [outC]; bit 1: the forward had ReLU.
napi_value Conv2dBiasReluPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBiasReluPoolGrad", [&]() -> napi_value {
    Args args(env, info, 7);
    const motionfuse::ConvShape s = conv_shape(args, 5);
    const int flags = args.integer(6, "flags");
    const size_t pooled = product({s.batch, s.out_h / 2, s.out_w / 2, s.out_c});
    float* dbias = (flags & 1) != 0 ? args.floats(4, s.out_c, "dbias") : nullptr;
    motionfuse::conv2d_bias_relu_pool2_backward(s, (flags & 2) != 0, args.floats(0, pooled, "y"),
                                                args.floats(1, pooled, "dy"), args.int32s(2, pooled, "argmax"),
                                                args.floats(3, product({s.rows(), s.out_c}), "dpre"), dbias);
    return undefined(env);
  });
}

// temporalBlock(x, filter, gamma, beta, z, mean, variance, y, argmax, dims, epsilon): see
// temporal-block.h; dims as conv2d's with inH = outH = 1.
napi_value TemporalBlock(napi_env env, napi_callback_info info) {
  return guarded(env, "temporalBlock", [&]() -> napi_value {
    Args args(env, info, 11);
    const motionfuse::ConvShape s = conv_shape(args, 9);
    if (s.in_h != 1 || s.out_h != 1) throw ArgError{"temporalBlock: inH and outH must be 1"};
    const int C = s.out_c;
    const size_t pooled = product({s.batch, s.out_w / 2, C});
    motionfuse::temporal_block_forward(
        s, static_cast<float>(args.number(10, "epsilon")), args.floats(0, product({s.batch, s.in_w, s.in_c}), "x"),
        args.floats(1, product({s.patch_len(), C}), "filter"), args.floats(2, C, "gamma"), args.floats(3, C, "beta"),
        args.floats(4, product({s.rows(), C}), "z"), args.floats(5, C, "mean"), args.floats(6, C, "variance"),
        args.floats(7, pooled, "y"), args.int32s(8, pooled, "argmax"));
    return undefined(env);
  });
}

// temporalBlockGrad(x, gamma, z, mean, variance, y, argmax, dy, dz, dfilter, dgamma, dbeta, dims, epsilon).
napi_value TemporalBlockGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "temporalBlockGrad", [&]() -> napi_value {
    Args args(env, info, 14);
    const motionfuse::ConvShape s = conv_shape(args, 12);
    if (s.in_h != 1 || s.out_h != 1) throw ArgError{"temporalBlockGrad: inH and outH must be 1"};
    const int C = s.out_c;
    const size_t pooled = product({s.batch, s.out_w / 2, C});
    const size_t full = product({s.rows(), C});
    motionfuse::temporal_block_backward(
        s, static_cast<float>(args.number(13, "epsilon")), args.floats(0, product({s.batch, s.in_w, s.in_c}), "x"),
        args.floats(1, C, "gamma"), args.floats(2, full, "z"), args.floats(3, C, "mean"), args.floats(4, C, "variance"),
        args.floats(5, pooled, "y"), args.int32s(6, pooled, "argmax"), args.floats(7, pooled, "dy"),
        args.floats(8, full, "dz"), args.floats(9, product({s.patch_len(), C}), "dfilter"), args.floats(10, C, "dgamma"),
        args.floats(11, C, "dbeta"));
    return undefined(env);
  });
}

// setConvDirectMaxInC(n): see conv.h (benchmarks and tests compare the two paths).
napi_value SetConvDirectMaxInC(napi_env env, napi_callback_info info) {
  return guarded(env, "setConvDirectMaxInC", [&]() -> napi_value {
    Args args(env, info, 1);
    motionfuse::set_conv_direct_max_in_c(args.integer(0, "n"));
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

// maxPool(x, y, dims): dims as maxPoolBackprop's; y [batch, outH, outW, channels].
napi_value MaxPoolForward(napi_env env, napi_callback_info info) {
  return guarded(env, "maxPool", [&]() -> napi_value {
    Args args(env, info, 3);
    const std::vector<int> d = args.integers(2, 12, "dims");
    const motionfuse::PoolShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11]};
    if (s.stride_h < 1 || s.stride_w < 1) throw ArgError{"strides must be at least 1"};
    motionfuse::max_pool_forward(s, args.floats(0, product({s.batch, s.in_h, s.in_w, s.channels}), "x"),
                                 args.floats(1, product({s.batch, s.out_h, s.out_w, s.channels}), "y"));
    return undefined(env);
  });
}

// biasAdd(x, bias, y, rows, channels): y[r, c] = x[r, c] + bias[c] (y may be x).
napi_value BiasAdd(napi_env env, napi_callback_info info) {
  return guarded(env, "biasAdd", [&]() -> napi_value {
    Args args(env, info, 5);
    const int rows = args.integer(3, "rows");
    const int channels = args.integer(4, "channels");
    const size_t n = static_cast<size_t>(rows) * channels;
    motionfuse::bias_add(args.floats(0, n, "x"), args.floats(1, channels, "bias"), args.floats(2, n, "y"), rows, channels);
    return undefined(env);
  });
}

// reluGrad(dy, x, dx, n): dx = dy * step(x) for i < n (tfjs's ReLU gradient in one pass).
napi_value ReluBackward(napi_env env, napi_callback_info info) {
  return guarded(env, "reluGrad", [&]() -> napi_value {
    Args args(env, info, 4);
    const int n = args.integer(3, "n");
    motionfuse::relu_backward(args.floats(0, n, "dy"), args.floats(1, n, "x"), args.floats(2, n, "dx"), n);
    return undefined(env);
  });
}

}  // namespace

void define_conv_bindings(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBiasRelu", nullptr, Conv2dBiasRelu, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBiasReluPool", nullptr, Conv2dBiasReluPool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBiasReluPoolGrad", nullptr, Conv2dBiasReluPoolGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"temporalBlock", nullptr, TemporalBlock, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"temporalBlockGrad", nullptr, TemporalBlockGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setConvDirectMaxInC", nullptr, SetConvDirectMaxInC, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolBackprop", nullptr, MaxPoolBackprop, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool", nullptr, MaxPoolForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluGrad", nullptr, ReluBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasAdd", nullptr, BiasAdd, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

}  // namespace motionfuse::bindings
