// What every N-API binding file shares: argument checking (every buffer a Float32Array long enough
// for its shape, before any native code touches memory) and turning C++ errors into JS exceptions.
#pragma once
#include <node_api.h>

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <string>
#include <vector>

namespace motionfuse::bindings {

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
    return static_cast<float*>(typed(i, needed, name, napi_float32_array, "Float32Array", " floats"));
  }

  int32_t* int32s(size_t i, size_t needed, const char* name) {
    return static_cast<int32_t*>(typed(i, needed, name, napi_int32_array, "Int32Array", " integers"));
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
  void* typed(size_t i, size_t needed, const char* name, napi_typedarray_type want, const char* kind, const char* unit) {
    bool is_typed = false;
    napi_is_typedarray(env_, argv_[i], &is_typed);
    if (!is_typed) throw ArgError{std::string(name) + " must be a " + kind};
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env_, argv_[i], &type, &length, &data, nullptr, nullptr);
    if (type != want) throw ArgError{std::string(name) + " must be a " + kind};
    if (length < needed) {
      throw ArgError{std::string(name) + " holds " + std::to_string(length) + unit + ", needs " + std::to_string(needed)};
    }
    return data;
  }

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

inline size_t product(std::initializer_list<int> dims) {
  size_t n = 1;
  for (int d : dims) n *= static_cast<size_t>(d);
  return n;
}

inline napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// Each binding file's functions, added to the addon's exports (addon.cc).
void define_matrix_bindings(napi_env env, napi_value exports);
void define_conv_bindings(napi_env env, napi_value exports);
void define_training_bindings(napi_env env, napi_value exports);
void define_inference_bindings(napi_env env, napi_value exports);

}  // namespace motionfuse::bindings
