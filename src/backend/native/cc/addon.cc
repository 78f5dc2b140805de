// The addon's entry point. Every buffer argument is a Float32Array (in tfjs's WASM heap or anywhere
// else); shapes are checked against the arrays' lengths before any native code touches memory
// (napi-args.h). The bindings live by kernel family in bindings-*.cc.
#include <thread>

#include "napi-args.h"
#include "simd.h"
#include "thread-pool.h"

namespace motionfuse::bindings {
namespace {

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
}  // namespace motionfuse::bindings

NAPI_MODULE_INIT() {
  using namespace motionfuse::bindings;
  const napi_property_descriptor props[] = {
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  define_matrix_bindings(env, exports);
  define_conv_bindings(env, exports);
  define_training_bindings(env, exports);
  define_inference_bindings(env, exports);
  napi_add_env_cleanup_hook(env, Cleanup, nullptr);
  return exports;
}
