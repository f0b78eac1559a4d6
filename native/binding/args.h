// Argument access for the N-API layer. The TypeScript layer has already
// validated types, lengths, aliasing and scalars; these helpers re-check only
// what native code needs to stay memory-safe, and throw a JS TypeError (never
// abort) if called directly with something else.
#pragma once

#include <napi.h>

#include <cstddef>
#include <string>

namespace nodegrad {
namespace binding {

struct F32View {
  float* data;
  size_t length;
};

inline F32View f32_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  // Data() is null for length 0; kernels never dereference a zero-length view.
  return {a.ElementLength() == 0 ? nullptr : a.Data(), a.ElementLength()};
}

inline double number_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  }
  return v.As<Napi::Number>().DoubleValue();
}

inline float f32_scalar_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return static_cast<float>(number_arg(info, index, name));
}

inline size_t size_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  double d = number_arg(info, index, name);
  if (!(d >= 0) || d > 9007199254740991.0 || d != static_cast<double>(static_cast<size_t>(d))) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be a non-negative integer");
  }
  return static_cast<size_t>(d);
}

inline bool bool_arg(const Napi::CallbackInfo& info, size_t index) {
  return info[index].ToBoolean().Value();
}

// Throws a RangeError unless view.length == expected.
inline void expect_length(const Napi::CallbackInfo& info, const F32View& view, size_t expected,
                          const char* name) {
  if (view.length != expected) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have length " +
                                                std::to_string(expected) + ", got " +
                                                std::to_string(view.length));
  }
}

}  // namespace binding
}  // namespace nodegrad
