// Argument access for the N-API layer. The TypeScript layer has already
// validated types, lengths, aliasing and scalars; these helpers re-check only
// what native code needs to stay memory-safe, and throw a JS TypeError (never
// abort) if called directly with something else.
//
// The hot path is kept cheap (one crossing was ~0.5 µs, most of it in
// node-addon-api's generic machinery):
// - CallInfo reads every argument with ONE napi_get_cb_info call into a stack
//   array of kMaxArgs (node-addon-api's CallbackInfo keeps 6 on the stack and
//   for more allocates on the heap and calls napi_get_cb_info twice);
// - f32_arg decodes a Float32Array with ONE napi_get_typedarray_info call
//   (Value::IsTypedArray + As<TypedArray>().TypedArrayType() +
//   As<Float32Array>() took three, plus type checks).
#pragma once

#include <napi.h>

#include <cstddef>
#include <exception>
#include <string>

namespace nodegrad {
namespace binding {

constexpr size_t kMaxArgs = 16;

// What a binding function sees of its call: the same member names as
// Napi::CallbackInfo (Env, Length, operator[], Data), so binding code reads
// the same; arguments past kMaxArgs are ignored (no export takes that many).
class CallInfo {
 public:
  CallInfo(napi_env env, napi_callback_info cb) : env_(env) {
    argc_ = kMaxArgs;
    napi_status s = napi_get_cb_info(env, cb, &argc_, argv_, nullptr, &data_);
    NAPI_THROW_IF_FAILED_VOID(env, s);
    if (argc_ > kMaxArgs) argc_ = kMaxArgs;
    // napi_get_cb_info pads missing arguments (< kMaxArgs) with undefined.
  }
  Napi::Env Env() const { return Napi::Env(env_); }
  size_t Length() const { return argc_; }
  Napi::Value operator[](size_t i) const {
    return i < argc_ ? Napi::Value(env_, argv_[i]) : Env().Undefined();
  }
  napi_value raw(size_t i) const { return i < argc_ ? argv_[i] : nullptr; }
  void* Data() const { return data_; }

 private:
  napi_env env_;
  size_t argc_;
  napi_value argv_[kMaxArgs];
  void* data_ = nullptr;
};

using BindingFn = Napi::Value (*)(const CallInfo&);

// The napi_callback around a binding function: C++ exceptions become JS
// exceptions, as node-addon-api's own wrapper does (with
// NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS, one that cannot be thrown in a
// terminating worker is dropped instead of aborting).
template <BindingFn F>
napi_value callback(napi_env env, napi_callback_info cb) {
  try {
    CallInfo info(env, cb);
    return F(info);
  } catch (const Napi::Error& e) {
    e.ThrowAsJavaScriptException();
  } catch (const std::exception& e) {
    Napi::Error::New(env, e.what()).ThrowAsJavaScriptException();
  }
  return nullptr;
}

// The raw value of argument i (null past the end), for either kind of call
// info: the helpers below take both, so a binding not yet moved to CallInfo
// (optim.cc) keeps working.
inline napi_value raw_arg(const CallInfo& info, size_t i) { return info.raw(i); }
inline napi_value raw_arg(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() ? static_cast<napi_value>(info[i]) : nullptr;
}

// A typed array of exactly one element type `want`, decoded with one
// napi_get_typedarray_info call (the elementwise and reduction bindings take
// Int32Array and Uint8Array arguments besides Float32Array). `kind` names
// the type with its article ("a Float32Array") for the TypeError.
template <class T>
struct TypedView {
  T* data;
  size_t length;
};

template <class T, class Info>
inline TypedView<T> typed_arg(const Info& info, size_t index, const char* name,
                              napi_typedarray_type want, const char* kind) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value v = raw_arg(info, index);
  if (v == nullptr ||
      napi_get_typedarray_info(info.Env(), v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != want) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be " + kind);
  }
  return {length == 0 ? nullptr : static_cast<T*>(data), length};
}

struct F32View {
  float* data;
  size_t length;
};

template <class Info>
inline F32View f32_arg(const Info& info, size_t index, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value v = raw_arg(info, index);
  // Fails (without a pending exception) for anything that is not a typed array.
  if (v == nullptr ||
      napi_get_typedarray_info(info.Env(), v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float32Array");
  }
  // Data is null for length 0 (and only 4-byte aligned otherwise); kernels
  // never dereference a zero-length view.
  return {length == 0 ? nullptr : static_cast<float*>(data), length};
}

template <class Info>
inline double number_arg(const Info& info, size_t index, const char* name) {
  double d;
  napi_value v = raw_arg(info, index);
  if (v == nullptr || napi_get_value_double(info.Env(), v, &d) != napi_ok) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  }
  return d;
}

template <class Info>
inline float f32_scalar_arg(const Info& info, size_t index, const char* name) {
  return static_cast<float>(number_arg(info, index, name));
}

template <class Info>
inline size_t size_arg(const Info& info, size_t index, const char* name) {
  double d = number_arg(info, index, name);
  if (!(d >= 0) || d > 9007199254740991.0 || d != static_cast<double>(static_cast<size_t>(d))) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be a non-negative integer");
  }
  return static_cast<size_t>(d);
}

template <class Info>
inline bool bool_arg(const Info& info, size_t index) {
  return info[index].ToBoolean().Value();
}

// Throws a RangeError unless view.length == expected.
template <class Info>
inline void expect_length(const Info& info, const F32View& view, size_t expected,
                          const char* name) {
  if (view.length != expected) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have length " +
                                                std::to_string(expected) + ", got " +
                                                std::to_string(view.length));
  }
}

}  // namespace binding
}  // namespace nodegrad
